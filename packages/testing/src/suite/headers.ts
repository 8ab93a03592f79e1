import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';

/**
 * What hono/secure-headers sends with its defaults, this CSP and a
 * same-origin Referrer-Policy, built here on its own: the app's
 * (packages/auth/src/response-headers.ts) must send the same, so that a
 * change to its options or a Hono upgrade that changes them is noticed.
 */
async function referenceSecureHeaders(origin: string): Promise<[string, string][]> {
  const reference = new Hono()
    .use(
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          // The one script, by its exact URL, and what it may call (passkeys).
          scriptSrc: [`${origin}/passkeys.js`],
          connectSrc: [`${origin}/api/`],
          imgSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
        referrerPolicy: 'same-origin',
      }),
    )
    .get('/', (c) => c.body(null, 204));
  const response = await reference.request('/');
  return [...response.headers].filter(([name]) => name !== 'content-type');
}

export function describeHeaders(harness: Harness) {
  describe(`${harness.dialect.name}: headers`, () => {
    it('sends the secure headers and a Content-Security-Policy on every response', async () => {
      const reference = await referenceSecureHeaders(harness.main.origin);
      expect(reference.length).toBeGreaterThan(10);
      const client = harness.main.client();
      await client.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const responses = [
        ...(await Promise.all(
          ['/healthz', '/api/me', '/no-such-page', '/signin', '/style.css'].map((path) =>
            harness.main.app.request(path),
          ),
        )),
        await client.get('/api/me'),
        await client.get('/account'),
      ];
      for (const response of responses) {
        expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
        expect(response.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
        expect(response.headers.get('Strict-Transport-Security')).toMatch(/max-age=/);
        expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
        for (const [name, value] of reference) expect(response.headers.get(name)).toBe(value);
      }
    });

    it('sends Cache-Control: no-store with every cookie and every user’s data', async () => {
      const client = harness.main.client();
      const signup = await client.post('/api/signup', {
        username: uniqueUsername(),
        password: goodPassword,
      });
      for (const response of [
        signup,
        await client.get('/api/me'),
        await client.post('/api/signout'),
      ]) {
        expect(response.headers.get('Cache-Control')).toBe('no-store');
      }
    });
  });
}
