import { randomBytes } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import { argon2Options, limitHashing } from './password-hashing.ts';

// Recovery codes (docs/API.md, "Codes"): 10 per set, 50 random bits each,
// shown once, stored as Argon2id digests under one salt per set, so that
// trying a code costs one hash, compared with every stored digest.

/** How many codes a set has. */
export const recoveryCodeCount = 10;
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

/** One code: 10 base32 characters (50 bits), shown as `xxxxx-xxxxx`. */
function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let code = '';
  // Each byte's low 5 bits: uniform over 32 characters.
  for (const byte of bytes) code += alphabet[byte & 31];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A new set of codes as the user is shown them. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, newRecoveryCode);
}

/** A new salt for a set (128 bits, base64). */
export function newRecoverySalt(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The form a code is hashed in: lower case, no spaces or hyphens; `null` for
 * what cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z2-7]{10}$/.test(code) ? code : null;
}

/** The Argon2id digest (base64) of a normalized code under its set's salt. */
export async function hashRecoveryCode(code: string, salt: string): Promise<string> {
  // Under the app's limit of hashes at once, as a password's (password-hashing.ts).
  const digest = await limitHashing(() =>
    hashRaw(code, { ...argon2Options, salt: Buffer.from(salt, 'base64') }),
  );
  return digest.toString('base64');
}

/** A set of codes as stored: one salt, a digest per code. */
export interface RecoverySet {
  salt: string;
  digests: string[];
}

/** The digests of a new set under a new salt, one hash after another. */
export async function hashRecoverySet(codes: string[]): Promise<RecoverySet> {
  const salt = newRecoverySalt();
  const digests: string[] = [];
  for (const code of codes)
    digests.push(await hashRecoveryCode(normalizeRecoveryCode(code) ?? code, salt));
  return { salt, digests };
}
