import { type Kysely, sql } from 'kysely';

// Binary collation: ids compare byte for byte, as on the other dialects.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // A provider sign-in in progress: the state, PKCE verifier and nonce stay
  // here; the browser holds only the random id whose SHA-256 (hex) is `id`.
  await db.schema
    .createTable('auth_flow')
    .addColumn('id', 'char(64)', (col) => col.primaryKey())
    .addColumn('provider', 'varchar(32)', (col) => col.notNull())
    .addColumn('state', 'varchar(64)', (col) => col.notNull())
    .addColumn('code_verifier', 'varchar(128)', (col) => col.notNull())
    .addColumn('nonce', 'varchar(64)', (col) => col.notNull())
    .addColumn('link_user_id', 'varchar(255)')
    .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('auth_flow_link_user_id_fk', ['link_user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  await db.schema
    .createIndex('auth_flow_expires_index')
    .on('auth_flow')
    .column('expires_at_ms')
    .execute();
  // A provider key is `<provider>:<sub>`: a name of up to 32 characters,
  // and an OpenID Connect `sub` of up to 255 (its limit), do not fit the
  // 255 characters of 0001; the other dialects' TEXT has no limit.
  await db.schema
    .alterTable('key')
    .modifyColumn('id', 'varchar(288)', (col) => col.notNull())
    .execute();
  // When an identity was linked, for the account page. Keys made before
  // this migration have none.
  await db.schema.alterTable('key').addColumn('created_at_ms', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('key').dropColumn('created_at_ms').execute();
  await db.schema
    .alterTable('key')
    .modifyColumn('id', 'varchar(255)', (col) => col.notNull())
    .execute();
  await db.schema.dropTable('auth_flow').execute();
}
