import type { Kysely } from 'kysely';

// Account activity (docs/API.md, "Account activity, export and deletion"):
// one row per security event of a user, written in the transaction of the
// change it records, kept 90 days. `detail` is JSON (the method of a
// sign-in, the provider of a link); `browser` is a family ("Firefox"), never
// the whole User-Agent. Times are *_ms from the app's clock (0002).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_event')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('user.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('at_ms', 'integer', (col) => col.notNull())
    .addColumn('client_address', 'text', (col) => col.notNull())
    .addColumn('browser', 'text', (col) => col.notNull())
    .addColumn('detail', 'text', (col) => col.notNull())
    .execute();
  // A user's latest events, and the sweep of the oldest.
  await db.schema
    .createIndex('security_event_user_index')
    .on('security_event')
    .columns(['user_id', 'at_ms'])
    .execute();
  await db.schema
    .createIndex('security_event_at_index')
    .on('security_event')
    .column('at_ms')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_event').execute();
}
