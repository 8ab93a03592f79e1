import { describe, expect, it } from 'vitest';
import type { Harness } from '../../harness.ts';
import { continueWith, uniqueSub } from '../../oidc/provider-fixtures.ts';
import { jsonOf, sessionCookieOf } from '../../test-client.ts';
import type { TestProviders } from './use-test-providers.ts';

/** A user made through a provider sets a first password, by the API and on /account. */
export function describeProviderFirstPassword(harness: Harness, providers: TestProviders) {
  const { me } = providers;

  describe(`${harness.dialect.name}: signing in through a provider`, () => {
    it('lets a provider-only user set a first password, then sign in with it; a user with one must give it', async () => {
      const client = providers.opened.client();
      const sub = uniqueSub();
      await continueWith(client, 'alpha', sub);
      const user = await me(client);
      const elsewhere = providers.opened.client();
      elsewhere.cookie = client.cookie;
      const other = providers.opened.client();
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

      const signin = await providers.opened.client().post('/api/signin', {
        username: user.username,
        password: newPassword,
      });
      expect(signin.status).toBe(200);

      const again = await client.post('/api/password', { newPassword: 'another new password' });
      expect(again.status).toBe(400);
      const body = await jsonOf(again);
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.fields).toHaveProperty('currentPassword');
      const stillOld = await providers.opened.client().post('/api/signin', {
        username: user.username,
        password: newPassword,
      });
      expect(stillOld.status).toBe(200);
    });
  });

  describe(`${harness.dialect.name}: provider pages`, () => {
    it('lists the ways to sign in on /account, sets a first password and unlinks by form', async () => {
      const client = providers.opened.client();
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
  });
}
