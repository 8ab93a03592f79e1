import { accountTables } from '@repo/auth/account-data';
import { runHousekeeping } from '@repo/auth/housekeeping';
import { eventLifetimeMs, recordEvent } from '@repo/auth/security-events';
import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingHasher } from '../counting-hasher.ts';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { codeOf, MailCatcher, resetTokenOf } from '../mail/mail-catcher.ts';
import { continueWith, uniqueSub } from '../oidc/provider-fixtures.ts';
import { jsonOf, sessionCookieOf, sessionRowId, type TestClient } from '../test-client.ts';
import { useTestProviders } from './providers/use-test-providers.ts';

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const chrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const newPassword = 'a new and different passphrase';

/** The tables of the live schema that have a `user_id` column: read from the database, not kept here. */
async function tablesWithUserId(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables
    .filter((table) => table.columns.some((column) => column.name === 'user_id'))
    .map((table) => table.name)
    .sort();
}

/**
 * docs/API.md, "Account activity, export and deletion": every event kind
 * that exists today, written with its change and read back through
 * `GET /api/activity`; the export, checked against the schema; the deletion,
 * checked against every table of the schema, and its notice by real SMTP.
 */
export function describeActivity(harness: Harness) {
  // One describe around all, so that its app and SMTP server live only while its tests run.
  describe(`${harness.dialect.name}: activity, export and deletion`, () => {
    describeWithApp(harness);
  });
}

