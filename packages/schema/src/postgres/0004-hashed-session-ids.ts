import { type Kysely, sql } from 'kysely';

// A session row was keyed by the cookie's token itself; from here on by the
// token's SHA-256 in hex, so that the database holds no token that signs in.
// The rows of today are keyed again, and the cookies that hold their tokens
// still sign in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update session set id = encode(sha256(convert_to(id, 'UTF8')), 'hex')`.execute(db);
}

// A digest cannot be turned back into its token: going back ends every session.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from session`.execute(db);
}
