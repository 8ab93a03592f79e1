import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';

// A session row was keyed by the cookie's token itself; from here on by the
// token's SHA-256 in hex, so that the database holds no token that signs in.
// The rows of today are keyed again, and the cookies that hold their tokens
// still sign in. SQLite has no SHA-256 function: each row is keyed from here.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string }>`select id from session`.execute(db);
  for (const { id } of rows) {
    const hashed = createHash('sha256').update(id).digest('hex');
    await sql`update session set id = ${hashed} where id = ${id}`.execute(db);
  }
}

// A digest cannot be turned back into its token: going back ends every session.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from session`.execute(db);
}
