import { type Kysely, sql } from 'kysely';

// Second factors (docs/API.md, "Second factors"): a user's TOTP secret
// (AES-256-GCM sealed when AUTH_ENCRYPTION_KEY is set), pending while
// `confirmed_at_ms` is null, with the last time step it accepted (a code
// counts once); its recovery codes, each an Argon2id digest, one salt per
// set; and, on `session`, whether it still waits for its second factor.
// Passkeys are 0011's.
// Binary collation: ids compare byte for byte, as on the other dialects.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // MySQL ignores an inline REFERENCES: foreign keys are table constraints.
  await db.schema
    .createTable('totp')
    .addColumn('user_id', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('secret', 'varchar(255)', (col) => col.notNull())
    .addColumn('created_at_ms', 'bigint', (col) => col.notNull())
    .addColumn('confirmed_at_ms', 'bigint')
    .addColumn('last_step', 'bigint')
    .addForeignKeyConstraint('totp_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  await db.schema
    .createTable('recovery_code')
    .addColumn('id', 'char(32)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('salt', 'varchar(64)', (col) => col.notNull())
    .addColumn('digest', 'varchar(128)', (col) => col.notNull())
    .addColumn('created_at_ms', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('recovery_code_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  // Serves the foreign key, and a user's codes.
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
