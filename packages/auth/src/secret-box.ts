import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Seals TOTP secrets at rest with AUTH_ENCRYPTION_KEY (docs/API.md). Written
// with node:crypto's AES-256-GCM directly: the whole box is an IV, a tag and
// a ciphertext in one string, which no library would make shorter or safer.

const prefix = 'v1';

/**
 * `v1.<iv>.<tag>.<ciphertext>` (base64url): a random 96-bit IV per seal,
 * the 128-bit GCM tag, so that a changed box or a wrong key is refused.
 */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [prefix, iv, tag, body]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Whether a stored value is a sealed box (else it was stored as it is, with no key set). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(`${prefix}.`);
}

/** The plaintext of a box; `null` for a wrong key or a box that was changed. */
export function open(key: Buffer, box: string): string | null {
  const [version, iv, tag, body] = box.split('.');
  if (version !== prefix || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return null;
  }
}

/** A key from `AUTH_ENCRYPTION_KEY`: 32 bytes in base64, else `null`. */
export function parseEncryptionKey(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return null;
  const key = Buffer.from(value, 'base64');
  return key.length === 32 ? key : null;
}
