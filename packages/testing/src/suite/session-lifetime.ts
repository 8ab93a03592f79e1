import { afterEach, describe, expect, it, vi } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, sessionRowId } from '../test-client.ts';

const day = 24 * 60 * 60 * 1000;

export function describeSessionLifetime(harness: Harness) {
  describe(`${harness.dialect.name}: session lifetime`, () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('slides a session every 15 days but never beyond 90 days from its creation', async () => {
      const { client, db } = harness.main;
      const me = client();
      await me.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const row = await db
        .selectFrom('session')
        .select('created_at')
        .where('id', '=', sessionRowId(me.cookie))
        .executeTakeFirstOrThrow();
      const cap = row.created_at.getTime() + 90 * day;

      vi.useFakeTimers({ toFake: ['Date'] });
      let expiresAt = 0;
      for (let elapsed = 16; elapsed <= 88; elapsed += 16) {
        vi.setSystemTime(row.created_at.getTime() + elapsed * day);
        const response = await me.get('/api/me');
        expect(response.status).toBe(200);
        expiresAt = Date.parse((await jsonOf(response)).session.expiresAt);
        expect(expiresAt).toBeLessThanOrEqual(cap);
      }
      // Renewed up to the cap, and no further.
      expect(Math.abs(expiresAt - cap)).toBeLessThan(2000);
      vi.setSystemTime(cap + 1000);
      expect((await me.get('/api/me')).status).toBe(401);
    });
  });
}
