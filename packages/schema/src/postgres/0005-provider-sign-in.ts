import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A provider sign-in in progress: the state, PKCE verifier and nonce stay
  // here; the browser holds only the random id whose SHA-256 is `id`.
  await db.schema
    .createTable('auth_flow')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('code_verifier', 'text', (col) => col.notNull())
    .addColumn('nonce', 'text', (col) => col.notNull())
    .addColumn('link_user_id', 'text', (col) => col.references('user.id').onDelete('cascade'))
    .addColumn('expires_at_ms', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('auth_flow_expires_index')
    .on('auth_flow')
    .column('expires_at_ms')
    .execute();
  // When an identity was linked, for the account page. Keys made before
  // this migration have none.
  await db.schema.alterTable('key').addColumn('created_at_ms', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('key').dropColumn('created_at_ms').execute();
  await db.schema.dropTable('auth_flow').execute();
}