function describeWithApp(harness: Harness) {
  const catcher = new MailCatcher();
  beforeAll(() => catcher.resume());
  // One app with mail and the two test providers: every kind can happen on it.
  const providers = useTestProviders(harness, { mail: catcher });
  // Its pool closed as soon as these tests end, not with the file: the
  // database servers of a shared machine count every connection.
  afterAll(async () => {
    await providers.opened.close();
    await catcher.pause();
  });

  function client(userAgent = firefox): TestClient {
    const made = providers.opened.client();
    const request = made.request.bind(made);
    made.request = (method, path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('User-Agent', userAgent);
      return request(method, path, { ...init, headers });
    };
    return made;
  }

  async function signedUp(userAgent = firefox) {
    const account = client(userAgent);
    const username = uniqueUsername('act');
    const response = await account.post('/api/signup', { username, password: goodPassword });
    expect(response.status).toBe(201);
    return { client: account, username, userId: (await jsonOf(response)).user.id as string };
  }

  // biome-ignore lint/suspicious/noExplicitAny: the events as the tests read them
  async function activityOf(account: TestClient): Promise<any[]> {
    const response = await account.get('/api/activity');
    expect(response.status).toBe(200);
    return (await jsonOf(response)).events;
  }

  async function kindsOf(account: TestClient): Promise<string[]> {
    return (await activityOf(account)).map((event) => event.kind);
  }

  async function withVerifiedEmail() {
    const account = await signedUp();
    const email = `${account.username}@example.test`;
    expect((await account.client.post('/api/email', { email })).status).toBe(202);
    const code = codeOf(await catcher.waitFor(email));
    expect((await account.client.post('/api/email/verify', { code })).status).toBe(200);
    return { ...account, email };
  }

  describe(`${harness.dialect.name}: account activity`, () => {
    it('records sign-up, sign-in, sign-out, revoked sessions and a password change, newest first, with address, browser and method', async () => {
      const { client: first, username, userId } = await signedUp(firefox);
      const second = client(chrome);
      expect((await second.post('/api/signin', { username, password: goodPassword })).status).toBe(
        200,
      );
      const third = client(chrome);
      await third.post('/api/signin', { username, password: goodPassword });
      const fourth = client(chrome);
      await fourth.post('/api/signin', { username, password: goodPassword });
      const sessions = (await jsonOf(await first.get('/api/sessions'))).sessions;
      const other = sessions.find((session: { current: boolean }) => !session.current);
      expect((await first.delete(`/api/sessions/${other.id}`)).status).toBe(204);
      expect((await first.delete('/api/sessions')).status).toBe(204);
      const guessed = await first.post('/api/reauthenticate', { password: 'not the password' });
      expect(guessed.status).toBe(401);
      const changed = await first.post('/api/password', {
        currentPassword: goodPassword,
        newPassword,
      });
      expect(changed.status).toBe(204);
      const last = client(chrome);
      await last.post('/api/signin', { username, password: newPassword });
      expect((await last.post('/api/signout')).status).toBe(204);

      const events = await activityOf(first);
      expect(events.map((event) => event.kind)).toEqual([
        'signout',
        'signin',
        'password_changed',
        'signin_failed',
        'signout_everywhere',
        'session_revoked',
        'signin',
        'signin',
        'signin',
        'signup',
      ]);
      expect(events.at(-1)).toEqual({
        at: expect.any(String),
        kind: 'signup',
        address: first.address,
        browser: 'Firefox',
        detail: { method: 'password' },
      });
      expect(events[1]).toMatchObject({
        kind: 'signin',
        address: last.address,
        browser: 'Chrome',
        detail: { method: 'password' },
      });
      expect(events[3].detail).toEqual({ method: 'password', during: 'reauthenticate' });
      expect(events[5].detail).toEqual({ session: other.id });
      const times = events.map((event) => Date.parse(event.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // Each one's row names the user, and holds no User-Agent beyond its family.
      const rows = await providers.opened.db
        .selectFrom('security_event')
        .selectAll()
        .where('user_id', '=', userId)
        .execute();
      expect(rows).toHaveLength(10);
      expect(JSON.stringify(rows)).not.toContain('Mozilla');
    });

    it('records a failed sign-in of an existing account, and for an unknown name writes nothing and costs the same one verification', async () => {
      const passwords = countingHasher();
      const opened = await harness.open({ passwords });
      const username = uniqueUsername('act');
      const owner = opened.client();
      await owner.post('/api/signup', { username, password: goodPassword });
      const count = async () =>
        (await opened.db.selectFrom('security_event').select('id').execute()).length;

      const before = await count();
      let verifies = passwords.verifies;
      const wrong = await opened
        .client()
        .post('/api/signin', { username, password: 'not the password' });
      expect(passwords.verifies - verifies).toBe(1);
      expect(await count()).toBe(before + 1);

      verifies = passwords.verifies;
      const unknown = await opened
        .client()
        .post('/api/signin', { username: uniqueUsername('nobody'), password: 'not the password' });
      expect(passwords.verifies - verifies).toBe(1);
      expect(await count()).toBe(before + 1);
      expect(await unknown.text()).toBe(await wrong.text());

      const events = await activityOf(owner);
      expect(events[0]).toMatchObject({ kind: 'signin_failed', detail: { method: 'password' } });
    });

    it('records the address added, verified and removed, and a password reset', async () => {
      const { client: account, email } = await withVerifiedEmail();
      expect(await kindsOf(account)).toEqual(['email_verified', 'email_added', 'signup']);
      expect((await account.delete('/api/email')).status).toBe(204);
      expect((await kindsOf(account))[0]).toBe('email_removed');

      const again = await withVerifiedEmail();
      const asked = await client().post('/api/password-reset', { email: again.email });
      expect(asked.status).toBe(202);
      const token = resetTokenOf(await catcher.waitFor(again.email, { count: 2 }));
      harness.received.add(token);
      const reset = await client().post('/api/password-reset/confirm', { token, newPassword });
      expect(reset.status).toBe(204);
      const signedIn = client();
      await signedIn.post('/api/signin', { username: again.username, password: newPassword });
      expect(await kindsOf(signedIn)).toEqual([
        'signin',
        'password_reset',
        'email_verified',
        'email_added',
        'signup',
      ]);
      expect(email).not.toBe(again.email);
    });

    it('records sign-up and sign-in through a provider, and a provider linked and unlinked', async () => {
      const sub = uniqueSub();
      const viaProvider = client();
      expect((await continueWith(viaProvider, 'alpha', sub)).status).toBe(303);
      const again = client(chrome);
      await continueWith(again, 'alpha', sub);
      const events = await activityOf(again);
      expect(events.map((event) => [event.kind, event.detail])).toEqual([
        ['signin', { method: 'provider:alpha' }],
        ['signup', { method: 'provider:alpha' }],
      ]);
      expect(events[0].browser).toBe('Chrome');
      // The page names the provider by its label.
      expect(await (await again.get('/account')).text()).toContain(
        'Signed in</strong> through Alpha ID',
      );

      const { client: account } = await signedUp();
      expect((await continueWith(account, 'beta', uniqueSub())).status).toBe(303);
      expect((await account.delete('/api/identities/beta')).status).toBe(204);
      const linked = await activityOf(account);
      expect(linked.slice(0, 2).map((event) => [event.kind, event.detail])).toEqual([
        ['provider_unlinked', { provider: 'beta' }],
        ['provider_linked', { provider: 'beta' }],
      ]);
    });

    it('answers the last 100 events, and housekeeping sweeps those older than 90 days', async () => {
      const { client: account, userId } = await signedUp();
      const { db } = providers.opened;
      const now = Date.now();
      for (let i = 0; i < 105; i += 1) {
        await recordEvent(db, {
          userId,
          kind: 'signin',
          origin: { address: '192.0.2.1' },
          detail: { method: 'password', n: i },
          at: now - 60_000 - i * 1000,
        });
      }
      await recordEvent(db, {
        userId,
        kind: 'signin',
        origin: { address: '192.0.2.9' },
        at: now - eventLifetimeMs - 60_000,
      });
      const events = await activityOf(account);
      expect(events).toHaveLength(100);
      expect(events[0].kind).toBe('signup');
      expect(events[1].detail).toEqual({ method: 'password', n: 0 });
      expect(events[99].detail).toEqual({ method: 'password', n: 98 });

      await runHousekeeping(db);
      const left = await db
        .selectFrom('security_event')
        .select('client_address')
        .where('user_id', '=', userId)
        .execute();
      expect(left).toHaveLength(106);
      expect(left.map((row) => row.client_address)).not.toContain('192.0.2.9');
    });

    it('shows "Recent activity" on the account page, newest first, with method, address and browser', async () => {
      const { client: account, username } = await signedUp(firefox);
      const other = client(chrome);
      await other.post('/api/signin', { username, password: 'not the password' });
      const page = await account.get('/account');
      expect(page.status).toBe(200);
      const html = await page.text();
      const section = html.slice(html.indexOf('Recent activity'));
      const failed = section.indexOf('Failed sign-in');
      const created = section.indexOf('Account created');
      expect(failed).toBeGreaterThan(0);
      expect(created).toBeGreaterThan(failed);
      expect(section).toContain(`from ${other.address}, Chrome`);
      expect(section).toContain(`from ${account.address}, Firefox`);
      expect(section).toContain('less than a minute ago');
      expect(section).toContain('href="/api/account/export"');
    });

    it('deletes the account from its page after a recent sign-in, and asks for the password again after 10 minutes', async () => {
      const { client: account, userId } = await signedUp();
      const { db } = providers.opened;
      await db
        .updateTable('session')
        .set({ authenticated_at: new Date(Date.now() - 11 * 60_000) })
        .where('id', '=', sessionRowId(account.cookie))
        .execute();
      const stale = await account.postForm('/account/delete', { confirm: 'yes' });
      expect(stale.status).toBe(403);
      expect(await stale.text()).toContain('Confirm');
      expect(
        (await account.postForm('/account/reauthenticate', { password: goodPassword })).status,
      ).toBe(303);
      const deleted = await account.postForm('/account/delete', { confirm: 'yes' });
      expect(deleted.status).toBe(303);
      expect(deleted.headers.get('Location')).toBe('/?done=account-deleted');
      expect(account.cookie).toBeNull();
      expect(await db.selectFrom('user').select('id').where('id', '=', userId).execute()).toEqual(
        [],
      );
    });

    it('answers 401 unauthenticated without a session', async () => {
      for (const [method, path] of [
        ['GET', '/api/activity'],
        ['GET', '/api/account/export'],
        ['DELETE', '/api/account'],
      ] as const) {
        const response = await client().request(method, path);
        expect(response.status, path).toBe(401);
        expect((await jsonOf(response)).error.code).toBe('unauthenticated');
      }
    });
  });

  describe(`${harness.dialect.name}: account export`, () => {
    it('names every table with a user_id column of the live schema: exported, or excluded with a reason', async () => {
      const found = await tablesWithUserId(providers.opened.db);
      expect(found.length).toBeGreaterThan(0);
      for (const table of found) {
        const policy = (
          accountTables as Record<string, (typeof accountTables)['user'] | undefined>
        )[table];
        expect(policy, `${table} has a user_id column but is not in accountTables`).toBeDefined();
        if (policy && 'excluded' in policy) expect(policy.excluded.length).toBeGreaterThan(10);
        if (policy && 'read' in policy) expect(policy.exportAs).toMatch(/^\w+$/);
      }
    });

    it('downloads everything stored about the caller as a JSON attachment, never a hash, secret or token', async () => {
      const { client: account, username, userId, email } = await withVerifiedEmail();
      expect((await continueWith(account, 'beta', uniqueSub())).status).toBe(303);
      const response = await account.get('/api/account/export');
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
      expect(response.headers.get('Content-Disposition')).toMatch(
        new RegExp(`^attachment; filename="account-${username}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
      );
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      const text = await response.text();
      const body = JSON.parse(text);
      expect(body.account).toMatchObject({ id: userId, username, email });
      expect(body.signInMethods).toEqual(
        expect.arrayContaining([
          { method: 'password', usable: true, since: null },
          { method: 'provider:beta', usable: true, since: expect.any(String) },
        ]),
      );
      expect(body.sessions).toEqual([
        {
          id: expect.any(String),
          createdAt: expect.any(String),
          expiresAt: expect.any(String),
          current: true,
        },
      ]);
      expect(body.activity.map((event: { kind: string }) => event.kind)).toEqual([
        'provider_linked',
        'email_verified',
        'email_added',
        'signup',
      ]);
      // Every table the list names is in the export, or listed as left out.
      for (const [table, policy] of Object.entries(accountTables)) {
        if ('read' in policy) expect(body, table).toHaveProperty(policy.exportAs);
        else expect(body.notExported).toContainEqual({ table, reason: policy.excluded });
      }
      // Nothing secret: no hash, no token, no digest of one.
      const { db } = providers.opened;
      const key = await db
        .selectFrom('key')
        .select('hashed_password')
        .where('user_id', '=', userId)
        .where('hashed_password', 'is not', null)
        .executeTakeFirstOrThrow();
      expect(text).not.toContain(String(key.hashed_password));
      expect(text).not.toContain('$argon2');
      expect(text).not.toContain(String(account.cookie));
      expect(text).not.toContain(sessionRowId(account.cookie));
    });
  });

  describe(`${harness.dialect.name}: account deletion`, () => {
    it('needs recent authentication: 403 reauthentication_required, and nothing is deleted', async () => {
      const { client: account, userId } = await signedUp();
      await providers.opened.db
        .updateTable('session')
        .set({ authenticated_at: new Date(Date.now() - 11 * 60_000) })
        .where('id', '=', sessionRowId(account.cookie))
        .execute();
      const response = await account.delete('/api/account');
      expect(response.status).toBe(403);
      expect((await jsonOf(response)).error.code).toBe('reauthentication_required');
      expect((await account.get('/api/me')).status).toBe(200);
      const user = await providers.opened.db
        .selectFrom('user')
        .select('id')
        .where('id', '=', userId)
        .executeTakeFirst();
      expect(user).toBeDefined();
    });

    it('deletes the user and every row of it in the schema, ends the session, frees the username, and mails the notice', async () => {
      const { client: account, username, userId, email } = await withVerifiedEmail();
      expect((await continueWith(account, 'beta', uniqueSub())).status).toBe(303);
      const elsewhere = client();
      await elsewhere.post('/api/signin', { username, password: goodPassword });
      // A code on its way and a reset link too, so that those tables hold rows of it.
      await account.post('/api/email', { email: `${username}-next@example.test` });
      await catcher.waitFor(`${username}-next@example.test`);
      await client().post('/api/password-reset', { email });
      // The code, the notice of the link, then the reset link.
      const token = resetTokenOf(await catcher.waitFor(email, { count: 3 }));
      harness.received.add(token);
      const { db } = providers.opened;
      const tables = await tablesWithUserId(db);
      const rowsOf = async () => {
        const counts: Record<string, number> = {};
        for (const table of tables) {
          const rows = await db
            .selectFrom(table as keyof Database)
            .select(sql`1`.as('one'))
            .where(sql.ref('user_id'), '=', userId)
            .execute();
          counts[table] = rows.length;
        }
        return counts;
      };
      const before = await rowsOf();
      for (const table of ['key', 'session', 'security_event', 'email_verification']) {
        expect(before[table], table).toBeGreaterThan(0);
      }

      const response = await account.delete('/api/account');
      expect(response.status).toBe(204);
      expect(sessionCookieOf(response)?.attributes.get('max-age')).toBe('0');
      expect(account.cookie).toBeNull();

      const after = await rowsOf();
      expect(after).toEqual(Object.fromEntries(tables.map((table) => [table, 0])));
      const user = await db.selectFrom('user').select('id').where('id', '=', userId).execute();
      expect(user).toEqual([]);
      expect((await elsewhere.get('/api/me')).status).toBe(401);
      expect(
        (await client().post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(401);

      const notice = await catcher.waitFor(email, { count: 4 });
      expect(notice.subject).toMatch(/account .* was deleted/);
      expect(notice.text).toContain(account.address);

      const again = client();
      const taken = await again.post('/api/signup', { username, password: goodPassword });
      expect(taken.status).toBe(201);
      expect((await jsonOf(taken)).user.id).not.toBe(userId);
    });
  });
}
