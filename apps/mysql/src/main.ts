import { databaseUrl, describeDatabaseUrl } from '@repo/auth/config';
import { startServer } from '@repo/auth/start-server';
import { migrations } from '@repo/schema/mysql/migrations';
import { openDatabase } from './database.ts';

await startServer({
  env: { DATABASE_URL: databaseUrl('mysql://root:mysql@localhost:3306/app', ['mysql']) },
  describeDatabase: (config) => describeDatabaseUrl('MySQL', config.DATABASE_URL),
  openDatabase: (config) => openDatabase({ url: config.DATABASE_URL, secure: config.secure }),
  migrations,
});
