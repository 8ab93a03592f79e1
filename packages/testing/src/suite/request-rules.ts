import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf } from '../test-client.ts';

export function describeRequestRules(harness: Harness) {
  async function countUsers(): Promise<number> {
    const { db } = harness.main;
    const row = await db
      .selectFrom('user')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  function signup(init: RequestInit) {
    return harness.main.app.request('/api/signup', { method: 'POST', ...init });
  }

  const json = { 'Content-Type': 'application/json' };
  const body = () => JSON.stringify({ username: uniqueUsername(), password: goodPassword });

  describe(`${harness.dialect.name}: request rules`, () => {
    it.each([
      ['no Origin', json],
      ['another Origin', { ...json, Origin: 'https://evil.example' }],
      ['the Origin with another port', { ...json, Origin: 'http://localhost:3001' }],
    ])('refuses an unsafe request with %s before any work', async (_, headers) => {
      const before = await countUsers();
      const response = await signup({ headers, body: body() });
      expect(response.status).toBe(403);
      expect((await jsonOf(response)).error.code).toBe('forbidden_origin');
      expect(await countUsers()).toBe(before);
    });

    it('refuses a sign-out without Origin, though it has no body', async () => {
      const response = await harness.main.app.request('/api/signout', { method: 'POST' });
      expect(response.status).toBe(403);
    });

    const origin = { Origin: 'http://localhost:3000' };

    it('answers a body that is not JSON with 415', async () => {
      const response = await signup({
        headers: { ...origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'username=alice&password=correct+horse',
      });
      expect(response.status).toBe(415);
      expect((await jsonOf(response)).error.code).toBe('unsupported_media_type');
    });

    it('answers malformed JSON with 400 invalid_json', async () => {
      const response = await signup({ headers: { ...origin, ...json }, body: '{"username": ' });
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).error.code).toBe('invalid_json');
    });

    it('answers a body over 16 KiB with 413 and writes nothing', async () => {
      const before = await countUsers();
      const padding = 'x'.repeat(16 * 1024);
      const response = await signup({
        headers: { ...origin, ...json },
        body: JSON.stringify({ username: uniqueUsername(), password: goodPassword, padding }),
      });
      expect(response.status).toBe(413);
      expect((await jsonOf(response)).error.code).toBe('payload_too_large');
      expect(await countUsers()).toBe(before);
    });

    it('answers an unknown API path with 404 not_found in the error shape', async () => {
      const response = await harness.main.app.request('/api/nothing-here');
      expect(response.status).toBe(404);
      expect(await jsonOf(response)).toEqual({
        error: { code: 'not_found', message: expect.any(String) },
      });
    });

    it('gives every response a request id', async () => {
      const response = await harness.main.app.request('/api/me');
      expect(response.headers.get('X-Request-Id')).toMatch(/.+/);
    });
  });
}
