import type { RowDataPacket } from 'mysql2';
import type { Dialect } from '../../dialect.ts';
import { prepareServerOutage } from '../../server-outage.ts';
import { databaseUrl, uniqueDatabaseName } from '../../test-database.ts';

/** MySQL 8 through `mysql2`; tested here on MariaDB 10.11, which speaks its protocol. */
export const dialect: Dialect = {
  name: 'mysql',
  title: 'MySQL',
  variable: {
    name: 'DATABASE_URL',
    unreachable: 'mysql://app:s3cret-pw@127.0.0.1:9/app',
    unreachableNamed: '127.0.0.1:9/app',
    malformed: ['mysql://app:s3cret-pw@db.example.com:99999/app', 'not a url'],
  },
  server: {
    variable: 'TEST_MYSQL_URL',
    example: 'mysql://root@127.0.0.1:3306/',
    imageVariable: 'TEST_MYSQL_IMAGE',
    image: 'mysql:8.4',
    async start(image, log) {
      const { MySqlContainer } = await import('@testcontainers/mysql');
      const container = await new MySqlContainer(image).withLogConsumer(log).start();
      return {
        url: container.getConnectionUri(true),
        stop: () => container.stop().then(() => {}),
      };
    },
  },
  async createDatabase(serverUrl) {
    if (!serverUrl) throw new Error('no mysql server was provided to the tests');
    const { default: mysql } = await import('mysql2/promise');
    const name = uniqueDatabaseName();
    // A pool of one, not a connection: a connection the server ends would
    // throw an uncaught 'error'; the pool drops it and opens another for its
    // next query.
    const admin = mysql.createPool({ uri: serverUrl, connectionLimit: 1 });
    await admin.query(`create database \`${name}\``);
    const one = async (query: string, values: string[] = []) => {
      const [rows] = await admin.query<RowDataPacket[]>(query, values);
      return rows[0]?.value;
    };
    return {
      location: databaseUrl(serverUrl, name),
      async countConnections() {
        const n = await one(
          'select count(*) as value from information_schema.processlist where db = ?',
          [name],
        );
        return Number(n ?? 0);
      },
      async serverVersion() {
        const version = String(await one('select version() as value'));
        return version.includes('MariaDB') ? `MariaDB ${version}` : `MySQL ${version}`;
      },
      async drop() {
        await admin.query(`drop database if exists \`${name}\``);
        await admin.end();
      },
    };
  },
  prepareOutage: prepareServerOutage,
  packages: ['mysql2', '@lucia-auth/adapter-mysql', '@testcontainers/mysql'],
  terms: ['MariaDB', 'Galera', 'wsrep'],
};
