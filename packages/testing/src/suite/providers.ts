import { createHash } from 'node:crypto';
import { runHousekeeping } from '@repo/auth/housekeeping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess } from '../app-process.ts';
import {
  defaultOrigin,
  goodPassword,
  type Harness,
  type OpenedApp,
  uniqueUsername,
} from '../harness.ts';
import {
  clientOf,
  clientSecret,
  configOf,
  continueWith,
  uniqueSub,
} from '../oidc/provider-fixtures.ts';
import { signInAtProvider } from '../oidc/sign-in-at-provider.ts';
import { startTestProvider, type TestProvider } from '../oidc/start-test-provider.ts';
import { jsonOf, sessionCookieOf, type TestClient } from '../test-client.ts';

export function describeProviders(harness: Harness) {
  let alpha: TestProvider;
  let beta: TestProvider;
  let opened: OpenedApp;

  beforeAll(async () => {
    // Alpha puts the profile claims in the ID token; Beta only in UserInfo.
    alpha = await startTestProvider({ clients: [clientOf('alpha')], claimsInIdToken: true });
    beta = await startTestProvider({ clients: [clientOf('beta')] });
    opened = await harness.open({
      providers: [configOf('alpha', alpha, 'Alpha ID'), configOf('beta', beta)],
    });
  });
  afterAll(async () => {
    await alpha?.stop();
    await beta?.stop();
  });

  async function userCount(app: OpenedApp = opened): Promise<number> {
    const rows = await app.db.selectFrom('user').select('id').execute();
    return rows.length;
  }

  async function keysOf(userId: string, app: OpenedApp = opened) {
    const rows = await app.db
      .selectFrom('key')
      .select(['id', 'hashed_password'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    return rows;
  }

  async function me(client: TestClient) {
    const response = await client.get('/api/me');
    return response.status === 200 ? (await jsonOf(response)).user : null;
  }

  /** Expects an error page with `status` that creates no user and sets no session. */
  async function expectRefused(
    response: Response,
    status: number,
    before: number,
    sentence: RegExp,
  ) {
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(sentence);
    expect(html).toMatch(/<a href="\/(signin|account)">Back to (sign-in|your account)<\/a>/);
    expect(sessionCookieOf(response)).toBeNull();
    expect(await userCount()).toBe(before);
  }

  describe(`${harness.dialect.name}: signing in through a provider`, () => {
    it('sends the browser to the provider with PKCE S256, state, nonce and a flow cookie kept on the server by its hash', async () => {
      const client = opened.client();
      const response = await client.postForm('/signin/alpha');
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('Location') ?? '');
      expect(location.origin).toBe(alpha.issuer);
      const params = location.searchParams;
      expect(params.get('client_id')).toBe('app-alpha');
      expect(params.get('redirect_uri')).toBe(`${defaultOrigin}/signin/alpha/callback`);
      expect(params.get('response_type')).toBe('code');
      expect(params.get('scope')).toBe('openid profile email');
      expect(params.get('code_challenge_method')).toBe('S256');
      // At least 128 random bits each: 22 characters of base64url.
      for (const name of ['state', 'nonce', 'code_challenge']) {
        expect(params.get(name)?.length, name).toBeGreaterThanOrEqual(22);
      }
      const cookie = response.headers
        .getSetCookie()
        .find((header) => header.startsWith('auth_flow='));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Secure/i);
      const value = client.flowCookie ?? '';
      expect(value.length).toBeGreaterThanOrEqual(27);
      const rows = await opened.db.selectFrom('auth_flow').selectAll().execute();
      const row = rows.find((flow) => flow.state === params.get('state'));
      expect(row?.id).toBe(createHash('sha256').update(value).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(value);
      expect(Number(row?.expires_at_ms) - Date.now()).toBeGreaterThan(9 * 60 * 1000);
      expect(Number(row?.expires_at_ms) - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
    });

    it('shows "Continue with" buttons, and lets forms post on to the providers under the CSP', async () => {
      for (const path of ['/signin', '/signup']) {
        const response = await opened.client().get(path);
        const html = await response.text();
        expect(html).toContain('<form method="post" action="/signin/alpha">');
        expect(html).toContain('Continue with Alpha ID');
        expect(html).toContain('Continue with Beta');
        // Chromium holds a form's post to form-action through its redirects.
        const csp = response.headers.get('Content-Security-Policy') ?? '';
        const formAction = csp
          .split(';')
          .find((directive) => directive.trim().startsWith('form-action'));
        expect(formAction?.trim().split(/\s+/).sort()).toEqual(
          ['form-action', "'self'", alpha.issuer, beta.issuer].sort(),
        );
      }
    });

    it('names the flow cookie __Host-auth_flow, Secure, when ORIGIN is https', async () => {
      const origin = 'https://auth.example.test';
      const secure = await startTestProvider({ clients: [clientOf('alpha', origin)] });
      try {
        const app = await harness.open({
          origin,
          poolSize: 2,
          providers: [configOf('alpha', secure)],
        });
        const response = await app.client().postForm('/signin/alpha');
        expect(response.status).toBe(303);
        const [cookie] = response.headers.getSetCookie();
        expect(cookie).toMatch(/^__Host-auth_flow=/);
        expect(cookie).toMatch(/Secure/);
        expect(cookie).toMatch(/Path=\//);
        expect(
          new URL(response.headers.get('Location') ?? '').searchParams.get('redirect_uri'),
        ).toBe(`${origin}/signin/alpha/callback`);
      } finally {
        await secure.stop();
      }
    });

    it('answers 404 for a provider AUTH_PROVIDERS does not list, and 403 without the Origin', async () => {
      const client = opened.client();
      expect((await client.postForm('/signin/gamma')).status).toBe(404);
      expect((await client.get('/signin/gamma/callback?code=x&state=y')).status).toBe(404);
      const response = await opened.app.request('/signin/alpha', {
        method: 'POST',
        headers: { Origin: 'https://evil.example' },
      });
      expect(response.status).toBe(403);
    });

    it('signs a new user up: user and key <provider>:<sub> with no hash, a session, 303 to /account', async () => {
      const sub = uniqueSub();
      const name = uniqueUsername('Neo');
      alpha.accounts.set(sub, { sub, preferred_username: name, email: `${sub}@example.test` });
      const client = opened.client();
      const response = await continueWith(client, 'alpha', sub);
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe('/account');
      expect(sessionCookieOf(response)?.attributes.has('httponly')).toBe(true);
      expect(client.flowCookie).toBeNull();
      const user = await me(client);
      expect(user.username).toBe(name.toLowerCase());
      expect(await keysOf(user.id)).toEqual([{ id: `alpha:${sub}`, hashed_password: null }]);
      expect(await jsonOf(await client.get('/api/identities'))).toEqual({
        password: false,
        identities: [{ provider: 'alpha', label: 'Alpha ID', linkedAt: expect.any(String) }],
        available: [{ provider: 'beta', label: 'Beta' }],
      });
      // No row of the flow is left.
      const flows = await opened.db.selectFrom('auth_flow').select('id').execute();
      expect(flows.map((flow) => flow.id)).not.toContain(
        createHash('sha256').update(String(client.flowCookie)).digest('hex'),
      );
    });

    it('reads the claims from UserInfo when the ID token has none (Beta)', async () => {
      const sub = uniqueSub();
      const name = uniqueUsername('info');
      beta.accounts.set(sub, { sub, preferred_username: name });
      const client = opened.client();
      expect((await continueWith(client, 'beta', sub)).status).toBe(303);
      expect((await me(client)).username).toBe(name);
    });

    it('signs a returning user in to the same account, and a 255-character sub works', async () => {
      const sub = uniqueSub('x'.repeat(200)).padEnd(255, 'y');
      alpha.accounts.set(sub, { sub, preferred_username: uniqueUsername('back') });
      const first = opened.client();
      await continueWith(first, 'alpha', sub);
      const user = await me(first);
      const before = await userCount();
      const again = opened.client();
      const response = await continueWith(again, 'alpha', sub);
      expect(response.status).toBe(303);
      expect((await me(again)).id).toBe(user.id);
      expect(await userCount()).toBe(before);
      expect(await keysOf(user.id)).toEqual([{ id: `alpha:${sub}`, hashed_password: null }]);
    });

    it('links a provider to the signed-in user, who can then sign in through it', async () => {
      const client = opened.client();
      const username = uniqueUsername();
      await client.post('/api/signup', { username, password: goodPassword });
      const user = await me(client);
      const sub = uniqueSub();
      const response = await continueWith(client, 'beta', sub);
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe('/account');
      expect((await me(client)).id).toBe(user.id);
      const identities = await jsonOf(await client.get('/api/identities'));
      expect(identities.password).toBe(true);
      expect(identities.identities).toEqual([
        { provider: 'beta', label: 'Beta', linkedAt: expect.any(String) },
      ]);
      expect(identities.available).toEqual([{ provider: 'alpha', label: 'Alpha ID' }]);
      expect(await keysOf(user.id)).toEqual([
        { id: `beta:${sub}`, hashed_password: null },
        { id: `username:${username}`, hashed_password: expect.stringMatching(/^\$argon2id\$/) },
      ]);

      const elsewhere = opened.client();
      await continueWith(elsewhere, 'beta', sub);
      expect((await me(elsewhere)).id).toBe(user.id);
      // Linking the same identity again changes nothing.
      expect((await continueWith(client, 'beta', sub)).status).toBe(303);
      expect(await keysOf(user.id)).toHaveLength(2);
    });

    it('refuses a link to an identity of another user with identity_taken (409), and moves nothing', async () => {
      const sub = uniqueSub();
      const owner = opened.client();
      await continueWith(owner, 'alpha', sub);
      const ownerUser = await me(owner);
      const other = opened.client();
      await other.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const otherUser = await me(other);
      const before = await userCount();

      const response = await continueWith(other, 'alpha', sub);
      await expectRefused(response, 409, before, /already linked to another user/);
      expect(await keysOf(ownerUser.id)).toEqual([{ id: `alpha:${sub}`, hashed_password: null }]);
      expect((await keysOf(otherUser.id)).map((key) => key.id)).toEqual([
        `username:${otherUser.username}`,
      ]);
      expect((await me(other)).id).toBe(otherUser.id);

      // A second subject of a provider the user already has: the same answer.
      const second = await continueWith(owner, 'alpha', uniqueSub());
      expect(second.status).toBe(409);
      expect(await keysOf(ownerUser.id)).toEqual([{ id: `alpha:${sub}`, hashed_password: null }]);
    });

    it('refuses to finish a link in a session of another user, and changes nothing', async () => {
      const linking = opened.client();
      await linking.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const start = await linking.postForm('/signin/alpha');
      const callback = await signInAtProvider(start.headers.get('Location') ?? '', {
        login: uniqueSub(),
      });
      // Another user's browser arrives with that flow's cookie.
      const intruder = opened.client();
      await intruder.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      intruder.flowCookie = linking.flowCookie;
      const intruderUser = await me(intruder);
      const response = await intruder.get(callback.pathname + callback.search);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/started by another account/);
      expect(await keysOf(intruderUser.id)).toHaveLength(1);
      expect((await keysOf((await me(linking)).id)).length).toBe(1);
    });

    it('unlinks a provider, and refuses to unlink the last way to sign in with last_sign_in_method', async () => {
      const client = opened.client();
      await continueWith(client, 'alpha', uniqueSub());
      const user = await me(client);
      const last = await client.delete('/api/identities/alpha');
      expect(last.status).toBe(409);
      expect((await jsonOf(last)).error.code).toBe('last_sign_in_method');
      expect(await keysOf(user.id)).toHaveLength(1);

      await continueWith(client, 'beta', uniqueSub());
      expect((await client.delete('/api/identities/alpha')).status).toBe(204);
      expect((await keysOf(user.id)).map((key) => key.id.split(':')[0])).toEqual(['beta']);
      const again = await client.delete('/api/identities/alpha');
      expect(again.status).toBe(404);
      expect((await jsonOf(again)).error.code).toBe('not_found');
      expect((await client.delete('/api/identities/username')).status).toBe(404);
      expect((await client.delete('/api/identities/beta')).status).toBe(409);
      expect((await opened.client().delete('/api/identities/beta')).status).toBe(401);
    });

    it('lets a provider-only user set a first password, then sign in with it; a user with one must give it', async () => {
      const client = opened.client();
      const sub = uniqueSub();
      await continueWith(client, 'alpha', sub);
      const user = await me(client);
      const elsewhere = opened.client();
      elsewhere.cookie = client.cookie;
      const other = opened.client();
      await continueWith(other, 'alpha', sub);
      expect((await me(other)).id).toBe(user.id);

      const newPassword = 'my first password here';
      const set = await client.post('/api/password', { newPassword });
      expect(set.status).toBe(204);
      expect(sessionCookieOf(set)).not.toBeNull();
      expect((await me(client)).id).toBe(user.id);
      // Every other session ended, as at a change.
      expect(await me(other)).toBeNull();
      expect(await me(elsewhere)).toBeNull();
      const identities = await jsonOf(await client.get('/api/identities'));
      expect(identities.password).toBe(true);

      const signin = await opened.client().post('/api/signin', {
        username: user.username,
        password: newPassword,
      });
      expect(signin.status).toBe(200);

      const again = await client.post('/api/password', { newPassword: 'another new password' });
      expect(again.status).toBe(400);
      const body = await jsonOf(again);
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.fields).toHaveProperty('currentPassword');
      const stillOld = await opened.client().post('/api/signin', {
        username: user.username,
        password: newPassword,
      });
      expect(stillOld.status).toBe(200);
    });
  });

  describe(`${harness.dialect.name}: a provider sign-in that fails`, () => {
    it('refuses a callback with no flow cookie, or a planted one, and creates nothing', async () => {
      const before = await userCount();
      const client = opened.client();
      const start = await client.postForm('/signin/alpha');
      const callback = await signInAtProvider(start.headers.get('Location') ?? '', {
        login: uniqueSub(),
      });
      const stranger = opened.client();
      await expectRefused(
        await stranger.get(callback.pathname + callback.search),
        400,
        before,
        /expired or was already used/,
      );
      stranger.flowCookie = 'planted-by-an-attacker-0123';
      await expectRefused(
        await stranger.get(callback.pathname + callback.search),
        400,
        before,
        /expired or was already used/,
      );
    });

    it('refuses a mismatched or missing state', async () => {
      const before = await userCount();
      for (const edit of [
        (url: URL) => url.searchParams.set('state', 'not-the-state-of-this-flow'),
        (url: URL) => url.searchParams.delete('state'),
      ]) {
        const response = await continueWith(opened.client(), 'alpha', uniqueSub(), {
          editCallback: edit,
        });
        await expectRefused(response, 400, before, /does not belong to this sign-in/);
      }
    });

    it('refuses an expired flow', async () => {
      const before = await userCount();
      const client = opened.client();
      const start = await client.postForm('/signin/alpha');
      const callback = await signInAtProvider(start.headers.get('Location') ?? '', {
        login: uniqueSub(),
      });
      const id = createHash('sha256').update(String(client.flowCookie)).digest('hex');
      await opened.db
        .updateTable('auth_flow')
        .set({ expires_at_ms: Date.now() - 1000 })
        .where('id', '=', id)
        .execute();
      await expectRefused(
        await client.get(callback.pathname + callback.search),
        400,
        before,
        /expired or was already used/,
      );
    });

    it('uses a flow once: its callback replayed gets nothing, also when two arrive at once', async () => {
      const client = opened.client();
      const start = await client.postForm('/signin/alpha');
      const flowCookie = client.flowCookie;
      const callback = await signInAtProvider(start.headers.get('Location') ?? '', {
        login: uniqueSub(),
      });
      const path = callback.pathname + callback.search;
      const first = await client.get(path);
      expect(first.status).toBe(303);
      const before = await userCount();
      const replay = opened.client();
      replay.flowCookie = flowCookie;
      await expectRefused(await replay.get(path), 400, before, /expired or was already used/);

      // Two callbacks of one flow at once: one at most goes through.
      const racer = opened.client();
      const raced = await signInAtProvider(
        (await racer.postForm('/signin/alpha')).headers.get('Location') ?? '',
        { login: uniqueSub() },
      );
      const twins = [opened.client(), opened.client()];
      for (const twin of twins) twin.flowCookie = racer.flowCookie;
      const answers = await Promise.all(
        twins.map((twin) => twin.get(raced.pathname + raced.search)),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([303, 400]);
    });

    it('answers the provider’s access_denied with an error page, and creates nothing', async () => {
      const before = await userCount();
      const response = await continueWith(opened.client(), 'alpha', undefined);
      await expectRefused(response, 400, before, /did not sign you in/);
    });

    it('refuses an ID token for another audience, with a wrong nonce, or with a forged signature', async () => {
      const before = await userCount();
      for (const mode of ['audience', 'signature'] as const) {
        alpha.misbehave(mode);
        try {
          const response = await continueWith(opened.client(), 'alpha', uniqueSub());
          await expectRefused(response, 400, before, /could not be verified/);
        } finally {
          alpha.misbehave(null);
        }
      }
      // The provider signs a token with the nonce it was sent: here another one.
      const response = await continueWith(opened.client(), 'alpha', uniqueSub(), {
        alter: (url) => url.searchParams.set('nonce', 'a-nonce-this-flow-never-made'),
      });
      await expectRefused(response, 400, before, /could not be verified/);
    });

    it('answers a code that does not exchange with an error page', async () => {
      const before = await userCount();
      const response = await continueWith(opened.client(), 'alpha', uniqueSub(), {
        editCallback: (url) => url.searchParams.set('code', 'a-code-the-provider-never-gave'),
      });
      await expectRefused(response, 400, before, /did not confirm this sign-in/);
    });

    it('serves passwords while a provider is down at start, then fetches its discovery again', async () => {
      const gamma = await startTestProvider({ clients: [clientOf('gamma')] });
      await gamma.stop();
      const app = await harness.open({ poolSize: 2, providers: [configOf('gamma', gamma)] });
      const client = app.client();
      const down = await client.postForm('/signin/gamma');
      expect(down.status).toBe(503);
      expect(await down.text()).toMatch(/cannot be reached right now/);
      const signup = await client.post('/api/signup', {
        username: uniqueUsername(),
        password: goodPassword,
      });
      expect(signup.status).toBe(201);
      await gamma.start();
      try {
        const up = await continueWith(app.client(), 'gamma', uniqueSub());
        expect(up.status).toBe(303);
      } finally {
        await gamma.stop();
      }
    });

    it('answers 503 when the provider is down at the callback; passwords still work', async () => {
      const delta = await startTestProvider({ clients: [clientOf('delta')] });
      const app = await harness.open({ poolSize: 2, providers: [configOf('delta', delta)] });
      const client = app.client();
      const start = await client.postForm('/signin/delta');
      const callback = await signInAtProvider(start.headers.get('Location') ?? '', {
        login: uniqueSub(),
      });
      await delta.stop();
      const before = await userCount(app);
      const response = await client.get(callback.pathname + callback.search);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/cannot be reached right now/);
      expect(await userCount(app)).toBe(before);
      const signup = await client.post('/api/signup', {
        username: uniqueUsername(),
        password: goodPassword,
      });
      expect(signup.status).toBe(201);
    });
  });

  describe(`${harness.dialect.name}: provider pages`, () => {
    it('lists the ways to sign in on /account, sets a first password and unlinks by form', async () => {
      const client = opened.client();
      await continueWith(client, 'alpha', uniqueSub());
      const page = await (await client.get('/account')).text();
      expect(page).toContain('Ways to sign in');
      expect(page).toContain('Set a password');
      expect(page).not.toContain('name="currentPassword"');
      expect(page).toContain('<form method="post" action="/signin/beta">');
      // The only way in has no Unlink button.
      expect(page).not.toContain('Unlink Alpha ID');

      const set = await client.postForm('/account/password', {
        newPassword: 'my first password here',
      });
      expect(set.status).toBe(303);
      expect(set.headers.get('Location')).toBe('/account?done=password-set');
      const after = await (await client.get('/account?done=password-set')).text();
      expect(after).toContain('Your password is set');
      expect(after).toContain('name="currentPassword"');
      expect(after).toContain('Unlink Alpha ID');
      const again = await client.postForm('/account/password', {
        newPassword: 'another new password',
      });
      expect(again.status).toBe(400);
      expect(await again.text()).toMatch(/id="currentPassword-error">Enter your current password/);

      const unlinked = await client.postForm('/account/identities/unlink', { provider: 'alpha' });
      expect(unlinked.status).toBe(303);
      expect(unlinked.headers.get('Location')).toBe('/account?done=provider-unlinked');
      const missing = await client.postForm('/account/identities/unlink', { provider: 'alpha' });
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('not linked to your account');
    });

    it.each([
      [{ AUTH_PROVIDERS: 'Git-Lab' }, 'AUTH_PROVIDERS'],
      [{ AUTH_PROVIDERS: 'gitlab' }, 'AUTH_GITLAB_ISSUER'],
      [
        {
          AUTH_PROVIDERS: 'gitlab',
          AUTH_GITLAB_ISSUER: 'http://gitlab.example.com',
          AUTH_GITLAB_CLIENT_ID: 'id',
          AUTH_GITLAB_CLIENT_SECRET: 'a-secret-value-9f8e',
        },
        'AUTH_GITLAB_ISSUER',
      ],
      [
        {
          AUTH_PROVIDERS: 'gitlab',
          AUTH_GITLAB_ISSUER: 'not-a-url',
          AUTH_GITLAB_CLIENT_ID: 'id',
          AUTH_GITLAB_CLIENT_SECRET: 'a-secret-value-9f8e',
        },
        'AUTH_GITLAB_ISSUER',
      ],
    ])(
      'stops the app at start on %o with one line naming %s, never the secret',
      async (env, variable) => {
        const run = startAppProcess(harness.options.main, env);
        expect(await run.exited).toBe(1);
        const lines = run.output().trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(variable);
        expect(run.output()).not.toContain('a-secret-value-9f8e');
      },
    );
  });

  describe(`${harness.dialect.name}: accounts made through a provider`, () => {
    it('derives the username from the claims, dropping what the policy refuses and suffixing one that is taken', async () => {
      const taken = uniqueUsername('taken');
      await opened.client().post('/api/signup', { username: taken, password: goodPassword });
      const cases: { claims: { preferred_username?: string; email?: string }; expected: RegExp }[] =
        [
          {
            claims: { preferred_username: taken.toUpperCase() },
            expected: new RegExp(`^${taken}-\\d+$`),
          },
          {
            claims: { preferred_username: '李', email: `Mail.${taken}@example.test` },
            expected: new RegExp(`^mail${taken}$`),
          },
          {
            claims: { preferred_username: 'Zoë Smith 🙂', email: 'z@example.test' },
            expected: /^zosmith(-\d+)?$/,
          },
          { claims: {}, expected: /^alpha(-\d+)?$/ },
          { claims: {}, expected: /^alpha-\d+$/ },
          {
            claims: { preferred_username: `${'w'.repeat(30)}${taken}` },
            expected: /^w{30}[a-z0-9_]$/,
          },
          {
            claims: { preferred_username: `${'w'.repeat(30)}${taken}` },
            expected: /^w{20,26}-\d{4,10}$/,
          },
        ];
      for (const { claims, expected } of cases) {
        const sub = uniqueSub();
        alpha.accounts.set(sub, { sub, ...claims });
        const client = opened.client();
        expect((await continueWith(client, 'alpha', sub)).status).toBe(303);
        const { username } = await me(client);
        expect(username, JSON.stringify(claims)).toMatch(expected);
        expect(username).toMatch(/^[a-z0-9_-]{3,31}$/);
      }
    });

    it('counts accounts made through a provider against RATE_LIMIT_SIGNUP_IP; returning users are not throttled', async () => {
      const app = await harness.open({
        poolSize: 2,
        limits: { signinPerAddress: 10, signupPerAddress: 2 },
        providers: [configOf('alpha', alpha, 'Alpha ID')],
      });
      const address = '198.51.100.7';
      const clientAt = () => {
        const client = app.client();
        client.address = address;
        return client;
      };
      const first = uniqueSub();
      expect((await continueWith(clientAt(), 'alpha', first)).status).toBe(303);
      expect((await continueWith(clientAt(), 'alpha', uniqueSub())).status).toBe(303);
      const before = await userCount(app);
      const throttled = await continueWith(clientAt(), 'alpha', uniqueSub());
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await throttled.text()).toMatch(/Too many accounts/);
      expect(await userCount(app)).toBe(before);
      expect((await continueWith(clientAt(), 'alpha', first)).status).toBe(303);
      // Password sign-ups from that address count the same accounts.
      const signup = await clientAt().post('/api/signup', {
        username: uniqueUsername(),
        password: goodPassword,
      });
      expect(signup.status).toBe(429);
    });

    it('limits the provider sign-ins one address starts to RATE_LIMIT_PROVIDER_IP in 10 minutes: then 429, and no flow kept', async () => {
      const app = await harness.open({
        poolSize: 2,
        providers: [configOf('alpha', alpha)],
        limits: { providerFlowsPerAddress: 3 },
      });
      const client = app.client();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await client.postForm('/signin/alpha')).status);
      expect(statuses).toEqual([303, 303, 303, 429]);
      const refused = await client.postForm('/signin/alpha');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await refused.text()).toMatch(/Too many sign-ins were started from your address/);
      expect(await app.db.selectFrom('auth_flow').select('id').execute()).toHaveLength(3);
      expect((await app.client().postForm('/signin/alpha')).status).toBe(303);
    });

    it('deletes flows past their 10 minutes at housekeeping, and keeps the others', async () => {
      const client = opened.client();
      await client.postForm('/signin/alpha');
      const live = createHash('sha256').update(String(client.flowCookie)).digest('hex');
      // More than one batch of the sweep's, which deletes a few at a time.
      const expired = Array.from({ length: 1200 }, (_, i) => ({
        id: `${String(i).padStart(4, '0')}${'f'.repeat(60)}`,
        provider: 'alpha',
        state: 's',
        code_verifier: 'v',
        nonce: 'n',
        link_user_id: null,
        expires_at_ms: Date.now() - 1000 - i,
      }));
      await opened.db.insertInto('auth_flow').values(expired).execute();
      await runHousekeeping(opened.db);
      const ids = (await opened.db.selectFrom('auth_flow').select('id').execute()).map(
        (row) => row.id,
      );
      expect(ids).toContain(live);
      expect(ids.filter((id) => id.endsWith('f'.repeat(60)))).toEqual([]);
    });

    it('logs each outcome, and never a code, a token, the client secret or the flow cookie', async () => {
      const app = await harness.open({
        poolSize: 2,
        providers: [configOf('alpha', alpha, 'Alpha ID'), configOf('beta', beta)],
      });
      const secrets: string[] = [clientSecret];
      const responsesBefore = alpha.tokenResponses.length + beta.tokenResponses.length;
      const client = app.client();
      const keep = (callback: URL) => {
        secrets.push(callback.searchParams.get('code') ?? '', String(client.flowCookie));
      };
      for (const [name, login] of [
        ['alpha', uniqueSub()],
        ['beta', uniqueSub()],
      ] as const) {
        const start = await client.postForm(`/signin/${name}`);
        const callback = await signInAtProvider(start.headers.get('Location') ?? '', { login });
        keep(callback);
        expect((await client.get(callback.pathname + callback.search)).status).toBe(303);
      }
      // A failure too: a callback replayed.
      const fresh = app.client();
      const start = await fresh.postForm('/signin/alpha');
      const callback = await signInAtProvider(start.headers.get('Location') ?? '', {
        login: uniqueSub(),
      });
      secrets.push(callback.searchParams.get('code') ?? '', String(fresh.flowCookie));
      const replayed = app.client();
      replayed.flowCookie = fresh.flowCookie;
      expect((await fresh.get(callback.pathname + callback.search)).status).toBe(303);
      expect((await replayed.get(callback.pathname + callback.search)).status).toBe(400);
      expect(await client.delete('/api/identities/beta')).toHaveProperty('status', 204);

      const responses = [...alpha.tokenResponses, ...beta.tokenResponses];
      expect(responses.length - responsesBefore).toBeGreaterThanOrEqual(3);
      for (const response of responses) {
        for (const name of ['access_token', 'id_token', 'refresh_token']) {
          if (typeof response[name] === 'string') secrets.push(response[name] as string);
        }
      }
      const lines = app.logLines();
      const everything = lines.join('\n');
      for (const secret of secrets.filter((value) => value.length > 8)) {
        expect(everything).not.toContain(secret);
      }
      // No request line carries a query string.
      expect(everything).not.toMatch(/callback\?/);
      const events = lines.map((line) => JSON.parse(line).event).filter(Boolean);
      expect(events).toEqual(
        expect.arrayContaining([
          'provider_signup',
          'provider_linked',
          'provider_signin_failed',
          'provider_unlinked',
        ]),
      );
    });
  });
}
