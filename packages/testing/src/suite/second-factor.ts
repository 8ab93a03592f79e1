import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, type Harness, type OpenedApp, uniqueUsername } from '../harness.ts';
import { codeOf, MailCatcher, resetTokenOf } from '../mail/mail-catcher.ts';
import { continueWith, uniqueSub } from '../oidc/provider-fixtures.ts';
import { jsonOf, sessionRowId, type TestClient } from '../test-client.ts';
import { useTestProviders } from './providers/use-test-providers.ts';

const minute = 60_000;

/** The TOTP step of now, as the app counts it (30 s). */
function stepNow(): number {
  return Math.floor(Date.now() / 30_000);
}

/** The code of `secret` at `step`, computed by `otpauth` as an authenticator app would. */
function codeAt(secret: string, step: number): string {
  const totp = new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
  return totp.generate({ timestamp: step * 30_000 });
}

/** An account with TOTP on, on a client of `app`, and what a test needs to give codes. */
interface TotpAccount {
  client: TestClient;
  username: string;
  userId: string;
  secret: string;
  recoveryCodes: string[];
  /** The last step a code of it was accepted at. */
  lastStep: number;
}

/**
 * A code the app accepts once the step `lastStep` was used: the step of now,
 * or the next when now's is used up. Either stays accepted if a step
 * boundary passes before the app reads it (one step either side).
 */
function nextCode(account: TotpAccount): string {
  const step = Math.max(stepNow(), account.lastStep + 1);
  if (step > stepNow() + 1) throw new Error('more than two codes in one step');
  account.lastStep = step;
  return codeAt(account.secret, step);
}

/**
 * docs/API.md, "Second factors: TOTP, recovery codes": turning TOTP on,
 * the session that waits for its second factor, codes once each, the
 * throttle, recovery codes, the notices, the export and the deletion.
 */
