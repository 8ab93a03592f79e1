import { describe, expect, it } from 'vitest';
import { normalizeUsername, signupSchema, usernamePattern } from './credentials.ts';

describe('normalizeUsername', () => {
  it('lowers a name typed in ASCII letters, digits, _ and -', () => {
    expect(normalizeUsername('Alice_01-x')).toBe('alice_01-x');
  });

  it('refuses U+212A KELVIN SIGN, which lowers to an ASCII k', async () => {
    expect('\u212Aelvin77'.toLowerCase()).toBe('kelvin77');
    expect(normalizeUsername('\u212Aelvin77')).toBeNull();
    const parsed = await signupSchema.safeParseAsync({
      username: '\u212Aelvin77',
      password: 'x'.repeat(12),
    });
    expect(parsed.success).toBe(false);
  });

  it('refuses every code point outside ASCII, whatever it lowers to', () => {
    const accepted: string[] = [];
    for (let code = 0x80; code <= 0x10ffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const name = `ab${String.fromCodePoint(code)}`;
      if (normalizeUsername(name) !== null) accepted.push(code.toString(16));
    }
    expect(accepted).toEqual([]);
  });

  it('answers only names the stored policy accepts', () => {
    for (const typed of ['abc', 'ABC', 'a'.repeat(31), 'A-b_C']) {
      expect(normalizeUsername(typed)).toMatch(usernamePattern);
    }
    for (const typed of ['ab', 'a'.repeat(32), 'a b', 'a.b', '']) {
      expect(normalizeUsername(typed)).toBeNull();
    }
  });
});

describe('signupSchema', () => {
  it('refuses a password of the common-password list, in any case, and takes one that is not', async () => {
    const common = await signupSchema.safeParseAsync({
      username: 'alice',
      password: 'PassWord1234',
    });
    expect(common.success).toBe(false);
    const own = await signupSchema.safeParseAsync({
      username: 'alice',
      password: 'violet kettle orbit 9',
    });
    expect(own.success).toBe(true);
  });
});
