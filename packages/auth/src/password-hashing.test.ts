import { describe, expect, it } from 'vitest';
import { argon2Hasher, argon2Options, dummyHash, needsRehash } from './password-hashing.ts';

// PHC strings as @node-rs/argon2 writes them (salt and hash shortened).
const phc = (algorithm: string, m: number, t: number) =>
  `$${algorithm}$v=19$m=${m},t=${t},p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA`;

describe('needsRehash', () => {
  it('keeps an Argon2id hash at or above the current parameters', () => {
    const { memoryCost, timeCost } = argon2Options;
    expect(needsRehash(phc('argon2id', memoryCost, timeCost))).toBe(false);
    expect(needsRehash(phc('argon2id', memoryCost * 2, timeCost + 1))).toBe(false);
  });

  it('replaces a weaker memory or time cost, another Argon2 variant, and anything unreadable', () => {
    expect(needsRehash(phc('argon2id', 4096, argon2Options.timeCost))).toBe(true);
    expect(needsRehash(phc('argon2id', argon2Options.memoryCost, 1))).toBe(true);
    expect(needsRehash(phc('argon2i', argon2Options.memoryCost, argon2Options.timeCost))).toBe(
      true,
    );
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
    expect(needsRehash('')).toBe(true);
  });
});

describe('dummyHash', () => {
  it('costs what a stored hash costs, and no password verifies against it', async () => {
    expect(needsRehash(dummyHash)).toBe(false);
    expect(dummyHash).toContain(`m=${argon2Options.memoryCost},t=${argon2Options.timeCost},p=1$`);
    expect(await argon2Hasher.verify(dummyHash, '')).toBe(false);
    expect(await argon2Hasher.verify(dummyHash, 'correct horse battery staple')).toBe(false);
  });
});
