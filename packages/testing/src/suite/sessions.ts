import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness } from '../harness.ts';
import { jsonOf, sessionCookieOf, type TestClient } from '../test-client.ts';

interface ListedSession {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

export function describeSessions(harness: Harness) {
  async function list(client: TestClient): Promise<ListedSession[]> {
    const response = await client.get('/api/sessions');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    return (await jsonOf(response)).sessions;
  }

  describe(`${harness.dialect.name}: sessions`, () => {
    it('lists the caller’s sessions by opaque handles, the current one marked', async () => {
      const { here, there } = await harness.signedInTwice();
      const sessions = await list(here);
      // Both, one of them current: compared whole, so that a failure shows each.
      expect(sessions.map((session) => session.current).sort()).toEqual([false, true]);
      for (const session of sessions) {
        expect(Object.keys(session).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id']);
        expect(Number.isNaN(Date.parse(session.createdAt))).toBe(false);
        expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
        for (const token of [here.cookie, there.cookie]) {
          expect(session.id).not.toContain(token);
          expect(token).not.toContain(session.id);
        }
      }
    });

    it('ends another session by its handle', async () => {
      const { here, there } = await harness.signedInTwice();
      const other = (await list(here)).find((session) => !session.current);
      const response = await here.delete(`/api/sessions/${other?.id}`);
      expect(response.status).toBe(204);
      expect(sessionCookieOf(response)).toBeNull();
      expect((await there.get('/api/me')).status).toBe(401);
      expect((await here.get('/api/me')).status).toBe(200);
      expect(await list(here)).toHaveLength(1);
    });

    it('ending the current session by its handle also deletes the cookie', async () => {
      const { here } = await harness.signedInTwice();
      const current = (await list(here)).find((session) => session.current);
      const response = await here.delete(`/api/sessions/${current?.id}`);
      expect(response.status).toBe(204);
      expect(sessionCookieOf(response)?.attributes.get('max-age')).toBe('0');
      expect((await here.get('/api/me')).status).toBe(401);
    });

    it('answers 404 for a handle that is not the caller’s, and ends nothing', async () => {
      const { here } = await harness.signedInTwice();
      const stranger = await harness.signedInTwice();
      const theirs = (await list(stranger.here)).find((session) => session.current);
      for (const handle of [theirs?.id, 'no-such-handle']) {
        const response = await here.delete(`/api/sessions/${handle}`);
        expect(response.status).toBe(404);
        expect((await jsonOf(response)).error.code).toBe('not_found');
      }
      expect((await stranger.here.get('/api/me')).status).toBe(200);
    });

    it('DELETE /api/sessions ends every session but the current one', async () => {
      const { here, there } = await harness.signedInTwice();
      const third = harness.main.client();
      const me = await jsonOf(await here.get('/api/me'));
      await third.post('/api/signin', { username: me.user.username, password: goodPassword });
      expect((await here.delete('/api/sessions')).status).toBe(204);
      expect((await there.get('/api/me')).status).toBe(401);
      expect((await third.get('/api/me')).status).toBe(401);
      expect((await here.get('/api/me')).status).toBe(200);
      expect(await list(here)).toHaveLength(1);
    });

    it('keeps at most 50 sessions per user: a new one ends those used least recently', async () => {
      const { here, there } = await harness.signedInTwice();
      const { db } = harness.main;
      const { user } = await jsonOf(await here.get('/api/me'));
      // 48 more, each last renewed (its expiry slid) earlier than the two above.
      const day = 24 * 60 * 60 * 1000;
      const older = Array.from({ length: 48 }, (_, i) => ({
        id: `${String(i).padStart(2, '0')}${'0'.repeat(62)}`,
        user_id: user.id,
        expires_at: new Date(Date.now() + day + i * 60_000),
        authenticated_at: new Date(Date.now() - day),
      }));
      await db.insertInto('session').values(older).execute();
      const count = async () =>
        (await db.selectFrom('session').select('id').where('user_id', '=', user.id).execute())
          .length;
      expect(await count()).toBe(50);

      const newest = harness.main.client();
      const signin = await newest.post('/api/signin', {
        username: user.username,
        password: goodPassword,
      });
      expect(signin.status).toBe(200);
      expect(await count()).toBe(50);
      const ids = (
        await db.selectFrom('session').select('id').where('user_id', '=', user.id).execute()
      ).map((row) => row.id);
      // The one whose expiry slid least recently is gone; the rest stay.
      expect(ids).not.toContain(older[0]?.id);
      expect(ids).toContain(older[1]?.id);
      for (const client of [here, there, newest]) {
        expect((await client.get('/api/me')).status).toBe(200);
      }
    });

    it('is 401 unauthenticated without a session', async () => {
      const client = harness.main.client();
      expect((await client.get('/api/sessions')).status).toBe(401);
      expect((await client.delete('/api/sessions')).status).toBe(401);
      expect((await client.delete('/api/sessions/x')).status).toBe(401);
    });
  });
}
