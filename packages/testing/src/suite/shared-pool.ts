import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';

export function describeSharedPool(harness: Harness) {
  describe(`${harness.dialect.name}: one pool for Kysely and Lucia`, () => {
    it('serves every flow on a one-connection pool, and the database counts one connection', async () => {
      const opened = await harness.open({ poolSize: 1 });
      const client = opened.client();
      const username = uniqueUsername();
      // Sign-up writes through Kysely (user, key, session); /api/me reads
      // through Lucia; sign-in and sign-out go through Kysely again.
      expect((await client.post('/api/signup', { username, password: goodPassword })).status).toBe(
        201,
      );
      expect((await client.get('/api/me')).status).toBe(200);
      expect((await client.post('/api/signin', { username, password: goodPassword })).status).toBe(
        200,
      );
      expect((await client.post('/api/signout')).status).toBe(204);
      // Two pools (one per library) would show two connections here.
      expect(await opened.database.countConnections()).toBe(1);
    });
  });
}
