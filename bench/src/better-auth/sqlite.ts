import Sqlite from 'better-sqlite3';
import { serveBetterAuth } from './serve-better-auth.ts';

// The app's connection: one, in WAL mode.
const database = new Sqlite(process.env.DATABASE_PATH, { timeout: 500 });
database.exec('PRAGMA journal_mode = WAL');

await serveBetterAuth({
  database,
  close: () => {
    database.close();
  },
});
