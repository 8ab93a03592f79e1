import { type Kysely, sql } from 'kysely';

// Account activity (docs/API.md, "Account activity, export and deletion"):
// one row per security event of a user, written in the transaction of the
// change it records, kept 90 days. `detail` is JSON (the method of a
// sign-in, the provider of a link); `browser` is a family ("Firefox"), never
// the whole User-Agent. Times are *_ms from the app's clock (0002).
// Binary collation: ids compare byte for byte, as on the other dialects.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // MySQL ignores an inline REFERENCES: foreign keys are table constraints.
  await db.schema
    .createTable('security_event')
    .addColumn('id', 'char(32)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('kind', 'varchar(32)', (col) => col.notNull())
    .addColumn('at_ms', 'bigint', (col) => col.notNull())
    .addColumn('client_address', 'varchar(64)', (col) => col.notNull())
    .addColumn('browser', 'varchar(64)', (col) => col.notNull())
    .addColumn('detail', 'text', (col) => col.notNull())
    .addForeignKeyConstraint('security_event_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  // A user's latest events (it also serves the foreign key), and the sweep of the oldest.
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
