import { runHousekeeping } from '@repo/auth/housekeeping';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, sessionRowId } from '../test-client.ts';

const hour = 60 * 60 * 1000;

export function describeHousekeeping(harness: Harness) {
  describe(`${harness.dialect.name}: housekeeping`, () => {
    it('deletes expired sessions and throttle rows no rule looks at, and keeps the rest', async () => {
      const { client, db } = await harness.open();
      const expired = client();
      await expired.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const live = client();
      await live.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const row = await db
        .selectFrom('session')
        .select('created_at')
        .where('id', '=', sessionRowId(expired.cookie))
        .executeTakeFirstOrThrow();
      await db
        .updateTable('session')
        .set({ expires_at: new Date(row.created_at.getTime() - 24 * hour) })
        .where('id', '=', sessionRowId(expired.cookie))
        .execute();
      const now = Date.now();
      await db
        .insertInto('throttle_event')
        .values([
          { kind: 'signin_failure', client_address: 'old', at_ms: now - 2 * hour },
          { kind: 'signin_failure', client_address: 'recent', at_ms: now - 60_000 },
        ])
        .execute();

      await runHousekeeping(db);

      const sessions = await db.selectFrom('session').select('id').execute();
      expect(sessions.map((session) => session.id)).not.toContain(sessionRowId(expired.cookie));
      expect(sessions.map((session) => session.id)).toContain(sessionRowId(live.cookie));
      const events = await db.selectFrom('throttle_event').select('client_address').execute();
      expect(events.map((event) => event.client_address)).not.toContain('old');
      expect(events.map((event) => event.client_address)).toContain('recent');
    });

    it('deletes codes and reset links expired or used, and mail past its 24 hours, and keeps the rest', async () => {
      const { client, db } = await harness.open();
      const ids: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const response = await client().post('/api/signup', {
          username: uniqueUsername(),
          password: goodPassword,
        });
        ids.push((await jsonOf(response)).user.id);
      }
      const [first = '', second = ''] = ids;
      const now = Date.now();
      await db
        .insertInto('email_verification')
        .values([
          {
            id: 'expired-code',
            user_id: first,
            email: 'a@example.test',
            code_hash: 'x',
            expires_at_ms: now - 1,
          },
          {
            id: 'live-code',
            user_id: second,
            email: 'b@example.test',
            code_hash: 'x',
            expires_at_ms: now + hour,
          },
        ])
        .execute();
      await db
        .insertInto('password_reset')
        .values([
          { id: 'expired-link', user_id: first, expires_at_ms: now - 1, used: 0 },
          { id: 'used-link', user_id: first, expires_at_ms: now + hour, used: 1 },
          { id: 'live-link', user_id: second, expires_at_ms: now + hour, used: 0 },
        ])
        .execute();
      const mail = {
        kind: 'password_changed',
        user_id: first,
        address: 'a@example.test',
        payload: '{}',
      };
      await db
        .insertInto('mail_outbox')
        .values([
          {
            ...mail,
            id: 'given-up',
            created_at_ms: now - 25 * hour,
            next_attempt_at_ms: now - hour,
          },
          {
            ...mail,
            id: 'retrying',
            created_at_ms: now - 23 * hour,
            next_attempt_at_ms: now + hour,
          },
        ])
        .execute();

      await runHousekeeping(db);

      const idsOf = async (table: 'email_verification' | 'password_reset' | 'mail_outbox') =>
        (await db.selectFrom(table).select('id').execute()).map((row) => row.id).sort();
      expect(await idsOf('email_verification')).toEqual(['live-code']);
      expect(await idsOf('password_reset')).toEqual(['live-link']);
      expect(await idsOf('mail_outbox')).toEqual(['retrying']);
    });
  });
}
