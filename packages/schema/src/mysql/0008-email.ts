import { type Kysely, sql } from 'kysely';

// E-mail (docs/API.md, "E-mail"): a user's verified address; the codes that
// verify a new one; the reset links; and the outbox that mail goes through.
// Codes and links are made when their mail is sent, so that the outbox never
// holds one: until then a verification has no code_hash. Times are *_ms from
// the app's clock, as in every table only this app uses (0002).
// Binary collation: ids and digests compare byte for byte, as on the other
// dialects; addresses are stored lowered, so that they compare alike too.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('user').addColumn('email', 'varchar(254)').execute();
  await db.schema.alterTable('user').addColumn('email_verified_at_ms', 'bigint').execute();
  await db.schema
    .alterTable('user')
    .addCheckConstraint('user_email_lower_case', sql`email = lower(email)`)
    .execute();
  // An address is verified for at most one account; NULLs do not collide.
  await db.schema.createIndex('user_email_index').on('user').column('email').unique().execute();
  // MySQL ignores an inline REFERENCES: foreign keys are table constraints.
  await db.schema
    .createTable('email_verification')
    .addColumn('id', 'char(32)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull().unique())
    .addColumn('email', 'varchar(254)', (col) => col.notNull())
    .addColumn('code_hash', 'varchar(255)')
    .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addForeignKeyConstraint('email_verification_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  // The foreign key gives user_id its index.
  await db.schema
    .createTable('password_reset')
    .addColumn('id', 'char(64)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('used', 'integer', (col) => col.notNull().defaultTo(0))
    .addForeignKeyConstraint('password_reset_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  // No foreign key to the user: a notice may outlive the account it tells of.
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'char(32)', (col) => col.primaryKey())
    .addColumn('kind', 'varchar(32)', (col) => col.notNull())
    .addColumn('user_id', 'varchar(255)')
    .addColumn('address', 'varchar(254)', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('created_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('next_attempt_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('claimed_until_ms', 'bigint')
    .addColumn('claim_owner', 'char(32)')
    .modifyEnd(tableOptions)
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
  await db.schema.dropIndex('user_email_index').on('user').execute();
  await db.schema.alterTable('user').dropConstraint('user_email_lower_case').execute();
  await db.schema.alterTable('user').dropColumn('email_verified_at_ms').execute();
  await db.schema.alterTable('user').dropColumn('email').execute();
}
