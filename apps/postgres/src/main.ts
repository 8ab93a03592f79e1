import { databaseUrl, describeDatabaseUrl } from '@repo/auth/config';
import { startServer } from '@repo/auth/start-server';
import { migrations } from '@repo/schema/postgres/migrations';
import { openDatabase } from './database.ts';

await startServer({
  env: {
    DATABASE_URL: databaseUrl('postgres://postgres:postgres@localhost:5432/app', [
      'postgres',
      'postgresql',
    ]),
  },
  describeDatabase: (config) => describeDatabaseUrl('PostgreSQL', config.DATABASE_URL),
  openDatabase: (config) => openDatabase({ url: config.DATABASE_URL, secure: config.secure }),
  migrations,
});
