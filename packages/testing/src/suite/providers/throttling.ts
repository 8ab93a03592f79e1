import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../../harness.ts';
import { configOf, continueWith, uniqueSub } from '../../oidc/provider-fixtures.ts';
import type { TestProviders } from './use-test-providers.ts';

/** The rate limits that apply to provider sign-ins and the accounts they make. */
export function describeProviderThrottling(harness: Harness, providers: TestProviders) {
  const { userCount } = providers;

  describe(`${harness.dialect.name}: accounts made through a provider`, () => {
    it('counts accounts made through a provider against RATE_LIMIT_SIGNUP_IP; returning users are not throttled', async () => {
      const app = await harness.open({
        poolSize: 2,
        limits: { signinPerAddress: 10, signupPerAddress: 2 },
        providers: [configOf('alpha', providers.alpha, 'Alpha ID')],
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
        providers: [configOf('alpha', providers.alpha)],
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
  });
}
