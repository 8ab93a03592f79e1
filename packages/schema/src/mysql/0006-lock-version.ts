import type { Kysely } from 'kysely';

// A transaction that must not run beside another on a user or on a key locks
// the row by writing it: one statement that every dialect of the shared code
// runs alike. On a Galera cluster only a row that changes is certified
// against the other nodes' writes: an UPDATE that leaves the row as it was
// locks it on one node alone. So the write adds one to this counter.
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