export function describeSecondFactor(harness: Harness) {
  // Its hooks inside its describe: its app and provider run only while its
  // tests do, and its pool is closed after them (MySQL counts connections).
  describe(`${harness.dialect.name}: second factor`, () => {
    const catcher = new MailCatcher();
    const encryptionKey = randomBytes(32);
    beforeAll(() => catcher.resume());
    afterAll(() => catcher.pause());
    // An app with the test providers, mail to the catcher, and AUTH_ENCRYPTION_KEY.
    const providers = useTestProviders(harness, { mail: catcher, encryptionKey });
    const app = () => providers.opened;

    async function expectError(response: Response, status: number, code: string) {
      expect(response.status).toBe(status);
      const body = await jsonOf(response);
      expect(body.error.code).toBe(code);
      return body;
    }

    /** Signs up on `on` and turns TOTP on, confirming with the code of `step` (now's by default). */
    async function totpAccount(on: OpenedApp = app()): Promise<TotpAccount> {
      const client = on.client();
      const username = uniqueUsername('tf');
      const signup = await client.post('/api/signup', { username, password: goodPassword });
      expect(signup.status).toBe(201);
      const userId = (await jsonOf(signup)).user.id as string;
      const started = await client.post('/api/totp');
      expect(started.status).toBe(200);
      const { secret } = await jsonOf(started);
      const account = { client, username, userId, secret, recoveryCodes: [], lastStep: 0 };
      const confirmed = await client.post('/api/totp/confirm', { code: nextCode(account) });
      expect(confirmed.status).toBe(200);
      const { recoveryCodes } = await jsonOf(confirmed);
      return { ...account, recoveryCodes };
    }

    /** Signs `account` in with its password on a new client: a session that waits. */
    async function signIn(account: TotpAccount, on: OpenedApp = app()) {
      const client = on.client();
      const response = await client.post('/api/signin', {
        username: account.username,
        password: goodPassword,
      });
      expect(response.status).toBe(200);
      return { client, body: await jsonOf(response) };
    }

    /** A right code from `client`, whose waiting session has ended, finds no session. */
    async function expectNoSession(client: TestClient, account: TotpAccount) {
      await expectError(
        await client.post('/api/2fa/totp', { code: nextCode(account) }),
        401,
        'unauthenticated',
      );
    }

    /**
     * Runs `attempt` with the step of now, again with a new account when a
     * step boundary passed while it ran (then its answer could be either).
     */
    async function withinOneStep(attempt: (step: number) => Promise<boolean>) {
      for (let tries = 0; tries < 3; tries += 1) {
        const step = stepNow();
        const done = await attempt(step);
        if (stepNow() === step && done) return;
      }
      throw new Error('a step boundary passed during each of three tries');
    }

    afterAll(() => providers.opened.close());

    it('turns TOTP on: a secret and its otpauth URI, 10 recovery codes at the confirmation, 409 already_enabled after', async () => {
      const client = app().client();
      const username = uniqueUsername('tf');
      await client.post('/api/signup', { username, password: goodPassword });
      const started = await jsonOf(await client.post('/api/totp'));
      expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(started.uri).toMatch(/^otpauth:\/\/totp\//);
      expect(started.uri).toContain(`secret=${started.secret}`);
      expect(started.uri).toContain(encodeURIComponent(username));
      await expectError(
        await client.post('/api/totp/confirm', { code: '000000x' }),
        400,
        'invalid_code',
      );
      const confirmed = await client.post('/api/totp/confirm', {
        code: codeAt(started.secret, stepNow()),
      });
      expect(confirmed.status).toBe(200);
      const { recoveryCodes } = await jsonOf(confirmed);
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      await expectError(await client.post('/api/totp'), 409, 'already_enabled');
    });

    it('seals the secret with AUTH_ENCRYPTION_KEY, and stores it as it is without one', async () => {
      const sealed = await totpAccount();
      const row = await app()
        .db.selectFrom('totp')
        .select('secret')
        .where('user_id', '=', sealed.userId)
        .executeTakeFirstOrThrow();
      expect(row.secret).not.toContain(sealed.secret);
      const plain = await totpAccount(harness.main);
      const plainRow = await harness.main.db
        .selectFrom('totp')
        .select('secret')
        .where('user_id', '=', plain.userId)
        .executeTakeFirstOrThrow();
      expect(plainRow.secret).toBe(plain.secret);
      // Both work as a second factor.
      const { client } = await signIn(plain, harness.main);
      expect((await client.post('/api/2fa/totp', { code: nextCode(plain) })).status).toBe(200);
    });

    it('makes a password sign-in wait: 200 with the methods, 403 second_factor_required everywhere but /api/2fa/* and sign-out, 10 minutes of life', async () => {
      const account = await totpAccount();
      const { client, body } = await signIn(account);
      expect(body).toEqual({ secondFactor: { methods: ['totp', 'recovery_code'] } });
      for (const [method, path] of [
        ['GET', '/api/me'],
        ['GET', '/api/sessions'],
        ['GET', '/api/activity'],
        ['GET', '/api/account/export'],
        ['POST', '/api/reauthenticate'],
        ['POST', '/api/totp'],
        ['DELETE', '/api/account'],
      ] as const) {
        const response =
          method === 'GET'
            ? await client.get(path)
            : await client.request(method, path, {
                body: JSON.stringify({ password: goodPassword }),
                headers: { 'Content-Type': 'application/json' },
              });
        const refused = await expectError(response, 403, 'second_factor_required');
        expect(refused.error.methods).toEqual(['totp', 'recovery_code']);
      }
      const page = await client.get('/account');
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/signin/second-factor');
      // Requests do not stretch it past 10 minutes.
      const row = await app()
        .db.selectFrom('session')
        .select('expires_at')
        .where('id', '=', sessionRowId(client.cookie))
        .executeTakeFirstOrThrow();
      expect(row.expires_at.getTime()).toBeLessThanOrEqual(Date.now() + 10 * minute);
      // A waiting session past its 10 minutes is gone.
      await app()
        .db.updateTable('session')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', sessionRowId(client.cookie))
        .execute();
      await expectNoSession(client, account);
    });

    it('ends a waiting session 10 minutes after its creation, even when its row says it lives on (a renewal another Galera node wrote after the cap)', async () => {
      const account = await totpAccount();
      const { client } = await signIn(account);
      await app()
        .db.updateTable('session')
        // `created_at` is the database's alone to write, as its type says:
        // the test ages it as time would, past what that type lets through.
        .set({
          created_at: new Date(Date.now() - 11 * minute),
          expires_at: new Date(Date.now() + 29 * 24 * 60 * minute),
        } as { expires_at: Date })
        .where('id', '=', sessionRowId(client.cookie))
        .execute();
      await expectNoSession(client, account);
      const row = await app()
        .db.selectFrom('session')
        .select('id')
        .where('id', '=', sessionRowId(client.cookie))
        .executeTakeFirst();
      expect(row).toBeUndefined();
    });

    it('gives a full session, with a new token and authenticatedAt now, for a TOTP code; the same code again is invalid_code', async () => {
      const account = await totpAccount();
      const { client } = await signIn(account);
      const waitingToken = client.cookie;
      const before = Date.now() - 1000;
      const code = nextCode(account);
      const passed = await client.post('/api/2fa/totp', { code });
      expect(passed.status).toBe(200);
      expect((await jsonOf(passed)).user).toEqual({
        id: account.userId,
        username: account.username,
      });
      expect(client.cookie).not.toBe(waitingToken);
      const me = await jsonOf(await client.get('/api/me'));
      expect(me.user.id).toBe(account.userId);
      expect(Date.parse(me.session.authenticatedAt)).toBeGreaterThanOrEqual(before);
      const old = app().client();
      old.cookie = waitingToken;
      expect((await old.get('/api/me')).status).toBe(401);
      // The code was accepted once: a replay in its window is refused.
      const again = await signIn(account);
      await expectError(await again.client.post('/api/2fa/totp', { code }), 400, 'invalid_code');
      // The second factor is passed once: a full session has none to pass.
      await expectError(
        await client.post('/api/2fa/totp', { code: '000000' }),
        401,
        'unauthenticated',
      );
      const events = (await jsonOf(await client.get('/api/activity'))).events;
      expect(events.map((e: { kind: string }) => e.kind)).toContain('second_factor_passed');
      expect(
        events.find((e: { kind: string }) => e.kind === 'second_factor_passed').detail,
      ).toEqual({
        method: 'totp',
      });
      expect(events.map((e: { kind: string }) => e.kind)).toContain('second_factor_failed');
    });

    it('accepts the code of one step either side of now, and refuses two steps away', async () => {
      const client = app().client();
      await client.post('/api/signup', { username: uniqueUsername('tf'), password: goodPassword });
      for (const offset of [-1, 1]) {
        await withinOneStep(async (step) => {
          const fresh = app().client();
          await fresh.post('/api/signup', {
            username: uniqueUsername('tf'),
            password: goodPassword,
          });
          const { secret } = await jsonOf(await fresh.post('/api/totp'));
          const response = await fresh.post('/api/totp/confirm', {
            code: codeAt(secret, step + offset),
          });
          if (stepNow() !== step) return false;
          expect(response.status).toBe(200);
          return true;
        });
      }
      await withinOneStep(async (step) => {
        const fresh = app().client();
        await fresh.post('/api/signup', { username: uniqueUsername('tf'), password: goodPassword });
        const { secret } = await jsonOf(await fresh.post('/api/totp'));
        const near = [-1, 0, 1].map((offset) => codeAt(secret, step + offset));
        const statuses: number[] = [];
        for (const offset of [-2, 2, -3, 3]) {
          const code = codeAt(secret, step + offset);
          // A far code equal to a near one by chance (1 in 10^6) proves nothing.
          if (near.includes(code)) continue;
          statuses.push((await fresh.post('/api/totp/confirm', { code })).status);
        }
        if (stepNow() !== step) return false;
        expect(statuses.every((status) => status === 400)).toBe(true);
        return true;
      });
    });

    it('throttles wrong codes, TOTP and recovery together: 5 in a row, then 429 with Retry-After, the right code too', async () => {
      const account = await totpAccount();
      const { client } = await signIn(account);
      for (let i = 0; i < 5; i += 1) {
        const path = i % 2 === 0 ? '/api/2fa/totp' : '/api/2fa/recovery';
        const code = i % 2 === 0 ? '000000' : 'aaaaa-aaaaa';
        await expectError(await client.post(path, { code }), 400, 'invalid_code');
      }
      // The 5th failure locks for 1 s, each one after doubles it: a slow
      // machine may pass a lock or two before it meets one, never more.
      let throttled: Response | null = null;
      for (let i = 0; i < 6 && !throttled; i += 1) {
        const response = await client.post('/api/2fa/recovery', { code: 'aaaaa-aaaaa' });
        if (response.status === 429) throttled = response;
        else await expectError(response, 400, 'invalid_code');
      }
      expect(throttled).not.toBeNull();
      expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(0);
      // The right code is refused while the lock lasts: made long here, so
      // that a slow machine cannot outlast it between two requests.
      await app()
        .db.updateTable('username_throttle')
        .set({ failures: 12, last_failure_ms: Date.now() })
        .where('username', '=', `2fa:${account.userId}`)
        .execute();
      await expectError(
        await client.post('/api/2fa/totp', { code: nextCode(account) }),
        429,
        'too_many_attempts',
      );
    });

    it('takes a recovery code once, tells the owner by mail, and new codes end the old ones', async () => {
      const account = await totpAccount();
      const email = `${uniqueUsername('tf')}@example.test`;
      await account.client.post('/api/email', { email });
      const verify = codeOf(await catcher.waitFor(email));
      expect((await account.client.post('/api/email/verify', { code: verify })).status).toBe(200);
      const [first, second] = account.recoveryCodes as [string, string];
      const { client } = await signIn(account);
      const passed = await client.post('/api/2fa/recovery', { code: first.toUpperCase() });
      expect(passed.status).toBe(200);
      expect((await client.get('/api/me')).status).toBe(200);
      const notice = await catcher.waitFor(email, { count: 2 });
      expect(notice.subject).toMatch(/recovery code was used/);
      expect(notice.text).toContain('9 are left');
      expect(notice.text).not.toContain(first);
      const again = await signIn(account);
      await expectError(
        await again.client.post('/api/2fa/recovery', { code: first }),
        400,
        'invalid_code',
      );
      // New codes (recently authenticated: a second factor just passed).
      const made = await client.post('/api/recovery-codes');
      expect(made.status).toBe(200);
      const fresh = (await jsonOf(made)).recoveryCodes as string[];
      expect(fresh).toHaveLength(10);
      expect((await catcher.waitFor(email, { count: 3 })).subject).toMatch(/New recovery codes/);
      await expectError(
        await again.client.post('/api/2fa/recovery', { code: second }),
        400,
        'invalid_code',
      );
      expect((await again.client.post('/api/2fa/recovery', { code: fresh[0] })).status).toBe(200);
      // Turning TOTP off ends the waiting for good, and the codes with it.
      expect((await again.client.request('DELETE', '/api/totp')).status).toBe(204);
      expect((await catcher.waitFor(email, { count: 5 })).subject).toMatch(
        /second factor was removed/,
      );
      const plain = app().client();
      const signin = await plain.post('/api/signin', {
        username: account.username,
        password: goodPassword,
      });
      expect((await jsonOf(signin)).user.id).toBe(account.userId);
      const codes = await app()
        .db.selectFrom('recovery_code')
        .select('id')
        .where('user_id', '=', account.userId)
        .execute();
      expect(codes).toHaveLength(0);
    });

    it('needs recent authentication to turn TOTP on or off and to make recovery codes', async () => {
      const account = await totpAccount();
      const other = app().client();
      await other.post('/api/signup', { username: uniqueUsername('tf'), password: goodPassword });
      for (const client of [account.client, other]) {
        await app()
          .db.updateTable('session')
          .set({ authenticated_at: new Date(Date.now() - 11 * minute) })
          .where('id', '=', sessionRowId(client.cookie))
          .execute();
      }
      await expectError(await other.post('/api/totp'), 403, 'reauthentication_required');
      await expectError(
        await account.client.request('DELETE', '/api/totp'),
        403,
        'reauthentication_required',
      );
      await expectError(
        await account.client.post('/api/recovery-codes'),
        403,
        'reauthentication_required',
      );
      expect(
        (await account.client.post('/api/reauthenticate', { password: goodPassword })).status,
      ).toBe(204);
      expect((await account.client.post('/api/recovery-codes')).status).toBe(200);
    });

    it('makes a provider sign-in wait too', async () => {
      const client = app().client();
      const sub = uniqueSub();
      providers.alpha.accounts.set(sub, { sub, preferred_username: uniqueUsername('tfp') });
      await continueWith(client, 'alpha', sub);
      const { secret } = await jsonOf(await client.post('/api/totp'));
      expect(
        (await client.post('/api/totp/confirm', { code: codeAt(secret, stepNow()) })).status,
      ).toBe(200);
      const later = app().client();
      const landed = await continueWith(later, 'alpha', sub);
      expect(landed.status).toBe(303);
      const refused = await expectError(await later.get('/api/me'), 403, 'second_factor_required');
      expect(refused.error.methods).toContain('totp');
      expect((await later.get('/account')).headers.get('location')).toBe('/signin/second-factor');
    });

    it('does not let a password reset skip the second factor', async () => {
      const account = await totpAccount();
      const email = `${uniqueUsername('tf')}@example.test`;
      await account.client.post('/api/email', { email });
      const verify = codeOf(await catcher.waitFor(email));
      expect((await account.client.post('/api/email/verify', { code: verify })).status).toBe(200);
      expect((await app().client().post('/api/password-reset', { email })).status).toBe(202);
      const token = resetTokenOf(await catcher.waitFor(email, { count: 2 }));
      const newPassword = 'a new and different passphrase';
      const reset = app().client();
      expect((await reset.post('/api/password-reset/confirm', { token, newPassword })).status).toBe(
        204,
      );
      expect((await reset.get('/api/me')).status).toBe(401);
      const signin = await reset.post('/api/signin', {
        username: account.username,
        password: newPassword,
      });
      expect((await jsonOf(signin)).secondFactor.methods).toContain('totp');
      await expectError(await reset.get('/api/me'), 403, 'second_factor_required');
    });

    it('works as pages with plain forms: set up with a QR code and the key as text, then sign in with password and code', async () => {
      const client = app().client();
      const username = uniqueUsername('tf');
      await client.post('/api/signup', { username, password: goodPassword });
      expect(await (await client.get('/account')).text()).toContain('href="/account/two-step"');
      const setup = await client.postForm('/account/two-step/start');
      expect(setup.status).toBe(200);
      const html = await setup.text();
      expect(html).toContain('<svg');
      expect(html).not.toContain('<script');
      const secret = /id="totp-secret">([A-Z2-7]{32})</.exec(html)?.[1] as string;
      expect(secret).toBeDefined();
      const account = { secret, lastStep: 0 } as TotpAccount;
      const confirmed = await client.postForm('/account/two-step/confirm', {
        code: nextCode(account),
      });
      expect(confirmed.status).toBe(200);
      expect((await confirmed.text()).match(/<code>[a-z2-7]{5}-[a-z2-7]{5}<\/code>/g)).toHaveLength(
        10,
      );
      const later = app().client();
      const signin = await later.postForm('/signin', { username, password: goodPassword });
      expect(signin.status).toBe(303);
      expect(signin.headers.get('location')).toBe('/signin/second-factor');
      expect(await (await later.get('/signin/second-factor')).text()).toContain('recovery code');
      const wrong = await later.postForm('/signin/second-factor/totp', { code: '000000' });
      expect(wrong.status).toBe(400);
      const passed = await later.postForm('/signin/second-factor/totp', {
        code: nextCode(account),
      });
      expect(passed.status).toBe(303);
      expect((await later.get('/account')).status).toBe(200);
    });

    it('tells the user on the page, once throttled, that its password is known', async () => {
      const account = await totpAccount();
      const client = app().client();
      await client.postForm('/signin', { username: account.username, password: goodPassword });
      let page = '';
      for (let i = 0; i < 11 && !page; i += 1) {
        const response = await client.postForm('/signin/second-factor/recovery', {
          recoveryCode: 'aaaaa-aaaaa',
        });
        if (response.status === 429) page = await response.text();
        else expect(response.status).toBe(400);
      }
      expect(page).toMatch(/knows your password/);
    });

    it('exports whether TOTP is on and how many codes are left, never a secret or digest; deletion removes the rows', async () => {
      const account = await totpAccount();
      const exported = await account.client.get('/api/account/export');
      const text = await exported.text();
      const body = JSON.parse(text);
      expect(body.totp.enabled).toBe(true);
      expect(Date.parse(body.totp.since)).toBeGreaterThan(0);
      expect(body.recoveryCodes.left).toBe(10);
      const rows = await app()
        .db.selectFrom('recovery_code')
        .select(['salt', 'digest'])
        .where('user_id', '=', account.userId)
        .execute();
      const stored = await app()
        .db.selectFrom('totp')
        .select('secret')
        .where('user_id', '=', account.userId)
        .executeTakeFirstOrThrow();
      for (const secret of [
        account.secret,
        stored.secret,
        ...account.recoveryCodes,
        ...rows.flatMap((r) => [r.salt, r.digest]),
      ]) {
        expect(text).not.toContain(secret);
      }
      expect((await account.client.request('DELETE', '/api/account')).status).toBe(204);
      for (const table of ['totp', 'recovery_code'] as const) {
        const left = await app()
          .db.selectFrom(table)
          .select('user_id')
          .where('user_id', '=', account.userId)
          .execute();
        expect(left).toHaveLength(0);
      }
    });
  });
}
