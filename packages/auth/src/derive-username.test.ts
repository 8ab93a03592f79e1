import { describe, expect, it } from 'vitest';
import { usernamePattern } from './credentials.ts';
import { deriveUsername, withSuffix } from './derive-username.ts';

describe('deriveUsername', () => {
  it('takes preferred_username, lowered', () => {
    expect(
      deriveUsername({ preferred_username: 'Alice', email: 'bob@example.com' }, 'gitlab'),
    ).toBe('alice');
  });

  it('drops characters outside the policy', () => {
    expect(deriveUsername({ preferred_username: 'Zoë.Smith (ops)' }, 'gitlab')).toBe('zosmithops');
  });

  it('takes the local part of email when preferred_username is missing or too short once cleaned', () => {
    expect(deriveUsername({ email: 'Carol.Jones@example.com' }, 'google')).toBe('caroljones');
    expect(deriveUsername({ preferred_username: 'ж.й', email: 'dave@example.com' }, 'google')).toBe(
      'dave',
    );
    // The last @ ends the local part: "a@b"@example.com.
    expect(deriveUsername({ email: 'erin@x@example.com' }, 'google')).toBe('erinx');
  });

  it('falls back to the provider name when no claim gives 3 characters', () => {
    expect(deriveUsername({ preferred_username: '李', email: 'é@example.com' }, 'gitlab')).toBe(
      'gitlab',
    );
    expect(deriveUsername({}, 'keycloak')).toBe('keycloak');
    expect(deriveUsername({ preferred_username: 42, email: ['x'] }, 'auth0')).toBe('auth0');
  });

  it('makes a provider name shorter than 3 characters a username', () => {
    expect(deriveUsername({}, 'gh')).toBe('gh-user');
  });

  it('cuts a long name to 31 characters', () => {
    expect(deriveUsername({ preferred_username: 'x'.repeat(40) }, 'gitlab')).toBe('x'.repeat(31));
  });

  it('drops what the policy refuses before lowering: a Kelvin sign is no k', () => {
    expect(deriveUsername({ preferred_username: '\u212Aelvin77' }, 'gitlab')).toBe('elvin77');
  });

  it('always answers a name the username policy accepts', () => {
    const samples = [
      '',
      'A',
      'ab',
      'a b c',
      '🙂🙂🙂',
      'İstanbul',
      'x'.repeat(300),
      'UPPER_case-ok',
    ];
    for (const preferred of samples) {
      for (const email of ['', '@', 'no-at-sign', `${preferred}@example.com`]) {
        for (const provider of ['a', 'gh', 'gitlab', 'p'.repeat(32)]) {
          const name = deriveUsername({ preferred_username: preferred, email }, provider);
          expect(name, JSON.stringify({ preferred, email, provider })).toMatch(usernamePattern);
        }
      }
    }
  });
});

describe('withSuffix', () => {
  it('adds -<digits>', () => {
    expect(withSuffix('alice', 4821)).toBe('alice-4821');
  });

  it('shortens the base so that the whole fits 31 characters', () => {
    const name = withSuffix('y'.repeat(31), 123456);
    expect(name).toBe(`${'y'.repeat(24)}-123456`);
    expect(name).toHaveLength(31);
  });
});
