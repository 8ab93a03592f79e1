import { createHash } from 'node:crypto';
import { generateIdFromEntropySize } from 'lucia';

/** Tokens issued since migration 0004: 256 random bits, as 52 characters of base32. */
const tokenPattern = /^[a-z2-7]{52}$/;
/** Tokens Lucia issued before it (its default session id): 200 bits, 40 characters. */
const legacyTokenPattern = /^[a-z2-7]{40}$/;

/** A new session token for a cookie: 256 random bits. */
export function createSessionToken(): string {
  return generateIdFromEntropySize(32);
}

/**
 * The id of the session row behind a token: its SHA-256, in hex. The
 * database holds only this, so that a copy of it, a backup or a log of its
 * queries signs no one in; and whatever a cookie carries (a NUL byte, a
 * megabyte) reaches the database as 64 hex digits.
 */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Which tokens a cookie's value can be: one this app issues (`current`), one
 * Lucia issued before migration 0004 (`legacy`), or none (`null`): no
 * session, answered without asking the database.
 */
export function sessionTokenEra(value: string): 'current' | 'legacy' | null {
  if (tokenPattern.test(value)) return 'current';
  return legacyTokenPattern.test(value) ? 'legacy' : null;
}
