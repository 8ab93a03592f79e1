import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MySqlContainer } from '@testcontainers/mysql';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import type { Dialect } from './dialect.ts';

/** A database server for one test run: where it is, and how to stop it. */
export interface DatabaseServer {
  /** An admin URL (a user that may create databases); `null` for SQLite. */
  url: string | null;
  /** Where it came from, for the run's first line. */
  source: string;
  stop(): Promise<void>;
}

/**
 * Copies a container's own log to `<tmpdir>/testcontainers-<dialect>.log`,
 * for reading when a run fails (the container is gone by then).
 */
function keepLog(dialect: string) {
  return (stream: NodeJS.ReadableStream) => {
    stream.pipe(createWriteStream(join(tmpdir(), `testcontainers-${dialect}.log`)));
  };
}

const servers = {
  postgres: {
    variable: 'TEST_POSTGRES_URL',
    imageVariable: 'TEST_POSTGRES_IMAGE',
    image: 'postgres:17-alpine',
    example: 'postgres://postgres@127.0.0.1:5432/postgres',
    async start(image: string) {
      const container = await new PostgreSqlContainer(image)
        // A server that lives for one test run: PostgreSQL's non-durable
        // settings spare the disk (no fsync, no full-page writes); a crash
        // of the container loses nothing anyone keeps.
        .withCommand([
          'postgres',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
        ])
        .withLogConsumer(keepLog('postgres'))
        .start();
      return { url: container.getConnectionUri(), stop: () => container.stop().then(() => {}) };
    },
  },
  mysql: {
    variable: 'TEST_MYSQL_URL',
    imageVariable: 'TEST_MYSQL_IMAGE',
    image: 'mysql:8.4',
    example: 'mysql://root@127.0.0.1:3306/',
    async start(image: string) {
      const container = await new MySqlContainer(image).withLogConsumer(keepLog('mysql')).start();
      return { url: container.getConnectionUri(true), stop: () => container.stop().then(() => {}) };
    },
  },
} as const;

/**
 * The server a run's tests use, started once per run (vitest `globalSetup`):
 * 1. `TEST_POSTGRES_URL` / `TEST_MYSQL_URL`, when set: that server;
 * 2. otherwise a Testcontainers container of `TEST_POSTGRES_IMAGE` /
 *    `TEST_MYSQL_IMAGE` (default: the official `postgres:17-alpine`, `mysql:8.4`);
 * 3. neither: an error that says how to get either. Tests never skip silently.
 */
export async function startDatabaseServer(dialect: Dialect): Promise<DatabaseServer> {
  if (dialect === 'sqlite') {
    return { url: null, source: 'a file per test file', stop: async () => {} };
  }
  const server = servers[dialect];
  const url = process.env[server.variable];
  if (url) return { url, source: server.variable, stop: async () => {} };
  const image = process.env[server.imageVariable] || server.image;
  try {
    const started = await server.start(image);
    return { ...started, source: `Testcontainers (${image})` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `No ${dialect} server for the tests. Either set ${server.variable} to a server whose user may ` +
        `create databases (e.g. ${server.variable}=${server.example}), or run Docker so that ` +
        `Testcontainers can start ${image}. Testcontainers said: ${reason}`,
    );
  }
}
