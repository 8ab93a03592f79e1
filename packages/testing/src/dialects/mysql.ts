import { MySqlContainer } from '@testcontainers/mysql';
import mysql from 'mysql2/promise';
import { databaseUrl, uniqueDatabaseName } from '../test-database.ts';
import type { DialectSupport } from './dialect-support.ts';

export const support: DialectSupport = {
  server: {
    variable: 'TEST_MYSQL_URL',
    imageVariable: 'TEST_MYSQL_IMAGE',
    image: 'mysql:8.4',
    example: 'mysql://root@127.0.0.1:3306/',
    async start(image, log) {
      const container = await new MySqlContainer(image).withLogConsumer(log).start();
      return {
        url: container.getConnectionUri(true),
        stop: () => container.stop().then(() => {}),
      };
    },
  },
  async createDatabase(serverUrl) {
    if (!serverUrl) throw new Error('no mysql server was provided to the tests');
    const name = uniqueDatabaseName();
    const admin = await mysql.createConnection({ uri: serverUrl });
    await admin.query(`create database \`${name}\``);
    return {
      location: databaseUrl(serverUrl, name),
      async countConnections() {
        const [rows] = await admin.query<mysql.RowDataPacket[]>(
          'select count(*) as n from information_schema.processlist where db = ?',
          [name],
        );
        return Number(rows[0]?.n ?? 0);
      },
      async drop() {
        await admin.query(`drop database if exists \`${name}\``);
        await admin.end();
      },
    };
  },
};
