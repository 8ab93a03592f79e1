import { runHousekeeping } from '@repo/auth/housekeeping';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { sessionRowId } from '../test-client.ts';

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
  });
}
