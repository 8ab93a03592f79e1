import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Dialect } from './dialects.ts';

/** A fresh, empty database for one dialect's run, and how to drop it. */
export interface BenchDatabase {
  /** The variable the app and the baseline read: `DATABASE_URL` or `DATABASE_PATH`. */
  env: Record<string, string>;
  /** Where it is, without a password. */
  description: string;
  /** The server's version, for results.md. */
  serverVersion: string;
  drop(): Promise<void>;
}

export const defaultPostgresUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const defaultMysqlUrl = 'mysql://root@127.0.0.1:3306/';

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function describe(url: string): string {
  const { protocol, host, pathname } = new URL(url);
  return `${protocol}//${host}${pathname}`;
}

/**
 * Creates `bench_<random>` on the server of `BENCH_POSTGRES_URL` /
 * `BENCH_MYSQL_URL` (a user that may create databases), or a temporary file
 * for SQLite. The app applies its migrations when it starts.
 */
export async function createBenchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  if (dialect === 'postgres') {
    const adminUrl = process.env.BENCH_POSTGRES_URL || defaultPostgresUrl;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
      await admin.query(`CREATE DATABASE ${name}`);
      const url = withDatabase(adminUrl, name);
      return {
        env: { DATABASE_URL: url },
        description: describe(url),
        serverVersion: `PostgreSQL ${rows[0]?.server_version ?? '?'}`,
        drop: () => dropPostgres(adminUrl, name),
      };
    } finally {
      await admin.end();
    }
  }
  if (dialect === 'mysql') {
    const adminUrl = process.env.BENCH_MYSQL_URL || defaultMysqlUrl;
    const admin = await mysql.createConnection({ uri: adminUrl });
    try {
      const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
      await admin.query(`CREATE DATABASE ${name}`);
      const url = withDatabase(adminUrl, name);
      return {
        env: { DATABASE_URL: url },
        description: describe(url),
        serverVersion: `${String(rows[0]?.version).includes('MariaDB') ? '' : 'MySQL '}${rows[0]?.version}`,
        drop: () => dropMysql(adminUrl, name),
      };
    } finally {
      await admin.end();
    }
  }
  const path = join(tmpdir(), `${name}.db`);
  const memory = new Sqlite(':memory:');
  const version = memory.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get();
  memory.close();
  return {
    env: { DATABASE_PATH: path },
    description: path,
    serverVersion: `SQLite ${version?.v ?? '?'} (better-sqlite3)`,
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    },
  };
}

async function dropPostgres(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function dropMysql(adminUrl: string, name: string): Promise<void> {
  const admin = await mysql.createConnection({ uri: adminUrl });
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await admin.end();
  }
}
