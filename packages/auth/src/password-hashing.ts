import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id at the OWASP minimum (m=19456 KiB, t=2, p=1). Argon2id is the
 * library's default algorithm; its `Algorithm` enum is a const enum, which
 * isolated modules cannot import.
 */
export const argon2Options = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

/** Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

// A real hash of a random password, verified for unknown usernames so that
// they cost the same time as a wrong password (no user enumeration).
const dummyHash = hashPassword(crypto.randomUUID());

/**
 * Verifies a password against a stored hash; `null` (no such account) verifies
 * against a dummy hash and is always false, in the same time.
 */
export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  const matches = await verify(hashed ?? (await dummyHash), password);
  return hashed !== null && matches;
}
