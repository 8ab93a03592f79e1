import { databaseUrl, describeDatabaseUrl, poolSize } from '@repo/auth/config';
import { startServer } from '@repo/auth/start-server';
import { migrations } from '@repo/schema/mysql/migrations';
import { openDatabase } from './database.ts';

await startServer({
  env: {
    DATABASE_URL: databaseUrl('mysql://root:mysql@localhost:3306/app', ['mysql']),
    DATABASE_POOL_SIZE: poolSize(),
  },
  describeDatabase: (config) => describeDatabaseUrl('MySQL', config.DATABASE_URL),
  openDatabase: (config, logger) =>
    openDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, logger }),
  migrations,
});
