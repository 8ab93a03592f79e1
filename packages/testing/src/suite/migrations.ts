import { migrateToLatest } from '@repo/schema/migrate-to-latest';
import { sql } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { Lucia, type RegisteredDatabaseSessionAttributes } from 'lucia';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';
import { sessionCookiesOf, TestClient } from '../test-client.ts';

export function describeMigrations(harness: Harness) {
  const { migrations } = harness.options;

  describe(`${harness.dialect.name}: migrations`, () => {
    it('applies every migration once, then nothing', async () => {
      const { db } = await harness.open({ migrate: false });
      expect(await migrateToLatest(db, migrations)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(db, migrations)).toEqual([]);
    });

    it('reverts every migration with its down, and applies them again', async () => {
      const { db } = await harness.open();
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      const tables = await db.introspection.getTables();
      expect(tables.map((table) => table.name)).not.toContain('session');
      expect(await migrateToLatest(db, migrations)).toEqual(Object.keys(migrations));
    });

    it.each([
      ['http', 'http://localhost:3000'],
      ['https', 'https://auth.example.com'],
    ])('keeps a session made before 0004 hashed session ids signed in (%s)', async (_, origin) => {
      const opened = await harness.open({ migrate: false, origin });
      const before = Object.fromEntries(
        Object.entries(migrations).filter(([name]) => name < '0004'),
      );
      await migrateToLatest(opened.db, before);
      // A session as the apps made it until then: Lucia's own id, which the
      // cookie named auth_session held as it is.
      const user = { id: 'legacyuser000001', username: 'legacy_user' };
      await opened.db.insertInto('user').values(user).execute();
      // The table has no authenticated_at before 0007: Lucia wrote no attribute then.
      const attributes = {} as RegisteredDatabaseSessionAttributes;
      const { id: token } = await new Lucia(opened.adapter).createSession(user.id, attributes);
      await migrateToLatest(opened.db, migrations);

      const stored = await opened.db.selectFrom('session').select('id').execute();
      expect(stored.map((row) => row.id)).not.toContain(token);
      const client = new TestClient(opened.app, origin, harness.received);
      client.cookies.set('auth_session', token);
      const me = await client.get('/api/me');
      expect(me.status).toBe(200);
      const cookies = sessionCookiesOf(me).map(({ name, value }) => ({ name, value }));
      if (origin.startsWith('https://')) {
        // Set again under its new name; the old one deleted.
        expect(cookies).toEqual(
          expect.arrayContaining([
            { name: '__Host-auth_session', value: token },
            { name: 'auth_session', value: '' },
          ]),
        );
        expect([...client.cookies]).toEqual([['__Host-auth_session', token]]);
        expect((await client.get('/api/me')).status).toBe(200);
      } else {
        expect(cookies).toEqual([]);
      }
    });

    it('names the migration that failed and why', async () => {
      const { db } = await harness.open({ migrate: false });
      const withBroken = {
        ...migrations,
        '9999-broken': {
          up: async (kysely: Parameters<typeof migrateToLatest>[0]) => {
            await sql`select * from no_such_table`.execute(kysely);
          },
        },
      };
      await expect(migrateToLatest(db, withBroken)).rejects.toThrow(
        /^migration "9999-broken" failed: .*no_such_table/,
      );
    });
  });
}
