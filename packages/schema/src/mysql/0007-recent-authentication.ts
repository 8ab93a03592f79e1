import { type Kysely, sql } from 'kysely';

// When a session's user last proved who it is (a sign-in, a second factor,
// or POST /api/reauthenticate): the changes that could turn a stolen cookie
// into a lasting way in ask that it was recent. A session that exists now
// proved it when it was made. A provider flow may be such a proof.
// DATETIME in UTC, as every other point in time here (0001).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('session')
    .addColumn('authenticated_at', 'datetime', (col) =>
      col.notNull().defaultTo(sql`(utc_timestamp())`),
    )
    .execute();
  await sql`update session set authenticated_at = created_at`.execute(db);
  await db.schema
    .alterTable('auth_flow')
    .addColumn('reauthenticate', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('auth_flow').dropColumn('reauthenticate').execute();
  await db.schema.alterTable('session').dropColumn('authenticated_at').execute();
}
