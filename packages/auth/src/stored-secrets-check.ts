import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { isSealed, open } from './secret-box.ts';

/**
 * What the start log says about `AUTH_ENCRYPTION_KEY` and the TOTP secrets
 * stored (docs/API.md, configuration): `null` when all is well; a warning
 * when no key is set (secrets are stored as they are); an error when a
 * sealed secret cannot be opened with the key (or without one). Reads one
 * sealed secret: one key seals them all.
 */
export async function checkStoredSecrets(
  db: Kysely<Database>,
  key: Buffer | null,
): Promise<{ level: 'warn' | 'error'; message: string } | null> {
  const row = await db
    .selectFrom('totp')
    .select('secret')
    .where('secret', 'like', 'v1.%')
    .limit(1)
    .executeTakeFirst();
  const sealed = row && isSealed(row.secret) ? row.secret : null;
  if (!key && sealed) {
    return {
      level: 'error',
      message:
        'AUTH_ENCRYPTION_KEY is not set, but TOTP secrets are stored sealed with one: TOTP fails until it is set again',
    };
  }
  if (!key) {
    return {
      level: 'warn',
      message: 'AUTH_ENCRYPTION_KEY is not set: TOTP secrets are stored as they are',
    };
  }
  if (sealed && open(key, sealed) === null) {
    return {
      level: 'error',
      message:
        'AUTH_ENCRYPTION_KEY cannot open the stored TOTP secrets: it is not the key they were sealed with, and TOTP fails for their users',
    };
  }
  return null;
}
