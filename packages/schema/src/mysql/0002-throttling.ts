import { type Kysely, sql } from 'kysely';

// Throttling lives in the database so that every app process on it shares it.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('throttle_event')
    .addColumn('id', 'bigint', (col) => col.autoIncrement().primaryKey())
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('client_address', 'varchar(64)', (col) => col.notNull())
    .addColumn('at_ms', 'bigint', (col) => col.notNull())
    .modifyEnd(tableOptions)
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
    .addColumn('username', 'varchar(31)', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull())
    .addColumn('last_failure_ms', 'bigint', (col) => col.notNull())
    .modifyEnd(tableOptions)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('username_throttle').execute();
  await db.schema.dropTable('throttle_event').execute();
}
