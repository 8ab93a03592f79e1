import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness } from '../harness.ts';
import { jsonOf, sessionCookieOf } from '../test-client.ts';

export function describePasswordChange(harness: Harness) {
  const newPassword = 'a new and different passphrase';

  describe(`${harness.dialect.name}: password change`, () => {
    it('ends every session, the caller continuing on a new cookie', async () => {
      const { username, here: mine, there: other } = await harness.signedInTwice();
      const oldCookie = mine.cookie;
      const response = await mine.post('/api/password', {
        currentPassword: goodPassword,
        newPassword,
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(sessionCookieOf(response)?.value).toMatch(/^[a-z0-9]{40}$/);
      expect(mine.cookie).not.toBe(oldCookie);
      expect((await mine.get('/api/me')).status).toBe(200);
      expect((await other.get('/api/me')).status).toBe(401);

      const stale = harness.main.client();
      stale.cookie = oldCookie;
      expect((await stale.get('/api/me')).status).toBe(401);

      const signin = (password: string) =>
        harness.main.client().post('/api/signin', { username, password });
      expect((await signin(goodPassword)).status).toBe(401);
      expect((await signin(newPassword)).status).toBe(200);
    });

    it('refuses a wrong current password with invalid_credentials and changes nothing', async () => {
      const { username, here: mine, there: other } = await harness.signedInTwice();
      const response = await mine.post('/api/password', {
        currentPassword: 'not my password',
        newPassword,
      });
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).error.code).toBe('invalid_credentials');
      expect((await mine.get('/api/me')).status).toBe(200);
      expect((await other.get('/api/me')).status).toBe(200);
      const signin = await harness.main
        .client()
        .post('/api/signin', { username, password: goodPassword });
      expect(signin.status).toBe(200);
    });

    it('holds the new password to the sign-up rules, common passwords included', async () => {
      const { here: mine } = await harness.signedInTwice();
      for (const weak of ['short', 'password123', 'iloveyou2']) {
        const response = await mine.post('/api/password', {
          currentPassword: goodPassword,
          newPassword: weak,
        });
        expect(response.status).toBe(400);
        expect((await jsonOf(response)).error.fields).toHaveProperty('newPassword');
      }
    });

    it('is 401 unauthenticated without a session', async () => {
      const response = await harness.main
        .client()
        .post('/api/password', { currentPassword: goodPassword, newPassword });
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).error.code).toBe('unauthenticated');
    });
  });
}
