import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { continueWith, uniqueSub } from '../oidc/provider-fixtures.ts';
import { jsonOf, sessionRowId, type TestClient } from '../test-client.ts';
import { useTestProviders } from './providers/use-test-providers.ts';

const minute = 60_000;

/**
 * docs/API.md, "Recent authentication": setting a first password, linking
 * and unlinking a provider need a proof of identity within 10 minutes, so
 * that a stolen session cookie cannot be turned into a lasting way in.
 */
export function describeRecentAuthentication(harness: Harness) {
  // Two wrong passwords per address, so that the third answer is 429.
  const providers = useTestProviders(harness, { limits: { signinPerAddress: 2 } });

  /** The session's last proof of identity moved `minutes` back: a cookie stolen that much later. */
  async function age(client: TestClient, minutes = 11) {
    await providers.opened.db
      .updateTable('session')
      .set({ authenticated_at: new Date(Date.now() - minutes * minute) })
      .where('id', '=', sessionRowId(client.cookie))
      .execute();
  }

  async function me(client: TestClient) {
    return jsonOf(await client.get('/api/me'));
  }

  async function keysOf(userId: string) {
    const rows = await providers.opened.db
      .selectFrom('key')
      .select(['id', 'hashed_password'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ id: row.id, password: row.hashed_password !== null }));
  }

  async function flowCount() {
    return (await providers.opened.db.selectFrom('auth_flow').select('id').execute()).length;
  }

  async function expectReauthenticationRequired(response: Response) {
    expect(response.status).toBe(403);
    expect((await jsonOf(response)).error.code).toBe('reauthentication_required');
  }

  /** A new account with a password, signed in on a client of its own. */
  async function passwordUser() {
    const client = providers.opened.client();
    const username = uniqueUsername();
    await client.post('/api/signup', { username, password: goodPassword });
    return { client, username, user: (await me(client)).user };
  }

  /** A new account made through Alpha, with no password. */
  async function providerUser() {
    const client = providers.opened.client();
    const sub = uniqueSub();
    providers.alpha.accounts.set(sub, { sub, preferred_username: uniqueUsername('ra') });
    await continueWith(client, 'alpha', sub);
    return { client, sub, user: (await me(client)).user };
  }

  describe(`${harness.dialect.name}: recent authentication`, () => {
    it('records when the session last proved who it is: at sign-up, at sign-in, and on /api/me', async () => {
      const before = Date.now() - 1000;
      const { client, username } = await passwordUser();
      const signedUp = Date.parse((await me(client)).session.authenticatedAt);
      expect(signedUp).toBeGreaterThanOrEqual(before);
      expect(signedUp).toBeLessThanOrEqual(Date.now() + 1000);
      // In whole seconds on every dialect, cut rather than rounded (sessions.ts).
      expect(signedUp % 1000).toBe(0);
      const other = providers.opened.client();
      await other.post('/api/signin', { username, password: goodPassword });
      expect(Date.parse((await me(other)).session.authenticatedAt)).toBeGreaterThanOrEqual(before);
    });

    it('refuses a stolen cookie of a provider-only account a first password and an unlink: 403 reauthentication_required, nothing changes', async () => {
      const { client, user } = await providerUser();
      // Within 10 minutes the owner may link a second provider...
      await age(client, 9);
      expect((await continueWith(client, 'beta', uniqueSub())).status).toBe(303);
      const keys = await keysOf(user.id);
      expect(keys.map((key) => key.id.split(':')[0])).toEqual(['alpha', 'beta']);
      // ...but a cookie used later is no proof of who holds it.
      await age(client);
      await expectReauthenticationRequired(
        await client.post('/api/password', { newPassword: 'a thief chose this one' }),
      );
      await expectReauthenticationRequired(await client.delete('/api/identities/alpha'));
      expect(await keysOf(user.id)).toEqual(keys);
      const signin = await providers.opened.client().post('/api/signin', {
        username: user.username,
        password: 'a thief chose this one',
      });
      expect(signin.status).toBe(401);
    });

    it('refuses a stolen cookie of a password account a link: no flow starts until the password is given again', async () => {
      const { client, user } = await passwordUser();
      await age(client);
      const flows = await flowCount();
      const start = await client.postForm('/signin/beta');
      expect(start.status).toBe(403);
      expect(await start.text()).toMatch(/Confirm it is you/);
      expect(await flowCount()).toBe(flows);

      const wrong = await client.post('/api/reauthenticate', { password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect((await jsonOf(wrong)).error.code).toBe('invalid_credentials');
      expect((await client.postForm('/signin/beta')).status).toBe(403);

      const stale = Date.parse((await me(client)).session.authenticatedAt);
      const right = await client.post('/api/reauthenticate', { password: goodPassword });
      expect(right.status).toBe(204);
      expect(Date.parse((await me(client)).session.authenticatedAt)).toBeGreaterThan(
        stale + 10 * minute,
      );
      expect((await continueWith(client, 'beta', uniqueSub())).status).toBe(303);
      expect((await keysOf(user.id)).map((key) => key.id.split(':')[0])).toEqual([
        'beta',
        'username',
      ]);
    });

    it('still takes a password change with the current password, however old the session', async () => {
      const { client } = await passwordUser();
      await age(client, 60);
      const change = await client.post('/api/password', {
        currentPassword: goodPassword,
        newPassword: 'a brand new passphrase',
      });
      expect(change.status).toBe(204);
    });

    it('counts wrong passwords at POST /api/reauthenticate like sign-ins, and refuses an account with no password', async () => {
      const { client } = await passwordUser();
      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        answers.push((await client.post('/api/reauthenticate', { password: `wrong ${i}` })).status);
      }
      expect(answers).toEqual([401, 401, 429]);
      const { client: providerOnly } = await providerUser();
      const none = await providerOnly.post('/api/reauthenticate', { password: goodPassword });
      expect(none.status).toBe(401);
      expect(
        (await providers.opened.client().post('/api/reauthenticate', { password: 'x' })).status,
      ).toBe(401);
    });

    it('takes the provider again as the proof only when it brings back an identity linked to the caller', async () => {
      const { client, sub, user } = await providerUser();
      await age(client);
      const stale = (await me(client)).session.authenticatedAt;
      const users = (await providers.opened.db.selectFrom('user').select('id').execute()).length;

      // Another identity at the provider: an error page, and nothing changes.
      const stranger = uniqueSub();
      const refused = await continueWith(client, 'alpha', stranger, {
        fields: { reauthenticate: '1' },
      });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/not linked to your account/);
      const after = await me(client);
      expect(after.user.id).toBe(user.id);
      expect(after.session.authenticatedAt).toBe(stale);
      expect((await providers.opened.db.selectFrom('user').select('id').execute()).length).toBe(
        users,
      );
      expect(await keysOf(user.id)).toEqual([{ id: `alpha:${sub}`, password: false }]);

      const confirmed = await continueWith(client, 'alpha', sub, {
        fields: { reauthenticate: '1' },
      });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.get('Location')).toBe('/account?done=reauthenticated');
      expect(Date.parse((await me(client)).session.authenticatedAt)).toBeGreaterThan(
        Date.parse(stale),
      );
      const set = await client.post('/api/password', { newPassword: 'my first password here' });
      expect(set.status).toBe(204);
    });

    it('asks again on the account page: the password form, or the provider for an account without one', async () => {
      const { client } = await passwordUser();
      await age(client);
      const refused = await client.postForm('/signin/beta');
      const page = await refused.text();
      expect(page).toContain('<form method="post" action="/account/reauthenticate">');
      expect(page).toContain('name="password"');
      const wrong = await client.postForm('/account/reauthenticate', { password: 'nope nope' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('That is not your password.');
      const right = await client.postForm('/account/reauthenticate', { password: goodPassword });
      expect(right.status).toBe(303);
      expect(right.headers.get('Location')).toBe('/account?done=reauthenticated');
      expect(await (await client.get('/account?done=reauthenticated')).text()).toContain(
        'You confirmed it is you',
      );
      expect((await client.postForm('/signin/beta')).status).toBe(303);

      const { client: providerOnly } = await providerUser();
      await age(providerOnly);
      const set = await providerOnly.postForm('/account/password', {
        newPassword: 'my first password here',
      });
      expect(set.status).toBe(403);
      const asked = await set.text();
      expect(asked).not.toContain('action="/account/reauthenticate"');
      expect(asked).toContain('<input type="hidden" name="reauthenticate" value="1"/>');
      expect(asked).toContain('Continue with Alpha');
    });
  });
}
