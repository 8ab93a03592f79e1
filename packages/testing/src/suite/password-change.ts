import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { holdingHasher } from '../holding-hasher.ts';
import { jsonOf, sessionCookieOf } from '../test-client.ts';

export function describePasswordChange(harness: Harness) {
  const newPassword = 'a new and different passphrase';

  /** An app whose password verifications a test can hold, and one account signed in on it. */
  async function appWithOwner() {
    const passwords = holdingHasher();
    const opened = await harness.open({ passwords });
    const username = uniqueUsername();
    const owner = opened.client();
    const signup = await owner.post('/api/signup', { username, password: goodPassword });
    const userId: string = (await jsonOf(signup)).user.id;
    const sessionsOfUser = () =>
      opened.db.selectFrom('session').select('id').where('user_id', '=', userId).execute();

    /**
     * `count` sign-ins with the old password checked and not yet answered
     * while the owner changes it; then they answer. Their clients and statuses.
     */
    async function signInDuringChange(count: number) {
      passwords.hold();
      const racers = Array.from({ length: count }, () => opened.client());
      const signins = racers.map((racer) =>
        racer.post('/api/signin', { username, password: goodPassword }),
      );
      await passwords.waitForHeld(count);
      passwords.stopHolding();
      const change = await owner.post('/api/password', {
        currentPassword: goodPassword,
        newPassword,
      });
      expect(change.status).toBe(204);
      passwords.release();
      const statuses = await Promise.all(signins.map(async (signin) => (await signin).status));
      return { racers, statuses };
    }

    return { ...opened, passwords, username, owner, sessionsOfUser, signInDuringChange };
  }

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
      expect(sessionCookieOf(response)?.value).toMatch(/^[a-z2-7]{52}$/);
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

    it('leaves no session of the sign-ins with the old password that were in flight when it changed', async () => {
      const { owner, sessionsOfUser, signInDuringChange } = await appWithOwner();
      const { racers, statuses } = await signInDuringChange(4);
      expect(await sessionsOfUser()).toHaveLength(1);
      expect((await owner.get('/api/me')).status).toBe(200);
      for (const racer of racers) expect((await racer.get('/api/me')).status).toBe(401);
      expect(statuses).toEqual(racers.map(() => 401));
    });

    it('keeps a sign-in in flight from putting the old password back when it rehashes a weaker hash', async () => {
      const { client, db, username, signInDuringChange } = await appWithOwner();
      const weak = await hash(goodPassword, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
      await db
        .updateTable('key')
        .set({ hashed_password: weak })
        .where('id', '=', `username:${username}`)
        .execute();
      const { statuses } = await signInDuringChange(1);
      expect(statuses).toEqual([401]);

      const signinWith = (password: string) => client().post('/api/signin', { username, password });
      expect((await signinWith(goodPassword)).status).toBe(401);
      expect((await signinWith(newPassword)).status).toBe(200);
    });

    it('lets one of two changes made at once win, and refuses the other as a wrong current password', async () => {
      const { client, passwords, username, owner } = await appWithOwner();
      const other = client();
      await other.post('/api/signin', { username, password: goodPassword });
      const choices = ['the first new passphrase', 'the second new passphrase'];
      passwords.hold();
      const changes = [owner, other].map((caller, i) =>
        caller.post('/api/password', { currentPassword: goodPassword, newPassword: choices[i] }),
      );
      await passwords.waitForHeld(2);
      passwords.release();
      const statuses = await Promise.all(changes.map(async (change) => (await change).status));
      expect([...statuses].sort()).toEqual([204, 401]);

      const winner = choices[statuses.indexOf(204)];
      const loser = choices[statuses.indexOf(401)];
      const signinWith = (password = '') => client().post('/api/signin', { username, password });
      expect((await signinWith(loser)).status).toBe(401);
      expect((await signinWith(winner)).status).toBe(200);
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
