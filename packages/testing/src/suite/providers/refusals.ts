import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../../harness.ts';
import {
  callbackOf,
  clientOf,
  configOf,
  continueWith,
  uniqueSub,
} from '../../oidc/provider-fixtures.ts';
import { startTestProvider } from '../../oidc/start-test-provider.ts';
import type { TestProviders } from './use-test-providers.ts';

/**
 * A provider sign-in that fails (no flow, a wrong state, an expired or
 * replayed flow, a bad token, a provider down) answers an error page and
 * creates nothing.
 */
export function describeProviderRefusals(harness: Harness, providers: TestProviders) {
  const { userCount, expectRefused } = providers;

  /** The error page of a callback whose flow is gone (never there, expired or used). */
  function expectFlowGone(response: Response, before: number) {
    return expectRefused(response, 400, before, /expired or was already used/);
  }

  describe(`${harness.dialect.name}: a provider sign-in that fails`, () => {
    it('refuses a callback with no flow cookie, or a planted one, and creates nothing', async () => {
      const before = await userCount();
      const client = providers.opened.client();
      const callback = await callbackOf(client, 'alpha', uniqueSub());
      const stranger = providers.opened.client();
      await expectFlowGone(await stranger.get(callback.pathname + callback.search), before);
      stranger.flowCookie = 'planted-by-an-attacker-0123';
      await expectFlowGone(await stranger.get(callback.pathname + callback.search), before);
    });

    it('refuses a mismatched or missing state', async () => {
      const before = await userCount();
      for (const edit of [
        (url: URL) => url.searchParams.set('state', 'not-the-state-of-this-flow'),
        (url: URL) => url.searchParams.delete('state'),
      ]) {
        const response = await continueWith(providers.opened.client(), 'alpha', uniqueSub(), {
          editCallback: edit,
        });
        await expectRefused(response, 400, before, /does not belong to this sign-in/);
      }
    });

    it('refuses an expired flow', async () => {
      const before = await userCount();
      const client = providers.opened.client();
      const callback = await callbackOf(client, 'alpha', uniqueSub());
      const id = createHash('sha256').update(String(client.flowCookie)).digest('hex');
      await providers.opened.db
        .updateTable('auth_flow')
        .set({ expires_at_ms: Date.now() - 1000 })
        .where('id', '=', id)
        .execute();
      await expectFlowGone(await client.get(callback.pathname + callback.search), before);
    });

    it('uses a flow once: its callback replayed gets nothing, also when two arrive at once', async () => {
      const client = providers.opened.client();
      const callback = await callbackOf(client, 'alpha', uniqueSub());
      const flowCookie = client.flowCookie;
      const path = callback.pathname + callback.search;
      const first = await client.get(path);
      expect(first.status).toBe(303);
      const before = await userCount();
      const replay = providers.opened.client();
      replay.flowCookie = flowCookie;
      await expectFlowGone(await replay.get(path), before);

      // Two callbacks of one flow at once: one at most goes through.
      const racer = providers.opened.client();
      const raced = await callbackOf(racer, 'alpha', uniqueSub());
      const twins = [providers.opened.client(), providers.opened.client()];
      for (const twin of twins) twin.flowCookie = racer.flowCookie;
      const answers = await Promise.all(
        twins.map((twin) => twin.get(raced.pathname + raced.search)),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([303, 400]);
    });

    it('answers the provider’s access_denied with an error page, and creates nothing', async () => {
      const before = await userCount();
      const response = await continueWith(providers.opened.client(), 'alpha', undefined);
      await expectRefused(response, 400, before, /did not sign you in/);
    });

    it('refuses an ID token for another audience, with a wrong nonce, or with a forged signature', async () => {
      const before = await userCount();
      for (const mode of ['audience', 'signature'] as const) {
        providers.alpha.misbehave(mode);
        try {
          const response = await continueWith(providers.opened.client(), 'alpha', uniqueSub());
          await expectRefused(response, 400, before, /could not be verified/);
        } finally {
          providers.alpha.misbehave(null);
        }
      }
      // The provider signs a token with the nonce it was sent: here another one.
      const response = await continueWith(providers.opened.client(), 'alpha', uniqueSub(), {
        alter: (url) => url.searchParams.set('nonce', 'a-nonce-this-flow-never-made'),
      });
      await expectRefused(response, 400, before, /could not be verified/);
    });

    it('answers a code that does not exchange with an error page', async () => {
      const before = await userCount();
      const response = await continueWith(providers.opened.client(), 'alpha', uniqueSub(), {
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
      const callback = await callbackOf(client, 'delta', uniqueSub());
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
}
