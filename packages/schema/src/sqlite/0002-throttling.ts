import type { Kysely } from 'kysely';

// Throttling lives in the database, like everything an app process keeps.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('throttle_event')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('client_address', 'text', (col) => col.notNull())
    .addColumn('at_ms', 'integer', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('throttle_event_lookup_index')
    .on('throttle_event')
    .columns(['kind', 'client_address', 'at_ms'])
    .execute();
  await db.schema
    .createIndex('throttle_event_at_index')
    .on('throttle_event')
    .column('at_ms')
    .execute();
  await db.schema
    .createTable('username_throttle')
    .addColumn('username', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull())
    .addColumn('last_failure_ms', 'integer', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('username_throttle').execute();
  await db.schema.dropTable('throttle_event').execute();
}
