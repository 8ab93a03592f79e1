import { type Kysely, sql } from 'kysely';

// Passkeys (docs/API.md, "Second factors: TOTP, recovery codes, passkeys").
// `passkey`: a WebAuthn credential of a user. `id` is the app's own handle
// (what the API names); the credential is found by `credential_digest`, the
// SHA-256 (hex) of its id, unique so that a credential is registered to at
// most one user and compared as 64 hex digits, never by a collation.
// `public_key` is the COSE key in base64url; `counter` the authenticator's
// signature counter (0 where it keeps none). A credential id is at most
// 1023 bytes (WebAuthn), 1364 characters of base64url.
// `webauthn_challenge`: a challenge the server handed out, single use and
// kept 5 minutes, keyed by its SHA-256 (hex); `purpose` says which flow may
// take it, `user_id` whose it is (null for a sign-in, where no one is known
// yet). Times are *_ms from the app's clock (0002).
// Binary collation: ids compare byte for byte, as on the other dialects.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // MySQL ignores an inline REFERENCES: foreign keys are table constraints.
  await db.schema
    .createTable('passkey')
    .addColumn('id', 'varchar(32)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('credential_digest', 'char(64)', (col) => col.notNull().unique())
    .addColumn('credential_id', 'varchar(1400)', (col) => col.notNull())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('counter', 'bigint', (col) => col.notNull())
    .addColumn('transports', 'varchar(255)', (col) => col.notNull())
    .addColumn('created_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('last_used_at_ms', 'bigint')
    .addForeignKeyConstraint('passkey_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  await db.schema.createIndex('passkey_user_index').on('passkey').column('user_id').execute();
  await db.schema
    .createTable('webauthn_challenge')
    .addColumn('id', 'char(64)', (col) => col.primaryKey())
    .addColumn('purpose', 'varchar(32)', (col) => col.notNull())
    .addColumn('user_id', 'varchar(255)')
    .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('webauthn_challenge_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  await db.schema
    .createIndex('webauthn_challenge_expires_index')
    .on('webauthn_challenge')
    .column('expires_at_ms')
    .execute();
  await db.schema
    .createIndex('webauthn_challenge_user_index')
    .on('webauthn_challenge')
    .column('user_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webauthn_challenge').execute();
  await db.schema.dropTable('passkey').execute();
}
