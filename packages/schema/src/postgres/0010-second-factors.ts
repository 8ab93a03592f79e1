import type { Kysely } from 'kysely';

// Second factors (docs/API.md, "Second factors"): a user's TOTP secret
// (AES-256-GCM sealed when AUTH_ENCRYPTION_KEY is set), pending while
// `confirmed_at_ms` is null, with the last time step it accepted (a code
// counts once); its recovery codes, each an Argon2id digest, one salt per
// set; and, on `session`, whether it still waits for its second factor.
// Passkeys are 0011's.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('totp')
    .addColumn('user_id', 'text', (col) =>
      col.primaryKey().references('user.id').onDelete('cascade'),
    )
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('confirmed_at_ms', 'bigint')
    .addColumn('last_step', 'bigint')
    .execute();
  await db.schema
    .createTable('recovery_code')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('user.id').onDelete('cascade'))
    .addColumn('salt', 'text', (col) => col.notNull())
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('created_at_ms', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('recovery_code_user_index')
    .on('recovery_code')
    .column('user_id')
    .execute();
  await db.schema
    .alterTable('session')
    .addColumn('second_factor_pending', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('session').dropColumn('second_factor_pending').execute();
  await db.schema.dropTable('recovery_code').execute();
  await db.schema.dropTable('totp').execute();
}
