import { migrateToLatest } from '@repo/schema/migrate-to-latest';
import { sql } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';

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
