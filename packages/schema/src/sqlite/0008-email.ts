import type { Kysely } from 'kysely';

// E-mail (docs/API.md, "E-mail"): a user's verified address; the codes that
// verify a new one; the reset links; and the outbox that mail goes through.
// Codes and links are made when their mail is sent, so that the outbox never
// holds one: until then a verification has no code_hash. Times are *_ms from
// the app's clock, as in every table only this app uses (0002). SQLite adds
// no constraint to a table that exists: the app stores addresses lowered.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('user').addColumn('email', 'text').execute();
  await db.schema.alterTable('user').addColumn('email_verified_at_ms', 'integer').execute();
  // An address is verified for at most one account; NULLs do not collide.
  await db.schema.createIndex('user_email_index').on('user').column('email').unique().execute();
  await db.schema
    .createTable('email_verification')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) =>
      col.notNull().unique().references('user.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('code_hash', 'text')
    .addColumn('expires_at_ms', 'integer', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('password_reset')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('user.id').onDelete('cascade'))
    .addColumn('expires_at_ms', 'integer', (col) => col.notNull())
    .addColumn('used', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('password_reset_user_index')
    .on('password_reset')
    .column('user_id')
    .execute();
  // No foreign key to the user: a notice may outlive the account it tells of.
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text')
    .addColumn('address', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('created_at_ms', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at_ms', 'integer', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('claimed_until_ms', 'integer')
    .addColumn('claim_owner', 'text')
    .execute();
  await db.schema
    .createIndex('mail_outbox_next_attempt_index')
    .on('mail_outbox')
    .column('next_attempt_at_ms')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
  await db.schema.dropTable('password_reset').execute();
  await db.schema.dropTable('email_verification').execute();
  await db.schema.dropIndex('user_email_index').execute();
  await db.schema.alterTable('user').dropColumn('email_verified_at_ms').execute();
  await db.schema.alterTable('user').dropColumn('email').execute();
}
