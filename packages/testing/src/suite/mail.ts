import { createHash } from 'node:crypto';
import { createLogger } from '@repo/auth/create-logger';
import { createMailer } from '@repo/auth/mail-delivery';
import { argon2Hasher } from '@repo/auth/password-hashing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingHasher } from '../counting-hasher.ts';
import { goodPassword, type Harness, type OpenedApp, uniqueUsername } from '../harness.ts';
import { type CaughtMail, codeOf, MailCatcher, resetTokenOf } from '../mail/mail-catcher.ts';
import { continueWith, uniqueSub } from '../oidc/provider-fixtures.ts';
import { jsonOf, sessionCookieOf, sessionRowId, type TestClient } from '../test-client.ts';
import { useTestProviders } from './providers/use-test-providers.ts';

const newPassword = 'a new and different passphrase';

/** An address no other test uses. */
function uniqueEmail(): string {
  return `${uniqueUsername('mail')}@Example.test`;
}

/**
 * docs/API.md, "E-mail: a verified address, password reset, notices", over a
 * real SMTP server on loopback (mail-catcher.ts): what a person would see in
 * the answers and in the mails, and what the tables hold.
 */
export function describeMail(harness: Harness) {
  const catcher = new MailCatcher();
  let opened: OpenedApp;

  beforeAll(async () => {
    await catcher.resume();
    opened = await harness.open({ mail: catcher });
  });
  afterAll(() => catcher.pause());
  // An app offering the test providers, with mail to the same catcher (its
  // hook runs after the one above, which makes the catcher listen).
  const providers = useTestProviders(harness, { mail: catcher });

  /** A new account signed up (so recently authenticated) on a client of `app`. */
  async function signedUp(app: OpenedApp = opened) {
    const client = app.client();
    const username = uniqueUsername('mail');
    const response = await client.post('/api/signup', { username, password: goodPassword });
    expect(response.status).toBe(201);
    return { client, username, userId: (await jsonOf(response)).user.id as string };
  }

  async function me(client: TestClient) {
    return (await jsonOf(await client.get('/api/me'))).user;
  }

  async function expectInvalidCode(response: Response) {
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_code');
  }

  /** Asks for a code to `email` and answers the mail that carries it. */
  async function requestCode(client: TestClient, email: string, on = catcher): Promise<string> {
    const lowered = email.toLowerCase();
    const before = on.to(lowered).length;
    const response = await client.post('/api/email', { email });
    expect(response.status).toBe(202);
    const mail = await on.waitFor(lowered, { count: before + 1 });
    return codeOf(mail);
  }

  /** A new account of `app` with an address verified through `on`, its SMTP server. */
  async function withVerifiedEmail(app: OpenedApp = opened, on = catcher) {
    const account = await signedUp(app);
    const email = uniqueEmail().toLowerCase();
    const code = await requestCode(account.client, email, on);
    expect((await account.client.post('/api/email/verify', { code })).status).toBe(200);
    return { ...account, email };
  }

  /** Waits until the outbox of `app` holds nothing (every mail sent, or found needless). */
  async function outboxDrained(app: OpenedApp = opened) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const rows = await app.db.selectFrom('mail_outbox').select('id').execute();
      if (rows.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the outbox never drained');
  }

  /** Asks for a reset of `email` and answers the link's token. */
  async function requestReset(email: string, count: number): Promise<string> {
    const response = await opened.client().post('/api/password-reset', { email });
    expect(response.status).toBe(202);
    const token = resetTokenOf(await catcher.waitFor(email, { count }));
    harness.received.add(token);
    return token;
  }

  describe(`${harness.dialect.name}: e-mail address`, () => {
    it('adds an address: an 8-digit code by mail, verified once, then /api/me shows it in lower case', async () => {
      const { client, userId } = await signedUp();
      expect(await me(client)).toMatchObject({ email: null, emailVerified: false });
      const email = uniqueEmail();
      const code = await requestCode(client, email);
      const mail = catcher.to(email.toLowerCase()).at(-1) as CaughtMail;
      expect(mail.from).toContain('auth@example.test');
      expect(mail.text).toContain(opened.origin);
      expect(mail.html).toContain(code);
      // Not verified until the code is given.
      expect(await me(client)).toMatchObject({ email: null, emailVerified: false });
      const verified = await client.post('/api/email/verify', { code });
      expect(verified.status).toBe(200);
      expect((await jsonOf(verified)).user).toEqual({
        id: userId,
        username: expect.any(String),
        email: email.toLowerCase(),
        emailVerified: true,
      });
      expect(await me(client)).toMatchObject({ email: email.toLowerCase(), emailVerified: true });
      await expectInvalidCode(await client.post('/api/email/verify', { code }));
    });

    it('refuses a wrong code and an expired one with invalid_code, and keeps no code at rest', async () => {
      const { client, userId } = await signedUp();
      const email = uniqueEmail();
      const code = await requestCode(client, email);
      const wrong = code === '00000000' ? '11111111' : '00000000';
      await expectInvalidCode(await client.post('/api/email/verify', { code: wrong }));
      const row = await opened.db
        .selectFrom('email_verification')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      expect(row.code_hash).toMatch(/^\$argon2id\$/);
      expect(JSON.stringify(row)).not.toContain(code);
      await opened.db
        .updateTable('email_verification')
        .set({ expires_at_ms: Date.now() - 1 })
        .where('user_id', '=', userId)
        .execute();
      await expectInvalidCode(await client.post('/api/email/verify', { code }));
      expect(await me(client)).toMatchObject({ email: null, emailVerified: false });
      // Nothing the app logged carries the code.
      const standalone = new RegExp(`(?<!\\d)${code}(?!\\d)`);
      expect(opened.logLines().filter((line) => standalone.test(line))).toEqual([]);
    });

    it('ends a verification after 5 wrong codes: the right one is then refused too', async () => {
      const { client } = await signedUp();
      const code = await requestCode(client, uniqueEmail());
      const wrong = code === '12345678' ? '87654321' : '12345678';
      for (let i = 0; i < 5; i += 1) {
        await expectInvalidCode(await client.post('/api/email/verify', { code: wrong }));
      }
      await expectInvalidCode(await client.post('/api/email/verify', { code }));
      expect(await me(client)).toMatchObject({ email: null });
    });

    it('answers an address verified by another account with 202, and mails that address that someone tried, never a code', async () => {
      const owner = await withVerifiedEmail();
      const other = await signedUp();
      const response = await other.client.post('/api/email', { email: owner.email.toUpperCase() });
      expect(response.status).toBe(202);
      const mail = await catcher.waitFor(owner.email, { count: 2 });
      expect(mail.subject).toMatch(/tried/);
      expect(mail.text).not.toMatch(/(?<!\d)\d{8}(?!\d)/);
      await expectInvalidCode(await other.client.post('/api/email/verify', { code: '12345678' }));
      expect(await me(other.client)).toMatchObject({ email: null, emailVerified: false });
      expect(await me(owner.client)).toMatchObject({ email: owner.email, emailVerified: true });
    });

    it('keeps the verified address until a new one is verified, then tells the old one', async () => {
      const { client, email } = await withVerifiedEmail();
      const next = uniqueEmail().toLowerCase();
      const code = await requestCode(client, next);
      expect(await me(client)).toMatchObject({ email, emailVerified: true });
      expect((await client.post('/api/email/verify', { code })).status).toBe(200);
      expect(await me(client)).toMatchObject({ email: next });
      const notice = await catcher.waitFor(email, { count: 2 });
      expect(notice.subject).toMatch(/address .* changed/);
      expect(notice.text).toContain(client.address);
    });

    it('removes the address: 204, /api/me says none, and the address is told', async () => {
      const { client, email } = await withVerifiedEmail();
      expect((await client.delete('/api/email')).status).toBe(204);
      expect(await me(client)).toMatchObject({ email: null, emailVerified: false });
      const notice = await catcher.waitFor(email, { count: 2 });
      expect(notice.subject).toMatch(/removed/);
      // The address is free for another account.
      const other = await signedUp();
      const code = await requestCode(other.client, email);
      expect((await other.client.post('/api/email/verify', { code })).status).toBe(200);
    });

    it('asks for a recent proof of identity to add or remove an address', async () => {
      const { client, email } = await withVerifiedEmail();
      await opened.db
        .updateTable('session')
        .set({ authenticated_at: new Date(Date.now() - 11 * 60_000) })
        .where('id', '=', sessionRowId(client.cookie))
        .execute();
      for (const response of [
        await client.post('/api/email', { email: uniqueEmail() }),
        await client.delete('/api/email'),
      ]) {
        expect(response.status).toBe(403);
        expect((await jsonOf(response)).error.code).toBe('reauthentication_required');
      }
      expect(await me(client)).toMatchObject({ email });
    });

    it('refuses a sixth POST /api/email in an hour with 429 and Retry-After', async () => {
      const { client } = await signedUp();
      for (let i = 0; i < 5; i += 1) {
        expect((await client.post('/api/email', { email: uniqueEmail() })).status).toBe(202);
      }
      const refused = await client.post('/api/email', { email: uniqueEmail() });
      expect(refused.status).toBe(429);
      expect((await jsonOf(refused)).error.code).toBe('too_many_attempts');
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    });

    it('refuses an address that is not one with invalid_input', async () => {
      const { client } = await signedUp();
      const response = await client.post('/api/email', { email: 'not an address' });
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error).toMatchObject({
        code: 'invalid_input',
        fields: { email: expect.any(String) },
      });
    });
  });

  describe(`${harness.dialect.name}: password reset by mail`, () => {
    it('resets with the link once: every session of the user ends, no one is signed in, the new password works', async () => {
      const { client, username, email } = await withVerifiedEmail();
      const second = opened.client();
      expect((await second.post('/api/signin', { username, password: goodPassword })).status).toBe(
        200,
      );
      const token = await requestReset(email, 2);
      const link = resetTokenOf(catcher.to(email)[1] as CaughtMail);
      expect(link).toBe(token);
      // A refused password leaves the link usable.
      const refused = await opened
        .client()
        .post('/api/password-reset/confirm', { token, newPassword: 'short' });
      expect(refused.status).toBe(400);
      expect((await jsonOf(refused)).error.code).toBe('invalid_input');
      const reset = await opened
        .client()
        .post('/api/password-reset/confirm', { token, newPassword });
      expect(reset.status).toBe(204);
      expect(sessionCookieOf(reset)).toBeNull();
      expect((await client.get('/api/me')).status).toBe(401);
      expect((await second.get('/api/me')).status).toBe(401);
      const signin = (password: string) =>
        opened.client().post('/api/signin', { username, password });
      expect((await signin(goodPassword)).status).toBe(401);
      expect((await signin(newPassword)).status).toBe(200);
      await expectInvalidCode(
        await opened
          .client()
          .post('/api/password-reset/confirm', { token, newPassword: goodPassword }),
      );
      const notice = await catcher.waitFor(email, { count: 3 });
      expect(notice.subject).toMatch(/reset/);
      // The table holds the link's digest, never the link.
      const rows = await opened.db.selectFrom('password_reset').selectAll().execute();
      expect(rows.map((row) => row.id)).not.toContain(token);
      expect(rows.map((row) => row.id)).toContain(createHash('sha256').update(token).digest('hex'));
    });

    it('ends an older link when a newer one is sent, and refuses a wrong or expired link', async () => {
      const { email, userId } = await withVerifiedEmail();
      const older = await requestReset(email, 2);
      const newer = await requestReset(email, 3);
      // The older link ends once the newer mail is sent, after the SMTP
      // server's answer, and its outbox row goes after that.
      await outboxDrained();
      await expectInvalidCode(
        await opened.client().post('/api/password-reset/confirm', { token: older, newPassword }),
      );
      // Another last character: one in 64 tokens already ends in any given one.
      const wrong = `${newer.slice(0, -1)}${newer.endsWith('x') ? 'y' : 'x'}`;
      await expectInvalidCode(
        await opened.client().post('/api/password-reset/confirm', { token: wrong, newPassword }),
      );
      await opened.db
        .updateTable('password_reset')
        .set({ expires_at_ms: Date.now() - 1 })
        .where('user_id', '=', userId)
        .execute();
      await expectInvalidCode(
        await opened.client().post('/api/password-reset/confirm', { token: newer, newPassword }),
      );
    });

    it('answers an address no account has verified exactly like one that has, hashing nothing for either, and sends it nothing', async () => {
      const passwords = countingHasher();
      const app = await harness.open({ mail: catcher, passwords });
      const { email } = await withVerifiedEmail(app);
      const unknown = uniqueEmail().toLowerCase();
      const answer = async (address: string) => {
        const before = { ...passwords };
        const response = await app.client().post('/api/password-reset', { email: address });
        expect(passwords.hashes - before.hashes + passwords.verifies - before.verifies).toBe(0);
        const headers = [...response.headers].filter(([name]) => name !== 'x-request-id');
        return { status: response.status, headers, body: await response.text() };
      };
      const known = await answer(email);
      expect(known.status).toBe(202);
      expect(await answer(unknown)).toEqual(known);
      await outboxDrained(app);
      expect(catcher.to(unknown)).toEqual([]);
      harness.received.add(resetTokenOf(await catcher.waitFor(email, { count: 2 })));
    });

    it('sends at most 3 reset mails to an address in an hour, answering 202 all the same', async () => {
      const { email } = await withVerifiedEmail();
      for (let i = 0; i < 5; i += 1) {
        const response = await opened.client().post('/api/password-reset', { email });
        expect(response.status).toBe(202);
      }
      await outboxDrained();
      // The code's mail, and three links.
      expect(catcher.to(email)).toHaveLength(4);
      for (const mail of catcher.to(email).slice(1)) harness.received.add(resetTokenOf(mail));
    });

    it('refuses a client address over RATE_LIMIT_SIGNUP_IP reset requests in an hour with 429', async () => {
      const limited = await harness.open({ mail: catcher, limits: { signupPerAddress: 2 } });
      const client = limited.client();
      for (let i = 0; i < 2; i += 1) {
        const response = await client.post('/api/password-reset', { email: uniqueEmail() });
        expect(response.status).toBe(202);
      }
      const refused = await client.post('/api/password-reset', { email: uniqueEmail() });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    });

    it('tells the verified address of a provider linked to the account', async () => {
      const { client, email } = await withVerifiedEmail(providers.opened);
      const linked = await continueWith(client, 'beta', uniqueSub());
      expect(linked.status).toBe(303);
      const notice = await catcher.waitFor(email, { count: 2 });
      expect(notice.subject).toMatch(/provider was linked/);
      expect(notice.text).toContain('Beta');
    });

    it('tells the verified address of a password change', async () => {
      const { client, email } = await withVerifiedEmail();
      const change = await client.post('/api/password', {
        currentPassword: goodPassword,
        newPassword,
      });
      expect(change.status).toBe(204);
      const notice = await catcher.waitFor(email, { count: 2 });
      expect(notice.subject).toMatch(/password .* changed/);
      expect(notice.text).not.toContain(newPassword);
    });
  });

  describe(`${harness.dialect.name}: mail delivery`, () => {
    it('answers as usual while the SMTP server is down, and delivers the mail once it is back, exactly once', async () => {
      const down = await MailCatcher.start();
      await down.pause();
      const app = await harness.open({ mail: down });
      const { client, userId } = await signedUp(app);
      const email = uniqueEmail().toLowerCase();
      expect((await client.post('/api/email', { email })).status).toBe(202);
      // Tried, failed, and kept, without its code.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const row = await app.db
          .selectFrom('mail_outbox')
          .selectAll()
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (row && row.attempts >= 2) {
          // What to say, and which verification: the code is made when the mail is sent.
          expect(Object.keys(JSON.parse(row.payload)).sort()).toEqual([
            'at',
            'clientAddress',
            'verificationId',
          ]);

          break;
        }
        if (Date.now() > deadline) throw new Error('the mail was never tried twice');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await down.resume();
      const code = codeOf(await down.waitFor(email, { timeoutMs: 20_000 }));
      await outboxDrained(app);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(down.to(email)).toHaveLength(1);
      expect((await client.post('/api/email/verify', { code })).status).toBe(200);
      await down.pause();
    });

    it('keeps the older reset link working while a newer one cannot be sent', async () => {
      const flaky = await MailCatcher.start();
      const app = await harness.open({ mail: flaky });
      try {
        const { email, username } = await withVerifiedEmail(app, flaky);
        await app.client().post('/api/password-reset', { email });
        const older = resetTokenOf(await flaky.waitFor(email, { count: 2 }));
        harness.received.add(older);
        await flaky.pause();
        await app.client().post('/api/password-reset', { email });
        const deadline = Date.now() + 20_000;
        for (;;) {
          const row = await app.db
            .selectFrom('mail_outbox')
            .select('attempts')
            .where('kind', '=', 'password_reset')
            .executeTakeFirst();
          if (row && row.attempts >= 2) break;
          if (Date.now() > deadline) throw new Error('the newer link was never tried twice');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        // No link of a mail that did not go is kept: each try makes one and
        // drops it when the send fails, so a read during a try sees two.
        await expect
          .poll(() => app.db.selectFrom('password_reset').select('id').execute(), {
            timeout: 20_000,
          })
          .toHaveLength(1);
        const reset = await app
          .client()
          .post('/api/password-reset/confirm', { token: older, newPassword });
        expect(reset.status).toBe(204);
        const signin = await app.client().post('/api/signin', { username, password: newPassword });
        expect(signin.status).toBe(200);
      } finally {
        await flaky.pause();
      }
    });

    it('sends a mail whose claim lapsed (its process died mid-send), and leaves one under a live claim alone', async () => {
      const own = await MailCatcher.start();
      const app = await harness.open({ mail: own });
      try {
        const now = Date.now();
        const row = {
          kind: 'password_changed',
          user_id: null,
          payload: JSON.stringify({ at: now }),
          created_at_ms: now,
          next_attempt_at_ms: now,
        };
        await app.db
          .insertInto('mail_outbox')
          .values([
            {
              ...row,
              id: 'lapsed',
              address: 'lapsed@example.test',
              claim_owner: 'gone',
              claimed_until_ms: now - 1000,
            },
            {
              ...row,
              id: 'claimed',
              address: 'claimed@example.test',
              claim_owner: 'alive',
              claimed_until_ms: now + 60_000,
            },
          ])
          .execute();
        await own.waitFor('lapsed@example.test');
        // Its row goes once the SMTP server has answered: waited for, to a deadline.
        const left = () => app.db.selectFrom('mail_outbox').select(['id', 'claim_owner']).execute();
        await expect
          .poll(left, { timeout: 20_000 })
          .toEqual([{ id: 'claimed', claim_owner: 'alive' }]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(own.to('claimed@example.test')).toEqual([]);
        expect(await left()).toEqual([{ id: 'claimed', claim_owner: 'alive' }]);
      } finally {
        await own.pause();
      }
    });

    it('sends each mail once when three deliverers read the same outbox at once', async () => {
      const shared = await MailCatcher.start();
      const app = await harness.open({ mail: shared });
      // Two more deliverers, as other processes run them, each claiming for
      // itself; on the app's own pool, since a SQLite connection that waits
      // for another's lock blocks the process it is in.
      const others = [1, 2].map(() =>
        createMailer({
          db: app.db,
          smtpUrl: shared.url,
          from: 'auth@example.test',
          origin: app.origin,
          logger: createLogger('warn', { write: () => {} }),
          passwords: argon2Hasher,
          pollMs: 5,
          retryMs: 100,
        }),
      );
      for (const mailer of others) mailer.start();
      try {
        const users = [];
        for (let i = 0; i < 8; i += 1) users.push(await signedUp(app));
        const emails = users.map(() => uniqueEmail().toLowerCase());
        const answers = await Promise.all(
          users.map(({ client }, i) => client.post('/api/email', { email: emails[i] })),
        );
        expect(answers.map((answer) => answer.status)).toEqual(users.map(() => 202));
        await outboxDrained(app);
        await new Promise((resolve) => setTimeout(resolve, 300));
        for (const email of emails) expect(shared.to(email)).toHaveLength(1);
        expect(shared.mails).toHaveLength(8);
      } finally {
        for (const mailer of others) await mailer.stop();
        await shared.pause();
      }
    });

    it('has no e-mail features without SMTP_URL: the mail routes answer 404 not_found', async () => {
      const client = harness.main.client();
      await client.post('/api/signup', {
        username: uniqueUsername('nomail'),
        password: goodPassword,
      });
      expect(await me(client)).toMatchObject({ email: null, emailVerified: false });
      for (const [method, path, body] of [
        ['POST', '/api/email', { email: 'a@example.test' }],
        ['POST', '/api/email/verify', { code: '12345678' }],
        ['DELETE', '/api/email', undefined],
        ['POST', '/api/password-reset', { email: 'a@example.test' }],
        ['POST', '/api/password-reset/confirm', { token: 'x', newPassword }],
      ] as const) {
        const response =
          method === 'DELETE' ? await client.delete(path) : await client.post(path, body);
        expect(response.status, path).toBe(404);
        expect((await jsonOf(response)).error.code).toBe('not_found');
      }
    });
  });

  describe(`${harness.dialect.name}: mail pages`, () => {
    it('links sign-in to /forgot-password when mail is set up, and says there is none otherwise', async () => {
      expect(await (await opened.client().get('/signin')).text()).toContain(
        'href="/forgot-password"',
      );
      const without = harness.main.client();
      expect(await (await without.get('/signin')).text()).not.toContain('/forgot-password');
      const page = await without.get('/forgot-password');
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('sends no mail');
    });

    it('adds and verifies an address through the account page forms', async () => {
      const { client } = await signedUp();
      const email = uniqueEmail().toLowerCase();
      const sent = await client.postForm('/account/email', { email });
      expect(sent.status).toBe(303);
      expect(sent.headers.get('Location')).toBe('/account?done=email-code-sent');
      const code = codeOf(await catcher.waitFor(email));
      expect(await (await client.get('/account')).text()).toContain(
        'action="/account/email/verify"',
      );
      const wrong = await client.postForm('/account/email/verify', {
        code: code === '00000000' ? '11111111' : '00000000',
      });
      expect(wrong.status).toBe(400);
      const verified = await client.postForm('/account/email/verify', { code });
      expect(verified.status).toBe(303);
      const account = await (await client.get('/account')).text();
      expect(account).toContain(email);
      expect(account).toContain('href="/forgot-password"');
      expect(account).toContain('action="/account/email/remove"');
      expect((await client.postForm('/account/email/remove')).status).toBe(303);
      expect(await me(client)).toMatchObject({ email: null });
    });

    it('resets a password through /forgot-password and the link page, which sends no referrer and is never logged with its token', async () => {
      const { username, email } = await withVerifiedEmail();
      const browser = opened.client();
      const asked = await browser.postForm('/forgot-password', { email });
      expect(asked.status).toBe(200);
      expect(await asked.text()).toContain('on its way');
      const token = resetTokenOf(await catcher.waitFor(email, { count: 2 }));
      harness.received.add(token);
      const page = await browser.get(`/reset-password?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('Referrer-Policy')).toBe('no-referrer');
      expect(await page.text()).toContain(`name="token" value="${token}"`);
      const refused = await browser.postForm('/reset-password', { token, newPassword: 'short' });
      expect(refused.status).toBe(400);
      const done = await browser.postForm('/reset-password', { token, newPassword });
      expect(done.status).toBe(303);
      expect(done.headers.get('Location')).toBe('/?done=password-reset');
      const signin = await opened.client().post('/api/signin', { username, password: newPassword });
      expect(signin.status).toBe(200);
      const used = await browser.postForm('/reset-password', { token, newPassword });
      expect(used.status).toBe(400);
      expect(opened.logLines().filter((line) => line.includes('token='))).toEqual([]);
    });
  });
}
