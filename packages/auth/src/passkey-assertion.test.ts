import { describe, expect, it } from 'vitest';
import { messageOf } from './passkey-assertion.ts';

describe('messageOf', () => {
  it('blanks every quoted value of a library error: a challenge is never logged', () => {
    const error = new Error(
      'Unexpected authentication response challenge "c2VjcmV0LWNoYWxsZW5nZQ", expected "b3RoZXI"',
    );
    expect(messageOf(error)).toBe('Unexpected authentication response challenge "…", expected "…"');
  });

  it('cuts a long message, and names what is no Error', () => {
    expect(messageOf(new Error('x'.repeat(500)))).toHaveLength(200);
    expect(messageOf('a string')).toBe('unknown');
  });
});
