import { type Kysely, sql } from 'kysely';

// A session row was keyed by the cookie's token itself; from here on by the
// token's SHA-256 in hex, so that the database holds no token that signs in.
// The rows of today are keyed again, and the cookies that hold their tokens
// still sign in. (SHA2 answers lower-case hex, as the app writes it.)
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update session set id = sha2(id, 256)`.execute(db);
}

// A digest cannot be turned back into its token: going back ends every session.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from session`.execute(db);
}
