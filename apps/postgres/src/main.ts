import { databaseUrl, describeDatabaseUrl, poolSize } from '@repo/auth/config';
import { startServer } from '@repo/auth/start-server';
import { migrations } from '@repo/schema/postgres/migrations';
import { openDatabase } from './database.ts';

await startServer({
  env: {
    DATABASE_URL: databaseUrl('postgres://postgres:postgres@localhost:5432/app', [
      'postgres',
      'postgresql',
    ]),
    DATABASE_POOL_SIZE: poolSize(),
  },
  describeDatabase: (config) => describeDatabaseUrl('PostgreSQL', config.DATABASE_URL),
  openDatabase: (config, logger) =>
    openDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, logger }),
  migrations,
});
