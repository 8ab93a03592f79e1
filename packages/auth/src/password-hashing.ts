import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * Argon2id at the OWASP minimum (m=19456 KiB, t=2, p=1). Argon2id is the
 * library's default algorithm; its `Algorithm` enum is a const enum, which
 * isolated modules cannot import, hence the number below.
 */
export const argon2Options = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };
const argon2id = 2;

/** Hashing and verifying, as the routes use them (tests count the calls). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** `@node-rs/argon2` with `argon2Options`; it hashes on libuv's thread pool, off the event loop. */
export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password, argon2Options),
  verify: (hashed, password) => verify(hashed, password),
};

/** Whether a stored hash is weaker than `argon2Options` and should be replaced at sign-in. */
export function needsRehash(hashed: string): boolean {
  try {
    const options = parseOptions(hashed);
    return (
      options.algorithm !== argon2id ||
      options.memoryCost < argon2Options.memoryCost ||
      options.timeCost < argon2Options.timeCost
    );
  } catch {
    return true;
  }
}

/**
 * Verifies a password against a stored hash. `null` (no such account) is
 * verified against a dummy hash made once, so that an unknown username costs
 * one Argon2 verification like a known one, and is always false.
 */
export function createPasswordVerifier(hasher: PasswordHasher) {
  const dummyHash = hasher.hash(crypto.randomUUID());
  return async (hashed: string | null, password: string): Promise<boolean> => {
    const matches = await hasher.verify(hashed ?? (await dummyHash), password);
    return hashed !== null && matches;
  };
}
