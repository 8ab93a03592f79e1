import type { Logger } from 'pino';
import { isSealed, open, seal } from './secret-box.ts';

/** A TOTP secret as stored: sealed with `AUTH_ENCRYPTION_KEY` when set, else as it is. */
export function storedSecretOf(key: Buffer | null, secret: string): string {
  return key ? seal(key, secret) : secret;
}

/**
 * The secret of a stored row; `null` (and an error logged, naming the
 * variable) when it is sealed with a key this process lacks.
 */
export function readStoredSecret(
  key: Buffer | null,
  stored: string,
  logger: Logger,
): string | null {
  if (!isSealed(stored)) return stored;
  const secret = key ? open(key, stored) : null;
  if (secret === null) {
    logger.error(
      'AUTH_ENCRYPTION_KEY cannot open a stored TOTP secret: it is not the key the secrets were sealed with',
    );
  }
  return secret;
}
