import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../../harness.ts';
import { continueWith, uniqueSub } from '../../oidc/provider-fixtures.ts';
import { jsonOf, sessionCookieOf } from '../../test-client.ts';
import type { TestProviders } from './use-test-providers.ts';

/**
 * A provider's callback signs a new user up (its username derived from the
 * claims) or a returning one in.
 */
export function describeProviderSignUp(harness: Harness, providers: TestProviders) {
  const { userCount, keysOf, me } = providers;

  describe(`${harness.dialect.name}: signing in through a provider`, () => {
    it('signs a new user up: user and key <provider>:<sub> with no hash, a session, 303 to /account', async () => {
      const sub = uniqueSub();
      const name = uniqueUsername('Neo');
      providers.alpha.accounts.set(sub, {
        sub,
        preferred_username: name,
        email: `${sub}@example.test`,
      });
      const client = providers.opened.client();
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
      const flows = await providers.opened.db.selectFrom('auth_flow').select('id').execute();
      expect(flows.map((flow) => flow.id)).not.toContain(
        createHash('sha256').update(String(client.flowCookie)).digest('hex'),
      );
    });

    it('reads the claims from UserInfo when the ID token has none (Beta)', async () => {
      const sub = uniqueSub();
      const name = uniqueUsername('info');
      providers.beta.accounts.set(sub, { sub, preferred_username: name });
      const client = providers.opened.client();
      expect((await continueWith(client, 'beta', sub)).status).toBe(303);
      expect((await me(client)).username).toBe(name);
    });

    it('signs a returning user in to the same account, and a 255-character sub works', async () => {
      const sub = uniqueSub('x'.repeat(200)).padEnd(255, 'y');
      providers.alpha.accounts.set(sub, { sub, preferred_username: uniqueUsername('back') });
      const first = providers.opened.client();
      await continueWith(first, 'alpha', sub);
      const user = await me(first);
      const before = await userCount();
      const again = providers.opened.client();
      const response = await continueWith(again, 'alpha', sub);
      expect(response.status).toBe(303);
      expect((await me(again)).id).toBe(user.id);
      expect(await userCount()).toBe(before);
      expect(await keysOf(user.id)).toEqual([{ id: `alpha:${sub}`, hashed_password: null }]);
    });
  });

  describe(`${harness.dialect.name}: accounts made through a provider`, () => {
    it('derives the username from the claims, dropping what the policy refuses and suffixing one that is taken', async () => {
      const taken = uniqueUsername('taken');
      await providers.opened
        .client()
        .post('/api/signup', { username: taken, password: goodPassword });
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
        providers.alpha.accounts.set(sub, { sub, ...claims });
        const client = providers.opened.client();
        expect((await continueWith(client, 'alpha', sub)).status).toBe(303);
        const { username } = await me(client);
        expect(username, JSON.stringify(claims)).toMatch(expected);
        expect(username).toMatch(/^[a-z0-9_-]{3,31}$/);
      }
    });
  });
}
