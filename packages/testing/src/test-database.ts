import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Dialect } from './dialect.ts';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** A URL (postgres, mysql) or a file path (sqlite), as the app's variable takes it. */
  location: string;
  /** Connections the database server counts to this database (open files, for SQLite). */
  countConnections(): Promise<number>;
  /** Drops the database (deletes the file). */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function uniqueName(): string {
  return `test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

async function createPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  return {
    location: withDatabase(serverUrl, name),
    async countConnections() {
      const { rows } = await admin.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [name],
      );
      return rows[0]?.n ?? 0;
    },
    async drop() {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

async function createMysqlDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = uniqueName();
  const admin = await mysql.createConnection({ uri: serverUrl });
  await admin.query(`create database \`${name}\``);
  return {
    location: withDatabase(serverUrl, name),
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
}

function createSqliteDatabase(): TestDatabase {
  const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-'));
  const location = join(folder, 'app.db');
  return {
    location,
    // SQLite has no server to ask: each connection holds the file open once,
    // so this process's descriptors of the file count its connections.
    async countConnections() {
      return readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === location;
        } catch {
          return false;
        }
      }).length;
    },
    async drop() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Creates a fresh, empty database on the run's server (a file, for SQLite),
 * for one test file.
 */
export async function createTestDatabase(
  dialect: Dialect,
  serverUrl: string | null,
): Promise<TestDatabase> {
  if (dialect === 'sqlite') return createSqliteDatabase();
  if (!serverUrl) throw new Error(`no ${dialect} server was provided to the tests`);
  return dialect === 'postgres'
    ? createPostgresDatabase(serverUrl)
    : createMysqlDatabase(serverUrl);
}
