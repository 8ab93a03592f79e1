import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from './dialect.ts';
import { loadDialectSupport } from './dialects/dialect-support.ts';

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

/**
 * The server a run's tests use, started once per run (vitest `globalSetup`):
 * 1. `TEST_POSTGRES_URL` / `TEST_MYSQL_URL`, when set: that server;
 * 2. otherwise a Testcontainers container of `TEST_POSTGRES_IMAGE` /
 *    `TEST_MYSQL_IMAGE` (default: the official `postgres:17-alpine`, `mysql:8.4`);
 * 3. neither: an error that says how to get either. Tests never skip silently.
 */
export async function startDatabaseServer(dialect: Dialect): Promise<DatabaseServer> {
  const { server } = await loadDialectSupport(dialect);
  if (!server) {
    return { url: null, source: 'a file per test file', stop: async () => {} };
  }
  const url = process.env[server.variable];
  if (url) return { url, source: server.variable, stop: async () => {} };
  const image = process.env[server.imageVariable] || server.image;
  try {
    const started = await server.start(image, keepLog(dialect));
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
