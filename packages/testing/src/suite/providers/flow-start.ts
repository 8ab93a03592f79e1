import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processTestTimeoutMs, startAppProcess } from '../../app-process.ts';
import { defaultOrigin, type Harness } from '../../harness.ts';
import { clientOf, configOf } from '../../oidc/provider-fixtures.ts';
import { startTestProvider } from '../../oidc/start-test-provider.ts';
import type { TestProviders } from './use-test-providers.ts';

/**
 * docs/API.md, "Sign-in through a provider": the button's post starts a
 * flow (PKCE, state, nonce, a flow cookie kept by its hash), the pages offer
 * each configured provider, and an app with a broken provider setting does
 * not start.
 */
export function describeProviderFlowStart(harness: Harness, providers: TestProviders) {
  describe(`${harness.dialect.name}: signing in through a provider`, () => {
    it('sends the browser to the provider with PKCE S256, state, nonce and a flow cookie kept on the server by its hash', async () => {
      const client = providers.opened.client();
      const response = await client.postForm('/signin/alpha');
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('Location') ?? '');
      expect(location.origin).toBe(providers.alpha.issuer);
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
      const rows = await providers.opened.db.selectFrom('auth_flow').selectAll().execute();
      const row = rows.find((flow) => flow.state === params.get('state'));
      expect(row?.id).toBe(createHash('sha256').update(value).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(value);
      // A number on every dialect, BIGINT included (the Database type's promise).
      expect(row?.expires_at_ms).toBeTypeOf('number');
      const expiresAtMs = row?.expires_at_ms ?? 0;
      expect(expiresAtMs - Date.now()).toBeGreaterThan(9 * 60 * 1000);
      expect(expiresAtMs - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
    });

    it('shows "Continue with" buttons, and lets forms post on to the providers under the CSP', async () => {
      for (const path of ['/signin', '/signup']) {
        const response = await providers.opened.client().get(path);
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
          ['form-action', "'self'", providers.alpha.issuer, providers.beta.issuer].sort(),
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
      const client = providers.opened.client();
      expect((await client.postForm('/signin/gamma')).status).toBe(404);
      expect((await client.get('/signin/gamma/callback?code=x&state=y')).status).toBe(404);
      const response = await providers.opened.app.request('/signin/alpha', {
        method: 'POST',
        headers: { Origin: 'https://evil.example' },
      });
      expect(response.status).toBe(403);
    });
  });

  // Each starts the app as a process: the time limit of the tests that do.
  describe(`${harness.dialect.name}: provider pages`, { timeout: processTestTimeoutMs }, () => {
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
}
