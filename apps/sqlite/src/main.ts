import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { databasePath } from '@repo/auth/config';
import { startServer } from '@repo/auth/start-server';
import { migrations } from '@repo/schema/sqlite/migrations';
import { openDatabase } from './database.ts';

// The default file lives under the app, in a folder made on first start.
const defaultPath = resolve(import.meta.dirname, '../data/app.db');

await startServer({
  env: { DATABASE_PATH: databasePath(defaultPath) },
  describeDatabase: (config) => `SQLite at ${config.DATABASE_PATH}`,
  openDatabase: (config) => {
    if (config.DATABASE_PATH === defaultPath) mkdirSync(dirname(defaultPath), { recursive: true });
    return openDatabase({ path: config.DATABASE_PATH });
  },
  migrations,
});
