import { afterAll, describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { continueWith, uniqueSub } from '../oidc/provider-fixtures.ts';
import { jsonOf, sessionRowId, type TestClient } from '../test-client.ts';
import { type AssertOptions, SoftPasskey } from '../webauthn/soft-authenticator.ts';
import { useTestProviders } from './providers/use-test-providers.ts';

const minute = 60_000;

/**
 * docs/API.md, "Second factors" and "Recent authentication", for passkeys:
 * a user with a passkey waits for its second factor after a password or a
 * provider, and a passkey of that user passes it (user verification not
 * required); from a full session the same pair is a new proof of identity
 * (user verification required then).
 */
export function describePasskeySecondFactor(harness: Harness) {
  describe(`${harness.dialect.name}: passkey as a second factor`, () => {
    describeWithApp(harness);
  });
}

function describeWithApp(harness: Harness) {
  const providers = useTestProviders(harness);
  afterAll(() => providers.opened.close());

  // biome-ignore lint/suspicious/noExplicitAny: the options, as the tests read them
  async function optionsOf(client: TestClient, path: string): Promise<any> {
    const response = await client.post(path);
    expect(response.status).toBe(200);
    const options = await jsonOf(response);
    harness.received.add(options.challenge);
    return options;
  }

  /** A new account with a password and a passkey, signed in on `client`. */
  async function withPasskey(client = providers.opened.client()) {
    const username = uniqueUsername('pk2');
    const signedUp = await client.post('/api/signup', { username, password: goodPassword });
    expect(signedUp.status).toBe(201);
    const passkey = new SoftPasskey(providers.opened.origin);
    const options = await optionsOf(client, '/api/passkeys/options');
    const added = await client.post('/api/passkeys', {
      name: 'Laptop',
      response: passkey.register(options),
    });
    expect(added.status).toBe(201);
    return { client, username, userId: (await jsonOf(signedUp)).user.id as string, passkey };
  }

  async function passWith(client: TestClient, passkey: SoftPasskey, overrides: AssertOptions = {}) {
    const options = await optionsOf(client, '/api/2fa/passkey/options');
    const response = await client.post('/api/2fa/passkey', {
      response: passkey.assert(options, overrides),
    });
    return { options, response };
  }

  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    const body = await jsonOf(response);
    expect(body.error.code).toBe(code);
    return body;
  }

  it('makes a password sign-in of a user with a passkey wait, and takes a passkey of that user, without user verification, as the second factor', async () => {
    const { username, userId, passkey } = await withPasskey();
    const client = providers.opened.client();
    const signin = await client.post('/api/signin', { username, password: goodPassword });
    expect(signin.status).toBe(200);
    expect(await jsonOf(signin)).toEqual({ secondFactor: { methods: ['passkey'] } });
    const waiting = await expectError(await client.get('/api/me'), 403, 'second_factor_required');
    expect(waiting.error.methods).toEqual(['passkey']);
    const waitingToken = client.cookie;

    // Another user's passkey, and a sign-in's challenge, are no second factor of this user.
    const other = await withPasskey();
    await expectError((await passWith(client, other.passkey)).response, 401, 'invalid_credentials');
    const signInChallenge = await optionsOf(
      providers.opened.client(),
      '/api/signin/passkey/options',
    );
    await expectError(
      await client.post('/api/2fa/passkey', { response: passkey.assert(signInChallenge) }),
      401,
      'invalid_credentials',
    );

    const { options, response } = await passWith(client, passkey, { userVerified: false });
    expect(options.userVerification).toBe('preferred');
    expect(options.allowCredentials).toEqual([
      expect.objectContaining({ id: passkey.credentialId }),
    ]);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ user: { id: userId, username } });
    expect(client.cookie).not.toBe(waitingToken);
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    const events = (await jsonOf(await client.get('/api/activity'))).events;
    expect(events[0]).toMatchObject({
      kind: 'second_factor_passed',
      detail: { method: 'passkey' },
    });
    expect(events.map((event: { kind: string }) => event.kind)).toContain('second_factor_failed');
    // The waiting session is gone: its token signs no one in.
    const stale = providers.opened.client();
    stale.cookie = waitingToken;
    expect((await stale.get('/api/me')).status).toBe(401);
  });

  it('makes a provider sign-in of a user with a passkey wait too', async () => {
    const client = providers.opened.client();
    const sub = uniqueSub();
    providers.alpha.accounts.set(sub, { sub, preferred_username: uniqueUsername('pk2p') });
    await continueWith(client, 'alpha', sub);
    const passkey = new SoftPasskey(providers.opened.origin);
    const options = await optionsOf(client, '/api/passkeys/options');
    const added = await client.post('/api/passkeys', {
      name: 'Phone',
      response: passkey.register(options),
    });
    expect(added.status).toBe(201);
    const later = providers.opened.client();
    expect((await continueWith(later, 'alpha', sub)).status).toBe(303);
    const waiting = await expectError(await later.get('/api/me'), 403, 'second_factor_required');
    expect(waiting.error.methods).toEqual(['passkey']);
    expect((await passWith(later, passkey)).response.status).toBe(200);
    expect((await later.get('/api/me')).status).toBe(200);
  });

  it('takes a passkey from a full session as a new proof of identity: user verification required, authenticatedAt now, the same cookie', async () => {
    const { client, passkey } = await withPasskey();
    await providers.opened.db
      .updateTable('session')
      .set({ authenticated_at: new Date(Date.now() - 11 * minute) })
      .where('id', '=', sessionRowId(client.cookie))
      .execute();
    await expectError(await client.post('/api/passkeys/options'), 403, 'reauthentication_required');
    const token = client.cookie;
    const unverified = await passWith(client, passkey, { userVerified: false });
    expect(unverified.options.userVerification).toBe('required');
    await expectError(unverified.response, 401, 'invalid_credentials');
    const before = Date.now() - 1000;
    expect((await passWith(client, passkey)).response.status).toBe(200);
    expect(client.cookie).toBe(token);
    const me = await jsonOf(await client.get('/api/me'));
    expect(Date.parse(me.session.authenticatedAt)).toBeGreaterThanOrEqual(before);
    expect((await client.post('/api/passkeys/options')).status).toBe(200);
  });

  it('asks again on the page with a passkey button, and offers the passkey on the second-factor page', async () => {
    const { client, username } = await withPasskey();
    await providers.opened.db
      .updateTable('session')
      .set({ authenticated_at: new Date(Date.now() - 11 * minute) })
      .where('id', '=', sessionRowId(client.cookie))
      .execute();
    const asked = await client.postForm('/account/passkeys/confirm');
    const page = await asked.text();
    expect(page).toContain('Confirm with a passkey');
    expect(page).toContain('<script type="module" src="/passkeys.js"></script>');
    const later = providers.opened.client();
    await later.post('/api/signin', { username, password: goodPassword });
    const waiting = await (await later.get('/signin/second-factor')).text();
    expect(waiting).toContain('Use a passkey');
    expect(waiting).not.toContain('Code from your authenticator app');
  });

  it('asks again from the two-step page too, with the passkey, and goes back there, never to another site', async () => {
    const { client } = await withPasskey();
    const stale = () =>
      providers.opened.db
        .updateTable('session')
        .set({ authenticated_at: new Date(Date.now() - 11 * minute) })
        .where('id', '=', sessionRowId(client.cookie))
        .execute();
    await stale();
    const asked = await client.postForm('/account/two-step/start');
    expect(asked.status).toBe(403);
    const page = await asked.text();
    expect(page).toContain('Confirm with a passkey');
    expect(page).toContain('data-passkey-next="/account/two-step?done=reauthenticated"');
    expect(page).toContain('name="return-to" value="/account/two-step"');
    const back = await client.postForm('/account/reauthenticate', {
      password: goodPassword,
      'return-to': '/account/two-step',
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/account/two-step?done=reauthenticated');
    expect(await (await client.get('/account/two-step?done=reauthenticated')).text()).toContain(
      'You confirmed it is you',
    );
    await stale();
    const elsewhere = await client.postForm('/account/reauthenticate', {
      password: goodPassword,
      'return-to': 'https://elsewhere.example/',
    });
    expect(elsewhere.headers.get('location')).toBe('/account?done=reauthenticated');
  });
}
