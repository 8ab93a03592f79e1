import { createHash } from 'node:crypto';
import { runHousekeeping } from '@repo/auth/housekeeping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { codeOf, MailCatcher } from '../mail/mail-catcher.ts';
import { continueWith, uniqueSub } from '../oidc/provider-fixtures.ts';
import { jsonOf, sessionRowId, type TestClient } from '../test-client.ts';
import { type AssertOptions, SoftPasskey } from '../webauthn/soft-authenticator.ts';
import { useTestProviders } from './providers/use-test-providers.ts';

const minute = 60_000;

/** How the app keys a challenge's row: its SHA-256 (hex). */
function rowIdOf(challenge: string): string {
  return createHash('sha256').update(challenge).digest('hex');
}

/**
 * docs/API.md, "Passkeys": registering one (with recent authentication),
 * listing and removing it, and signing in with it without a username, on
 * a software authenticator (webauthn/soft-authenticator.ts); the refusals
 * (a used or expired challenge, a counter that goes back, another origin
 * or RP id, a credential of another user, the last way to sign in); its
 * events, notices, export and deletion.
 */
export function describePasskeys(harness: Harness) {
  describe(`${harness.dialect.name}: passkeys`, () => {
    describeWithApp(harness);
  });
}

function describeWithApp(harness: Harness) {
  const catcher = new MailCatcher();
  beforeAll(() => catcher.resume());
  // Mail for the notices, a provider for an account with no password.
  const providers = useTestProviders(harness, { mail: catcher });
  afterAll(async () => {
    await providers.opened.close();
    await catcher.pause();
  });

  const db = () => providers.opened.db;

  /** Posts and reads the JSON answer; every challenge handed out is one more secret the log check looks for. */
  // biome-ignore lint/suspicious/noExplicitAny: the options, as the tests read them
  async function optionsOf(client: TestClient, path: string): Promise<any> {
    const response = await client.post(path);
    expect(response.status).toBe(200);
    const options = await jsonOf(response);
    harness.received.add(options.challenge);
    return options;
  }

  async function signedUp() {
    const client = providers.opened.client();
    const username = uniqueUsername('pk');
    const response = await client.post('/api/signup', { username, password: goodPassword });
    expect(response.status).toBe(201);
    return { client, username, userId: (await jsonOf(response)).user.id as string };
  }

  async function register(client: TestClient, name = 'Laptop', passkey?: SoftPasskey) {
    const key = passkey ?? new SoftPasskey(providers.opened.origin);
    const options = await optionsOf(client, '/api/passkeys/options');
    const response = await client.post('/api/passkeys', { name, response: key.register(options) });
    return { passkey: key, response };
  }

  async function registered(client: TestClient, name = 'Laptop') {
    const { passkey, response } = await register(client, name);
    expect(response.status).toBe(201);
    return { passkey, id: (await jsonOf(response)).passkey.id as string };
  }

  /** A sign-in with the passkey on a new client (no cookie, no username). */
  async function signIn(
    passkey: SoftPasskey,
    overrides: AssertOptions = {},
    client = providers.opened.client(),
  ) {
    const options = await optionsOf(client, '/api/signin/passkey/options');
    const response = await client.post('/api/signin/passkey', {
      response: passkey.assert(options, overrides),
    });
    return { client, response, options };
  }

  async function expectRefused(response: Response) {
    expect(response.status).toBe(401);
    expect(await jsonOf(response)).toEqual({
      error: { code: 'invalid_credentials', message: expect.any(String) },
    });
    expect(response.headers.getSetCookie().join()).not.toMatch(/auth_session=[a-z2-7]/);
  }

  async function age(client: TestClient, minutes = 11) {
    await db()
      .updateTable('session')
      .set({ authenticated_at: new Date(Date.now() - minutes * minute) })
      .where('id', '=', sessionRowId(client.cookie))
      .execute();
  }

  async function passkeyCount(userId: string) {
    return (await db().selectFrom('passkey').select('id').where('user_id', '=', userId).execute())
      .length;
  }

  it('registers a passkey, lists it, and signs in with it without a username: a new session, no second factor', async () => {
    const { client, username, userId } = await signedUp();
    const options = await optionsOf(client, '/api/passkeys/options');
    expect(options).toMatchObject({
      rp: { id: 'localhost' },
      user: { name: username },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      attestation: 'none',
    });
    const passkey = new SoftPasskey(providers.opened.origin);
    const added = await client.post('/api/passkeys', {
      name: ' Laptop ',
      response: passkey.register(options),
    });
    expect(added.status).toBe(201);
    const body = await jsonOf(added);
    expect(body).toEqual({
      passkey: { id: expect.any(String), name: 'Laptop', createdAt: expect.any(String) },
    });
    expect((await jsonOf(await client.get('/api/passkeys'))).passkeys).toEqual([
      { ...body.passkey, lastUsedAt: null },
    ]);
    expect((await client.post('/api/signout')).status).toBe(204);

    const { client: other, response, options: request } = await signIn(passkey);
    expect(request.userVerification).toBe('required');
    expect(request.allowCredentials ?? []).toEqual([]);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ user: { id: userId, username } });
    const me = await other.get('/api/me');
    expect(me.status).toBe(200);
    expect((await jsonOf(me)).user.username).toBe(username);
    const listed = (await jsonOf(await other.get('/api/passkeys'))).passkeys;
    expect(listed[0].lastUsedAt).toEqual(expect.any(String));
    const events = (await jsonOf(await other.get('/api/activity'))).events;
    expect(events[0]).toMatchObject({ kind: 'signin', detail: { method: 'passkey' } });
  });

  it('asks for a recent proof of identity to add or remove a passkey: 403 reauthentication_required, nothing changes', async () => {
    const { client, userId } = await signedUp();
    const { id } = await registered(client);
    const fresh = new SoftPasskey(providers.opened.origin);
    const options = await optionsOf(client, '/api/passkeys/options');
    await age(client);
    for (const response of [
      await client.post('/api/passkeys/options'),
      await client.post('/api/passkeys', { name: 'Phone', response: fresh.register(options) }),
      await client.delete(`/api/passkeys/${id}`),
    ]) {
      expect(response.status).toBe(403);
      expect((await jsonOf(response)).error.code).toBe('reauthentication_required');
    }
    expect(await passkeyCount(userId)).toBe(1);
    expect((await client.post('/api/reauthenticate', { password: goodPassword })).status).toBe(204);
    expect((await client.delete(`/api/passkeys/${id}`)).status).toBe(204);
    expect(await passkeyCount(userId)).toBe(0);
  });

  it('takes a challenge once, within 5 minutes, for the flow it was given for', async () => {
    const { client } = await signedUp();
    const { passkey } = await registered(client);
    const { client: first, response, options } = await signIn(passkey);
    expect(response.status).toBe(200);
    // The same challenge again, freshly signed with a higher counter: used up.
    await expectRefused(
      await first.post('/api/signin/passkey', { response: passkey.assert(options) }),
    );
    // A challenge past its 5 minutes.
    const late = providers.opened.client();
    const stale = await optionsOf(late, '/api/signin/passkey/options');
    await db()
      .updateTable('webauthn_challenge')
      .set({ expires_at_ms: Date.now() - 1 })
      .where('id', '=', rowIdOf(stale.challenge))
      .execute();
    await expectRefused(
      await late.post('/api/signin/passkey', { response: passkey.assert(stale) }),
    );
    // A registration challenge is no sign-in challenge, and the other way round.
    const creation = await optionsOf(client, '/api/passkeys/options');
    await expectRefused(
      await late.post('/api/signin/passkey', {
        response: passkey.assert({ challenge: creation.challenge, rpId: 'localhost' }),
      }),
    );
    const request = await optionsOf(client, '/api/signin/passkey/options');
    const other = new SoftPasskey(providers.opened.origin);
    const refused = await client.post('/api/passkeys', {
      name: 'Phone',
      response: other.register({ ...creation, challenge: request.challenge }),
    });
    expect(refused.status).toBe(400);
    expect((await jsonOf(refused)).error.code).toBe('invalid_input');
    // A made-up challenge.
    const made = await signIn(passkey, { challenge: 'bm90LWEtY2hhbGxlbmdlLWl0LWdhdmU' });
    await expectRefused(made.response);
  });

  it('refuses a signature counter that goes back, and logs a warning that names the credential and no secret', async () => {
    const { client } = await signedUp();
    const { passkey } = await registered(client);
    expect((await signIn(passkey, { counter: 5 })).response.status).toBe(200);
    await expectRefused((await signIn(passkey, { counter: 5 })).response);
    await expectRefused((await signIn(passkey, { counter: 3 })).response);
    const warning = providers.opened
      .logLines()
      .map((line) => JSON.parse(line))
      .find((line) => line.credentialId === passkey.credentialId && line.newCounter === 3);
    expect(warning).toMatchObject({
      level: 40,
      storedCounter: 5,
      msg: expect.stringMatching(/counter went back/),
    });
    expect((await signIn(passkey, { counter: 6 })).response.status).toBe(200);
  });

  it('refuses an assertion for another origin, another RP id, or without user verification', async () => {
    const { client } = await signedUp();
    const { passkey } = await registered(client);
    await expectRefused((await signIn(passkey, { origin: 'http://localhost:3001' })).response);
    await expectRefused((await signIn(passkey, { origin: 'https://evil.example' })).response);
    await expectRefused((await signIn(passkey, { rpId: 'evil.example' })).response);
    await expectRefused((await signIn(passkey, { userVerified: false })).response);
    // Nor a registration made for another origin or RP id.
    for (const wrong of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const options = await optionsOf(client, '/api/passkeys/options');
      const key = new SoftPasskey(providers.opened.origin);
      const response = await client.post('/api/passkeys', {
        name: 'Phone',
        response: key.register(options, wrong),
      });
      expect(response.status).toBe(400);
    }
    expect((await signIn(passkey)).response.status).toBe(200);
  });

  it('answers every failed passkey sign-in 401 invalid_credentials and counts it against the address like a wrong password', async () => {
    const client = providers.opened.client();
    const unknown = new SoftPasskey(providers.opened.origin);
    // Ten failures (RATE_LIMIT_SIGNIN_IP's default) from one address.
    for (let i = 0; i < 10; i += 1)
      await expectRefused((await signIn(unknown, {}, client)).response);
    const throttled = await signIn(unknown, {}, client);
    expect(throttled.response.status).toBe(429);
    expect(Number(throttled.response.headers.get('Retry-After'))).toBeGreaterThan(0);
    const garbage = await client.post('/api/signin/passkey', { response: { id: 'x' } });
    expect(garbage.status).toBe(429);
    const elsewhere = providers.opened.client();
    await expectRefused(
      await elsewhere.post('/api/signin/passkey', { response: { id: 'x', response: {} } }),
    );
  });

  it('registers a credential to one user only: a second user, or the same one again, is refused', async () => {
    const first = await signedUp();
    const { passkey } = await registered(first.client);
    const second = await signedUp();
    const copy = new SoftPasskey(providers.opened.origin, passkey.credentialId);
    const { response } = await register(second.client, 'Copy', copy);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_input');
    expect((await register(first.client, 'Again', passkey)).response.status).toBe(400);
    expect(await passkeyCount(second.userId)).toBe(0);
    expect(await passkeyCount(first.userId)).toBe(1);
    const signedIn = await signIn(passkey);
    expect((await jsonOf(signedIn.response)).user.id).toBe(first.userId);
  });

  it('refuses to remove the last way to sign in (409 last_sign_in_method), and removes a passkey otherwise', async () => {
    const client = providers.opened.client();
    const sub = uniqueSub();
    providers.alpha.accounts.set(sub, { sub, preferred_username: uniqueUsername('pkp') });
    await continueWith(client, 'alpha', sub);
    const { passkey, id } = await registered(client);
    // The passkey is a way in: the provider may go.
    expect((await client.delete('/api/identities/alpha')).status).toBe(204);
    const last = await client.delete(`/api/passkeys/${id}`);
    expect(last.status).toBe(409);
    expect((await jsonOf(last)).error.code).toBe('last_sign_in_method');
    const second = await registered(client, 'Phone');
    expect((await client.delete(`/api/passkeys/${id}`)).status).toBe(204);
    await expectRefused((await signIn(passkey)).response);
    expect((await client.delete(`/api/passkeys/${id}`)).status).toBe(404);
    expect((await client.delete(`/api/passkeys/${second.id}`)).status).toBe(409);
    // Another user's passkey is not found.
    const other = await signedUp();
    expect((await other.client.delete(`/api/passkeys/${second.id}`)).status).toBe(404);
  });

  it('records the passkey added and removed, mails notices, exports passkeys by name and date, and the deletion takes every row', async () => {
    const { client, username, userId } = await signedUp();
    const email = `${username}@example.test`;
    expect((await client.post('/api/email', { email })).status).toBe(202);
    const code = codeOf(await catcher.waitFor(email));
    expect((await client.post('/api/email/verify', { code })).status).toBe(200);
    const { passkey, id } = await registered(client, 'Laptop');
    expect((await catcher.waitFor(email, { count: 2 })).subject).toMatch(/passkey was added/);
    const { id: phone } = await registered(client, 'Phone');
    expect((await client.delete(`/api/passkeys/${phone}`)).status).toBe(204);
    const removed = await catcher.waitFor(email, { count: 4 });
    expect(removed.subject).toMatch(/passkey was removed/);
    expect(removed.text).toContain('"Phone"');
    const events = (await jsonOf(await client.get('/api/activity'))).events;
    expect(events.slice(0, 3)).toMatchObject([
      { kind: 'passkey_removed', detail: { name: 'Phone' } },
      { kind: 'passkey_added', detail: { name: 'Phone' } },
      { kind: 'passkey_added', detail: { name: 'Laptop' } },
    ]);
    await signIn(passkey);
    const exported = await client.get('/api/account/export');
    const text = await exported.text();
    const body = JSON.parse(text);
    expect(body.passkeys).toEqual([
      { id, name: 'Laptop', createdAt: expect.any(String), lastUsedAt: expect.any(String) },
    ]);
    expect(body.notExported).toContainEqual({
      table: 'webauthn_challenge',
      reason: expect.any(String),
    });
    const stored = await db()
      .selectFrom('passkey')
      .select(['public_key', 'credential_digest'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(text).not.toContain(stored.public_key);
    expect(text).not.toContain(stored.credential_digest);

    await optionsOf(client, '/api/passkeys/options');
    expect((await client.delete('/api/account')).status).toBe(204);
    expect(await passkeyCount(userId)).toBe(0);
    const challenges = await db()
      .selectFrom('webauthn_challenge')
      .select('id')
      .where('user_id', '=', userId)
      .execute();
    expect(challenges).toEqual([]);
    await expectRefused((await signIn(passkey)).response);
  });

  it('answers bad input in the contract shape: invalid_json, invalid_input, and 401 for a response that is no assertion', async () => {
    const { client } = await signedUp();
    const malformed = await client.request('POST', '/api/passkeys', {
      body: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await jsonOf(malformed)).error.code).toBe('invalid_json');
    for (const body of [{ name: '   ', response: { id: 'x' } }, { name: 'Laptop' }, {}]) {
      const response = await client.post('/api/passkeys', body);
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error).toMatchObject({
        code: 'invalid_input',
        fields: expect.any(Object),
      });
    }
    const missing = await client.post('/api/signin/passkey', {});
    expect((await jsonOf(missing)).error.code).toBe('invalid_input');
    const signedOut = providers.opened.client();
    expect((await signedOut.post('/api/passkeys/options')).status).toBe(401);
    expect((await signedOut.get('/api/passkeys')).status).toBe(401);
  });

  it('serves the passkey script under the Content-Security-Policy, and the pages list and remove passkeys without it', async () => {
    const { client } = await signedUp();
    const { id } = await registered(client, 'Work laptop');
    const signin = await providers.opened.client().get('/signin');
    const policy = signin.headers.get('Content-Security-Policy') ?? '';
    expect(policy).toContain(`script-src ${providers.opened.origin}/passkeys.js`);
    expect(policy).toContain(`connect-src ${providers.opened.origin}/api/`);
    const page = await signin.text();
    expect(page).toContain('<script type="module" src="/passkeys.js"></script>');
    expect(page).toContain('Sign in with a passkey');
    expect(page).not.toMatch(/<script(?![^>]*src="\/passkeys\.js")/);
    const script = await client.get('/passkeys.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('parseRequestOptionsFromJSON');
    const account = await (await client.get('/account')).text();
    expect(account).toContain('Work laptop');
    expect(account).toContain('Add a passkey');
    const removed = await client.postForm('/account/passkeys/remove', { passkey: id });
    expect(removed.status).toBe(303);
    expect(removed.headers.get('Location')).toBe('/account?done=passkey-removed');
    expect((await jsonOf(await client.get('/api/passkeys'))).passkeys).toEqual([]);
  });

  it('sweeps challenges past their 5 minutes in housekeeping, and keeps the others', async () => {
    const client = providers.opened.client();
    const old = rowIdOf((await optionsOf(client, '/api/signin/passkey/options')).challenge);
    const kept = rowIdOf((await optionsOf(client, '/api/signin/passkey/options')).challenge);
    await db()
      .updateTable('webauthn_challenge')
      .set({ expires_at_ms: Date.now() - 1 })
      .where('id', '=', old)
      .execute();
    await runHousekeeping(db());
    const left = await db()
      .selectFrom('webauthn_challenge')
      .select('id')
      .where('id', 'in', [old, kept])
      .execute();
    expect(left.map((row) => row.id)).toEqual([kept]);
  });
}
