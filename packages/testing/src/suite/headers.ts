import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';

export function describeHeaders(harness: Harness) {
  describe(`${harness.dialect.name}: headers`, () => {
    it('sends the secure headers and a Content-Security-Policy on every response', async () => {
      for (const path of ['/healthz', '/api/me', '/no-such-page']) {
        const response = await harness.main.app.request(path);
        expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
        expect(response.headers.get('X-Frame-Options')).toBe('SAMEORIGIN');
        expect(response.headers.get('Strict-Transport-Security')).toMatch(/max-age=/);
        expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
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
