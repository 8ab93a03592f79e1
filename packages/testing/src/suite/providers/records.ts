import { createHash } from 'node:crypto';
import { runHousekeeping } from '@repo/auth/housekeeping';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../../harness.ts';
import { callbackOf, clientSecret, configOf, uniqueSub } from '../../oidc/provider-fixtures.ts';
import type { TestProviders } from './use-test-providers.ts';

/** What a provider sign-in leaves behind: flows swept at housekeeping, and log lines without a secret. */
export function describeProviderRecords(harness: Harness, providers: TestProviders) {
  describe(`${harness.dialect.name}: accounts made through a provider`, () => {
    it('deletes flows past their 10 minutes at housekeeping, and keeps the others', async () => {
      const client = providers.opened.client();
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
      await providers.opened.db.insertInto('auth_flow').values(expired).execute();
      await runHousekeeping(providers.opened.db);
      const ids = (await providers.opened.db.selectFrom('auth_flow').select('id').execute()).map(
        (row) => row.id,
      );
      expect(ids).toContain(live);
      expect(ids.filter((id) => id.endsWith('f'.repeat(60)))).toEqual([]);
    });

    it('logs each outcome, and never a code, a token, the client secret or the flow cookie', async () => {
      const app = await harness.open({
        poolSize: 2,
        providers: [
          configOf('alpha', providers.alpha, 'Alpha ID'),
          configOf('beta', providers.beta),
        ],
      });
      const secrets: string[] = [clientSecret];
      const responsesBefore =
        providers.alpha.tokenResponses.length + providers.beta.tokenResponses.length;
      const client = app.client();
      const keep = (callback: URL) => {
        secrets.push(callback.searchParams.get('code') ?? '', String(client.flowCookie));
      };
      for (const [name, login] of [
        ['alpha', uniqueSub()],
        ['beta', uniqueSub()],
      ] as const) {
        const callback = await callbackOf(client, name, login);
        keep(callback);
        expect((await client.get(callback.pathname + callback.search)).status).toBe(303);
      }
      // A failure too: a callback replayed.
      const fresh = app.client();
      const callback = await callbackOf(fresh, 'alpha', uniqueSub());
      secrets.push(callback.searchParams.get('code') ?? '', String(fresh.flowCookie));
      const replayed = app.client();
      replayed.flowCookie = fresh.flowCookie;
      expect((await fresh.get(callback.pathname + callback.search)).status).toBe(303);
      expect((await replayed.get(callback.pathname + callback.search)).status).toBe(400);
      expect(await client.delete('/api/identities/beta')).toHaveProperty('status', 204);

      const responses = [...providers.alpha.tokenResponses, ...providers.beta.tokenResponses];
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
