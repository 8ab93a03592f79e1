import { createRequire } from 'node:module';
import { BetterSqlite3Adapter } from '@lucia-auth/adapter-sqlite';
import { StatementCache } from '@repo/schema/sqlite/statement-cache';
import BetterSqlite3 from 'better-sqlite3';
import { createBareLucia, serveBareLucia } from './serve-bare-lucia.ts';

export interface ServeSqliteBareLuciaOptions {
  /**
   * Prepare each SQL text once (`sqlite-prepared-once.ts`), as the app does,
   * instead of once per query as the guide's adapter does (`sqlite.ts`).
   */
  prepareOnce: boolean;
}

/** The bare Lucia server on SQLite: `sqlite.ts` and `sqlite-prepared-once.ts` differ only in `prepareOnce`. */
export async function serveSqliteBareLucia({ prepareOnce }: ServeSqliteBareLuciaOptions) {
  // BENCH_BETTER_SQLITE3=<folder>: another install of better-sqlite3, for
  // `pnpm sqlite-gc` to try another version (src/run-sqlite-gc.ts).
  const Sqlite: typeof BetterSqlite3 = process.env.BENCH_BETTER_SQLITE3
    ? createRequire(import.meta.url)(process.env.BENCH_BETTER_SQLITE3)
    : BetterSqlite3;

  // A connection like the app's: one, in WAL mode, waiting 500 ms for a lock.
  const database = new Sqlite(process.env.BENCH_DATABASE, { timeout: 500 });
  database.exec('PRAGMA journal_mode = WAL');
  // The app's statement cache (apps/sqlite/src/database.ts): Lucia's adapter
  // calls only `prepare` on the connection, which the cache hands the same
  // statement for each SQL text.
  const connection = prepareOnce
    ? (new StatementCache(database) as unknown as BetterSqlite3.Database)
    : database;
  const lucia = createBareLucia(
    new BetterSqlite3Adapter(connection, { user: 'lucia_user', session: 'lucia_session' }),
  );

  await serveBareLucia({
    lucia,
    async createTables() {
      database.exec(`CREATE TABLE IF NOT EXISTS lucia_user (
        id TEXT NOT NULL PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS lucia_session (
        id TEXT NOT NULL PRIMARY KEY,
        expires_at INTEGER NOT NULL,
        user_id TEXT NOT NULL REFERENCES lucia_user(id)
      )`);
    },
    async insertUser({ id, username, passwordHash }) {
      connection
        .prepare('INSERT INTO lucia_user (id, username, password_hash) VALUES (?, ?, ?)')
        .run(id, username, passwordHash);
    },
    close: () => {
      database.close();
    },
  });
}
