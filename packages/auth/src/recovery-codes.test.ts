import { describe, expect, it } from 'vitest';
import {
  hashRecoveryCode,
  hashRecoverySet,
  newRecoveryCodes,
  newRecoverySalt,
  normalizeRecoveryCode,
  recoveryCodeCount,
} from './recovery-codes.ts';

describe('recovery codes', () => {
  it('makes 10 distinct codes of 50 bits each', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(recoveryCodeCount);
    expect(new Set(codes).size).toBe(recoveryCodeCount);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
  });

  it('reads a code however it is typed, and refuses what cannot be one', () => {
    expect(normalizeRecoveryCode('ABCDE-23456')).toBe('abcde23456');
    expect(normalizeRecoveryCode(' abcde 23456 ')).toBe('abcde23456');
    expect(normalizeRecoveryCode('abcde-2345')).toBeNull();
    expect(normalizeRecoveryCode('abcde-23450')).toBeNull();
    expect(normalizeRecoveryCode('')).toBeNull();
  });

  it('hashes a code the same under one salt, differently under another', async () => {
    const salt = newRecoverySalt();
    const digest = await hashRecoveryCode('abcde23456', salt);
    expect(digest).not.toContain('abcde23456');
    expect(await hashRecoveryCode('abcde23456', salt)).toBe(digest);
    expect(await hashRecoveryCode('abcde23457', salt)).not.toBe(digest);
    expect(await hashRecoveryCode('abcde23456', newRecoverySalt())).not.toBe(digest);
  });

  it('hashes a set under one salt, each code as typed or normalized alike', async () => {
    const codes = ['abcde-23456', 'fghij-77777'];
    const { salt, digests } = await hashRecoverySet(codes);
    expect(digests).toEqual([
      await hashRecoveryCode('abcde23456', salt),
      await hashRecoveryCode('fghij77777', salt),
    ]);
  });
});
