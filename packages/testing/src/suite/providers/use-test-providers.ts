import { afterAll, beforeAll, expect } from 'vitest';
import type { Harness, OpenAppOptions, OpenedApp } from '../../harness.ts';
import { clientOf, configOf } from '../../oidc/provider-fixtures.ts';
import { startTestProvider, type TestProvider } from '../../oidc/start-test-provider.ts';
import { jsonOf, sessionCookieOf, type TestClient } from '../../test-client.ts';

export interface TestProviders {
  /** Puts the profile claims in the ID token; its button says "Alpha ID". */
  readonly alpha: TestProvider;
  /** Gives the profile claims only at UserInfo. */
  readonly beta: TestProvider;
  /** An app on a database of its own that offers both. */
  readonly opened: OpenedApp;
  /** How many users `app` has. */
  userCount(app?: OpenedApp): Promise<number>;
  /** The user's keys (`<provider>:<sub>`, `username:<name>`), in id order. */
  keysOf(
    userId: string,
    app?: OpenedApp,
  ): Promise<{ id: string; hashed_password: string | null }[]>;
  /** The signed-in user of `client`, or `null`. */
  // biome-ignore lint/suspicious/noExplicitAny: the body of /api/me, as the tests read it
  me(client: TestClient): Promise<any>;
  /** Expects an error page with `status` that creates no user and sets no session. */
  expectRefused(
    response: Response,
    status: number,
    before: number,
    sentence: RegExp,
  ): Promise<void>;
}

/**
 * The setup the provider tests share: starts the test providers Alpha and
 * Beta and opens an app that offers both before the tests of the calling
 * scope, and stops them after. Its fields are set once `beforeAll` has run:
 * read them inside tests.
 *
 * @example
 * const providers = useTestProviders(harness);
 * it('…', async () => {
 *   await continueWith(providers.opened.client(), 'alpha', uniqueSub());
 * });
 */
export function useTestProviders(
  harness: Harness,
  options: Pick<OpenAppOptions, 'limits' | 'mail' | 'encryptionKey'> = {},
): TestProviders {
  let alpha: TestProvider | undefined;
  let beta: TestProvider | undefined;
  let opened: OpenedApp | undefined;

  beforeAll(async () => {
    alpha = await startTestProvider({ clients: [clientOf('alpha')], claimsInIdToken: true });
    beta = await startTestProvider({ clients: [clientOf('beta')] });
    opened = await harness.open({
      ...options,
      providers: [configOf('alpha', alpha, 'Alpha ID'), configOf('beta', beta)],
    });
  });
  afterAll(async () => {
    await alpha?.stop();
    await beta?.stop();
  });

  function started<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('the test providers start in beforeAll');
    return value;
  }

  const providers: TestProviders = {
    get alpha() {
      return started(alpha);
    },
    get beta() {
      return started(beta);
    },
    get opened() {
      return started(opened);
    },
    async userCount(app = providers.opened) {
      const rows = await app.db.selectFrom('user').select('id').execute();
      return rows.length;
    },
    keysOf(userId, app = providers.opened) {
      return app.db
        .selectFrom('key')
        .select(['id', 'hashed_password'])
        .where('user_id', '=', userId)
        .orderBy('id')
        .execute();
    },
    async me(client) {
      const response = await client.get('/api/me');
      return response.status === 200 ? (await jsonOf(response)).user : null;
    },
    async expectRefused(response, status, before, sentence) {
      expect(response.status).toBe(status);
      expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toMatch(sentence);
      expect(html).toMatch(/<a href="\/(signin|account)">Back to (sign-in|your account)<\/a>/);
      expect(sessionCookieOf(response)).toBeNull();
      expect(await providers.userCount()).toBe(before);
    },
  };
  return providers;
}
