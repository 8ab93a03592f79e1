import { availableParallelism } from 'node:os';
import { hash, parseOptions, verify } from '@node-rs/argon2';
import pLimit from 'p-limit';

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

/**
 * How many hashes run at once: one core fewer than the machine has, at least
 * one. A hash is ~20 ms of CPU on one of libuv's four threads; with a hash on
 * every core, the event loop waits for a core like any thread, and every
 * other request slows (measured on two cores: /api/me p99 under sign-in
 * load 5 to 13 times its idle p99 without this limit, 1 to 3 times with it,
 * for about the same sign-ins per second). Hashes beyond the limit queue,
 * an unknown user's dummy verification with the rest.
 */
export const limitHashing = pLimit(Math.max(1, availableParallelism() - 1));

/** `@node-rs/argon2` with `argon2Options`, on libuv's thread pool, off the event loop. */
export const argon2Hasher: PasswordHasher = {
  hash: (password) => limitHashing(() => hash(password, argon2Options)),
  verify: (hashed, password) => limitHashing(() => verify(hashed, password)),
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
 * What an unknown username is verified against: the Argon2id hash, with
 * `argon2Options`, of 32 random bytes that were thrown away. It is no secret
 * (no password verifies against it) and made once here rather than at each
 * start, where it cost a hash's CPU and 19 MiB before the first request.
 */
export const dummyHash =
  '$argon2id$v=19$m=19456,t=2,p=1$DBU6og7ddHdat6xViorF5g$r5UvwsN1IicOK/DG1nNNsm5yD+VZP/tcmic1AnvmMOU';

/**
 * Verifies a password against a stored hash. `null` (no such account) is
 * verified against `dummyHash`, so that an unknown username costs one
 * Argon2 verification like a known one, and is always false.
 */
export function createPasswordVerifier(hasher: PasswordHasher) {
  return async (hashed: string | null, password: string): Promise<boolean> => {
    const matches = await hasher.verify(hashed ?? dummyHash, password);
    return hashed !== null && matches;
  };
}
