import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { countPasskeys } from './passkeys.ts';

/** The second factors of docs/API.md, as `"methods"` names them. */
export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery_code';

/**
 * The second factors a user has, in the contract's order: `totp` once
 * confirmed, `passkey` while it has one, `recovery_code` while one is left
 * beside a factor. Empty: a password or provider sign-in gives a full
 * session. The one place that answers it: the sign-in, the guard of
 * waiting sessions and the pages all ask here.
 *
 * @example
 * const methods = await secondFactorMethodsOf(db, user.id);
 */
export async function secondFactorMethodsOf(
  db: Kysely<Database>,
  userId: string,
): Promise<SecondFactorMethod[]> {
  const totp = await db
    .selectFrom('totp')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('confirmed_at_ms', 'is not', null)
    .executeTakeFirst();
  const passkey = (await countPasskeys(db, userId)) > 0;
  const factors: SecondFactorMethod[] = [
    ...(totp ? (['totp'] as const) : []),
    ...(passkey ? (['passkey'] as const) : []),
  ];
  if (factors.length === 0) return factors;
  const code = await db
    .selectFrom('recovery_code')
    .select('id')
    .where('user_id', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return code ? [...factors, 'recovery_code'] : factors;
}
