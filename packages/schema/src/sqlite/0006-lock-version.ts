import type { Kysely } from 'kysely';

// A transaction that must not run beside another on a user or on a key locks
// the row by writing it (SQLite has no SELECT ... FOR UPDATE, and Kysely's
// forUpdate() no SQLite form), one statement that every dialect of the
// shared code runs alike; a replicating cluster certifies only a row that
// changes. So the write adds one to this counter.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['user', 'key']) {
    await db.schema
      .alterTable(table)
      .addColumn('lock_version', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['user', 'key']) {
    await db.schema.alterTable(table).dropColumn('lock_version').execute();
  }
}
