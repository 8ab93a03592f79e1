import { describe, expect, it } from 'vitest';
import { acceptedStep, codeAtStep, newTotpSecret, stepOf, totpUri } from './totp-codes.ts';

describe('TOTP codes', () => {
  const secret = newTotpSecret();
  // The middle of a step: no boundary near, whatever the clock.
  const step = 60_000_000;
  const now = step * 30_000 + 15_000;

  it('makes 160-bit secrets and an otpauth URI', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = totpUri(secret, 'alice', 'Example');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Example:alice\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain('algorithm=SHA1');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
  });

  it('accepts the step of now and one either side, and no further', () => {
    expect(stepOf(now)).toBe(step);
    expect(acceptedStep(secret, codeAtStep(secret, step), now, null)).toBe(step);
    expect(acceptedStep(secret, codeAtStep(secret, step - 1), now, null)).toBe(step - 1);
    expect(acceptedStep(secret, codeAtStep(secret, step + 1), now, null)).toBe(step + 1);
    for (const far of [step - 2, step + 2]) {
      const code = codeAtStep(secret, far);
      // A code of a far step may equal a near one by chance (1 in 10^6).
      if ([step - 1, step, step + 1].some((near) => codeAtStep(secret, near) === code)) continue;
      expect(acceptedStep(secret, code, now, null)).toBeNull();
    }
  });

  it('accepts a step once, and none before the last accepted', () => {
    expect(acceptedStep(secret, codeAtStep(secret, step), now, step)).toBeNull();
    expect(acceptedStep(secret, codeAtStep(secret, step - 1), now, step)).toBeNull();
    expect(acceptedStep(secret, codeAtStep(secret, step + 1), now, step)).toBe(step + 1);
  });

  it('refuses what is not six digits', () => {
    expect(acceptedStep(secret, '', now, null)).toBeNull();
    expect(acceptedStep(secret, `${codeAtStep(secret, step)}0`, now, null)).toBeNull();
    expect(acceptedStep(secret, 'abcdef', now, null)).toBeNull();
  });
});
