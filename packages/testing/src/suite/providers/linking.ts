import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../../harness.ts';
import { callbackOf, continueWith, uniqueSub } from '../../oidc/provider-fixtures.ts';
import { jsonOf } from '../../test-client.ts';
import type { TestProviders } from './use-test-providers.ts';

/**
 * A signed-in user links a provider, and unlinks it unless it is the last
 * way to sign in; an identity stays with the user it is linked to.
 */
export function describeProviderLinking(harness: Harness, providers: TestProviders) {
  const { userCount, keysOf, me, expectRefused } = providers;

  describe(`${harness.dialect.name}: signing in through a provider`, () => {
    it('links a provider to the signed-in user, who can then sign in through it', async () => {
      const client = providers.opened.client();
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

      const elsewhere = providers.opened.client();
      await continueWith(elsewhere, 'beta', sub);
      expect((await me(elsewhere)).id).toBe(user.id);
      // Linking the same identity again changes nothing.
      expect((await continueWith(client, 'beta', sub)).status).toBe(303);
      expect(await keysOf(user.id)).toHaveLength(2);
    });

    it('refuses a link to an identity of another user with identity_taken (409), and moves nothing', async () => {
      const sub = uniqueSub();
      const owner = providers.opened.client();
      await continueWith(owner, 'alpha', sub);
      const ownerUser = await me(owner);
      const other = providers.opened.client();
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
      const linking = providers.opened.client();
      await linking.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const callback = await callbackOf(linking, 'alpha', uniqueSub());
      // Another user's browser arrives with that flow's cookie.
      const intruder = providers.opened.client();
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
      const client = providers.opened.client();
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
      expect((await providers.opened.client().delete('/api/identities/beta')).status).toBe(401);
    });
  });
}
