import { BetterSqlite3Adapter } from '@lucia-auth/adapter-sqlite';
import type { Database } from '@repo/schema/database';
import { migrateToLatest } from '@repo/schema/migrate-to-latest';
import { migrations } from '@repo/schema/sqlite/migrations';
// The SQLite dialect's type boundary (Dates as seconds), as the app wires it.
import { SqliteTimestamps } from '@repo/schema/sqlite/sqlite-timestamps';
import Sqlite from 'better-sqlite3';
import { Hono } from 'hono';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sessionMiddleware } from './session-middleware.ts';
import { createSessions, sendSessionCookie, sessionIdOf } from './sessions.ts';

const day = 24 * 60 * 60 * 1000;

/** What the test app's `/me` answers. */
async function json(res: Response) {
  return (await res.json()) as { user: { id: string } | null; session: { expiresAt: string } };
}
const credential = { keyId: 'username:alice', hashedPassword: 'hash' };

/** Moves a session back in time: `created_at` is the database's to set, so not in Kysely's types. */
async function age(db: Kysely<Database>, token: string, createdAt: Date, expiresAt: Date) {
  await sql`update session set created_at = ${createdAt}, expires_at = ${expiresAt} where id = ${sessionIdOf(token)}`.execute(
    db,
  );
}

/** The module on an in-memory SQLite database, behind a two-route app; one user, alice. */
async function setup(origin = 'http://localhost:3000') {
  const database = new Sqlite(':memory:');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database }),
    plugins: [new SqliteTimestamps()],
  });
  await migrateToLatest(db, migrations);
  await db.insertInto('user').values({ id: 'u1', username: 'alice' }).execute();
  await db
    .insertInto('key')
    .values({ id: credential.keyId, user_id: 'u1', hashed_password: 'hash' })
    .execute();
  const adapter = new BetterSqlite3Adapter(database, { user: 'user', session: 'session' });
  const sessions = createSessions({ db, adapter, origin });
  const app = new Hono()
    .use(sessionMiddleware(sessions))
    .post('/signin', async (c) => {
      sendSessionCookie(c, await sessions.create('u1', credential));
      return c.body(null, 204);
    })
    .get('/me', (c) => c.json({ user: c.get('user'), session: c.get('session') }));
  const signIn = async () => {
    const res = await app.request('/signin', { method: 'POST' });
    const [name, token = ''] =
      (res.headers.get('set-cookie') ?? '').split(';')[0]?.split('=') ?? [];
    return { cookie: `${name}=${token}`, token };
  };
  const me = (cookie: string) => app.request('/me', { headers: { cookie } });
  return { db, sessions, signIn, me };
}

describe('sessions', () => {
  it('signs a request in by its cookie, and keeps only the SHA-256 of the token', async () => {
    const { db, signIn, me } = await setup();
    const { cookie, token } = await signIn();
    expect(token).toMatch(/^[a-z2-7]{52}$/);
    const body = await json(await me(cookie));
    expect(body.user).toMatchObject({ id: 'u1', username: 'alice' });
    const rows = await db.selectFrom('session').select('id').execute();
    expect(rows).toEqual([{ id: sessionIdOf(token) }]);
  });

  it('answers a cookie no token can have with one that deletes it', async () => {
    const { me } = await setup();
    const res = await me('auth_session=not-a-token');
    expect((await json(res)).user).toBeNull();
    expect(res.headers.get('set-cookie')).toMatch(/^auth_session=; .*Max-Age=0/);
  });

  it('renews a session in its last 15 days, never past 90 days from its creation', async () => {
    const { db, signIn, me } = await setup();
    const { cookie, token } = await signIn();
    const created = Date.now() - 85 * day;
    await age(db, token, new Date(created), new Date(Date.now() + 10 * day));
    const before = Date.now();
    const res = await me(cookie);
    const after = Date.now();
    const expiresAt = Date.parse((await json(res)).session.expiresAt);
    // SQLite keeps `created_at` in whole seconds.
    expect(Math.abs(expiresAt - (created + 90 * day))).toBeLessThan(1000);
    // Counted from the moment of the answer, whenever it came: no time limit.
    const maxAge = Number(/Max-Age=(\d+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(Math.floor((expiresAt - after) / 1000));
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((expiresAt - before) / 1000));
  });

  it('ends a session that would be renewed past 90 days', async () => {
    const { db, signIn, me } = await setup();
    const { cookie, token } = await signIn();
    await age(db, token, new Date(Date.now() - 91 * day), new Date(Date.now() + day));
    const res = await me(cookie);
    expect((await json(res)).user).toBeNull();
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(
      await db.selectFrom('session').select('id').where('id', '=', sessionIdOf(token)).execute(),
    ).toEqual([]);
  });

  it('makes no session once the checked password has changed', async () => {
    const { db, sessions } = await setup();
    await db.updateTable('key').set({ hashed_password: 'new' }).execute();
    expect(await sessions.create('u1', credential)).toBeNull();
    expect(await db.selectFrom('session').selectAll().execute()).toEqual([]);
  });

  it('keeps at most 50 sessions a user, lists them by handle and ends them', async () => {
    const { db, sessions, signIn } = await setup();
    for (let i = 0; i < 52; i += 1) await signIn();
    const { token } = await signIn();
    const current = sessionIdOf(token);
    const listed = await sessions.list('u1', current);
    expect(listed).toHaveLength(50);
    expect(listed.filter((session) => session.current)).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(current);
    const other = listed.find((session) => !session.current)?.id ?? '';
    expect(await sessions.endByHandle('u1', other)).not.toBeNull();
    expect(await sessions.endByHandle('u2', other)).toBeNull();
    expect(await sessions.endOthers('u1', current)).toBe(48);
    expect(await db.selectFrom('session').select('id').execute()).toEqual([{ id: current }]);
  });

  it('names the cookie __Host- under https, and takes no new token under the old name', async () => {
    const { signIn, me } = await setup('https://auth.example.com');
    const { cookie, token } = await signIn();
    expect(cookie.startsWith('__Host-auth_session=')).toBe(true);
    expect((await json(await me(cookie))).user).not.toBeNull();
    const planted = await me(`auth_session=${token}`);
    expect((await json(planted)).user).toBeNull();
    expect(planted.headers.get('set-cookie')).toMatch(/^auth_session=; /);
  });
});
