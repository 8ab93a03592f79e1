import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf } from '../test-client.ts';

export function describeAuditLog(harness: Harness) {
  describe(`${harness.dialect.name}: audit log`, () => {
    it('logs each flow as one line with user id and address, and never a secret', async () => {
      const { client, db, logLines } = await harness.open({
        limits: { signinPerAddress: 2, signupPerAddress: 30 },
      });
      const username = uniqueUsername();
      const newPassword = 'my second secret passphrase';
      const me = client();
      const other = client();
      const tokens: string[] = [];
      const keep = () => tokens.push(me.cookie ?? '', other.cookie ?? '');

      await me.post('/api/signup', { username, password: goodPassword });
      keep();
      await other.post('/api/signin', { username, password: goodPassword });
      keep();
      await other.post('/api/signin', { username, password: 'wrong password one' });
      await other.post('/api/signin', { username, password: 'wrong password two' });
      await other.post('/api/signin', { username, password: 'throttled password three' });
      const { sessions } = await jsonOf(await me.get('/api/sessions'));
      const otherSession = sessions.find((session: { current: boolean }) => !session.current);
      await me.delete(`/api/sessions/${otherSession.id}`);
      await me.post('/api/password', { currentPassword: goodPassword, newPassword });
      keep();
      await me.delete('/api/sessions');
      await me.post('/api/signout');

      const lines = logLines();
      const events = lines.map((line) => JSON.parse(line));
      const byEvent = (event: string) => events.filter((entry) => entry.event === event);
      const user = await db
        .selectFrom('user')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      for (const event of [
        'signup',
        'signin',
        'signin_failed',
        'signin_throttled',
        'session_revoked',
        'password_changed',
        'sessions_revoked',
        'signout',
      ]) {
        expect(byEvent(event).length, event).toBeGreaterThan(0);
        for (const entry of byEvent(event)) expect(entry.clientAddress, event).toMatch(/^203\./);
      }
      for (const event of ['signup', 'signin', 'password_changed', 'signout']) {
        expect(byEvent(event)[0].userId).toBe(user.id);
      }

      const { hashed_password } = await db
        .selectFrom('key')
        .select('hashed_password')
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      const secrets = [
        goodPassword,
        newPassword,
        'wrong password one',
        'throttled password three',
        hashed_password ?? '',
        '$argon2',
        ...tokens.filter(Boolean),
      ];
      const everything = lines.join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  });
}
