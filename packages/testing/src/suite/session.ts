import { afterEach, describe, expect, it, vi } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { holdingHasher } from '../holding-hasher.ts';
import { jsonOf, sessionCookieOf, sessionCookiesOf, sessionRowId } from '../test-client.ts';

const day = 24 * 60 * 60 * 1000;

export function describeSession(harness: Harness) {
  async function signedIn(origin?: string) {
    const opened = origin ? await harness.open({ origin }) : harness.main;
    const client = opened.client();
    const username = uniqueUsername();
    const response = await client.post('/api/signup', { username, password: goodPassword });
    return { client, username, response, db: opened.db, opened };
  }

  describe(`${harness.dialect.name}: session`, () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('sets the cookie the contract describes: HttpOnly, SameSite=Lax, Path=/, 30 days, not Secure on http', async () => {
      const { response } = await signedIn();
      const cookie = sessionCookieOf(response);
      expect(cookie?.attributes.has('httponly')).toBe(true);
      expect(cookie?.attributes.get('samesite')).toBe('Lax');
      expect(cookie?.attributes.get('path')).toBe('/');
      expect(cookie?.attributes.get('max-age')).toBe(String(30 * 24 * 60 * 60));
      expect(cookie?.attributes.has('secure')).toBe(false);
    });

    it('gives a new session’s cookie its whole 30 days, however long the transaction that made it waited', async () => {
      const passwords = holdingHasher();
      const opened = await harness.open({ passwords });
      const username = uniqueUsername();
      const signup = await opened
        .client()
        .post('/api/signup', { username, password: goodPassword });
      expect(signup.status).toBe(201);
      // The password checked and held; meanwhile another transaction locks
      // the key row the sign-in's transaction writes (PostgreSQL, MySQL) or
      // holds the one connection (SQLite) for a second, as a busy database would.
      passwords.hold();
      const signin = opened.client().post('/api/signin', { username, password: goodPassword });
      await passwords.waitForHeld(1);
      await opened.db.transaction().execute(async (trx) => {
        const locked = await trx
          .updateTable('key')
          .set((eb) => ({ hashed_password: eb.ref('hashed_password') }))
          .where('id', '=', `username:${username}`)
          .executeTakeFirst();
        expect(Number(locked.numUpdatedRows)).toBe(1);
        passwords.release();
        await new Promise((resolve) => setTimeout(resolve, 1000));
      });
      const response = await signin;
      expect(response.status).toBe(200);
      expect(sessionCookieOf(response)?.attributes.get('max-age')).toBe(String((30 * day) / 1000));
    });

    it('names the cookie __Host-auth_session and marks it Secure when ORIGIN is https', async () => {
      const { response, client } = await signedIn('https://auth.example.com');
      const cookies = sessionCookiesOf(response);
      expect(cookies.map((cookie) => cookie.name)).toEqual(['__Host-auth_session']);
      const [cookie] = cookies;
      expect(cookie?.attributes.has('secure')).toBe(true);
      expect(cookie?.attributes.get('path')).toBe('/');
      expect(cookie?.attributes.has('domain')).toBe(false);
      expect((await client.get('/api/me')).status).toBe(200);
    });

    it('under https, refuses a token issued today under the old name auth_session, and deletes that cookie', async () => {
      const { client, opened } = await signedIn('https://auth.example.com');
      // What a sibling subdomain could plant: a cookie without the __Host- prefix.
      const planted = opened.client();
      planted.cookies.set('auth_session', client.cookie ?? '');
      const response = await planted.get('/api/me');
      expect(response.status).toBe(401);
      const cookies = sessionCookiesOf(response);
      expect(cookies.map(({ name, value }) => ({ name, value }))).toEqual([
        { name: 'auth_session', value: '' },
      ]);
      expect(cookies[0]?.attributes.get('max-age')).toBe('0');
      expect((await client.get('/api/me')).status).toBe(200);
    });

    it('keys the session row by the SHA-256 of the cookie’s token: the table holds nothing equal to it', async () => {
      const { client, db } = await signedIn();
      const token = client.cookie ?? '';
      expect(token).toMatch(/^[a-z2-7]{52}$/);
      const rows = await db.selectFrom('session').selectAll().execute();
      const cells = rows.flatMap((row) => Object.values(row).map(String));
      expect(cells.filter((cell) => cell.includes(token))).toEqual([]);
      expect(rows.map((row) => row.id)).toContain(sessionRowId(token));
    });

    it.each([
      ['a NUL byte', '%00'],
      ['a NUL inside a token', `${'a'.repeat(20)}%00${'a'.repeat(19)}`],
      ['4,000 characters', 'a'.repeat(4000)],
      ['bytes that are not UTF-8', '%FF%FE%FD'],
      ['a trailing space', `${'a'.repeat(40)}%20`],
    ])(
      'answers a session cookie with %s as no session on every route, /healthz included, and deletes it',
      async (_, value) => {
        for (const [path, status] of [
          ['/api/me', 401],
          ['/api/sessions', 401],
          ['/healthz', 200],
          ['/', 200],
          ['/account', 302],
        ] as const) {
          const response = await harness.main.app.request(path, {
            headers: { Cookie: `auth_session=${value}` },
          });
          expect(response.status, path).toBe(status);
          expect(sessionCookieOf(response)?.attributes.get('max-age'), path).toBe('0');
        }
      },
    );

    it('GET /api/me answers the user and when the session expires', async () => {
      const { client, username } = await signedIn();
      const response = await client.get('/api/me');
      expect(response.status).toBe(200);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      const body = await jsonOf(response);
      expect(body.user).toEqual({
        id: expect.any(String),
        username,
        email: null,
        emailVerified: false,
      });
      const expiresIn = Date.parse(body.session.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(29 * day);
      expect(expiresIn).toBeLessThanOrEqual(30 * day);
      expect(JSON.stringify(body)).not.toMatch(/argon2|hashed_password/);
    });

    it('GET /api/me without a session is 401 unauthenticated', async () => {
      const response = await harness.main.client().get('/api/me');
      expect(response.status).toBe(401);
      expect(await jsonOf(response)).toEqual({
        error: { code: 'unauthenticated', message: expect.any(String) },
      });
    });

    it('answers an unknown session cookie with a cookie that deletes it', async () => {
      const client = harness.main.client();
      client.cookie = 'a'.repeat(40);
      const response = await client.get('/api/me');
      expect(response.status).toBe(401);
      expect(sessionCookieOf(response)?.attributes.get('max-age')).toBe('0');
    });

    it('renews a session with less than 15 days left, and not before', async () => {
      const { client } = await signedIn();
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 14 * day);
      const early = await client.get('/api/me');
      expect(early.status).toBe(200);
      expect(sessionCookieOf(early)).toBeNull();

      vi.setSystemTime(Date.now() + 2 * day);
      const renewed = await client.get('/api/me');
      expect(renewed.status).toBe(200);
      expect(sessionCookieOf(renewed)?.attributes.get('max-age')).toBe(String(30 * 24 * 60 * 60));
      const { session } = await jsonOf(renewed);
      expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(29 * day);
    });

    it('ends an expired session and deletes its row and cookie', async () => {
      const { client, db } = await signedIn();
      const token = client.cookie ?? '';
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 31 * day);
      const response = await client.get('/api/me');
      expect(response.status).toBe(401);
      expect(sessionCookieOf(response)?.attributes.get('max-age')).toBe('0');
      expect(
        await db.selectFrom('session').select('id').where('id', '=', sessionRowId(token)).execute(),
      ).toHaveLength(0);
    });
  });

  describe(`${harness.dialect.name}: sign-out`, () => {
    it('deletes the session in the database and the cookie', async () => {
      const { client, db } = await signedIn();
      const token = client.cookie ?? '';
      const response = await client.post('/api/signout');
      expect(response.status).toBe(204);
      expect(sessionCookieOf(response)?.attributes.get('max-age')).toBe('0');
      expect(
        await db.selectFrom('session').select('id').where('id', '=', sessionRowId(token)).execute(),
      ).toHaveLength(0);

      const stale = harness.main.client();
      stale.cookie = token;
      expect((await stale.get('/api/me')).status).toBe(401);
    });

    it('is 401 unauthenticated without a session', async () => {
      const response = await harness.main.client().post('/api/signout');
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).error.code).toBe('unauthenticated');
    });
  });
}
