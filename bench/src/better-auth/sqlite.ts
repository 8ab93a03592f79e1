import Sqlite from 'better-sqlite3';
import { serveBetterAuth } from './serve-better-auth.ts';

// A connection like the app's: one, in WAL mode, waiting 500 ms for a lock.
const database = new Sqlite(process.env.BENCH_DATABASE, { timeout: 500 });
database.exec('PRAGMA journal_mode = WAL');

await serveBetterAuth({
  database,
  close: () => {
    database.close();
  },
});
