import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from './dialect.ts';

/** A database server for one test run: where it is, and how to stop it. */
export interface DatabaseServer {
  /** An admin URL (a user that may create databases); `null` when none is needed. */
  url: string | null;
  /** Where it came from, for the run's first line. */
  source: string;
  stop(): Promise<void>;
}

/** No server could be had: the message says, for a person, the two ways to get one. */
export class NoDatabaseServerError extends Error {}

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
 * 1. the dialect's `TEST_*_URL`, when set: that server;
 * 2. otherwise a Testcontainers container of `TEST_*_IMAGE`, by default the
 *    official image;
 * 3. neither: a `NoDatabaseServerError` that says how to get either. Tests
 *    never skip silently.
 */
export async function startDatabaseServer(dialect: Dialect): Promise<DatabaseServer> {
  const { server } = dialect;
  if (!server) return { url: null, source: 'a file per test file', stop: async () => {} };
  const url = process.env[server.variable];
  if (url) return { url, source: server.variable, stop: async () => {} };
  const image = process.env[server.imageVariable] || server.image;
  try {
    const started = await server.start(image, keepLog(dialect.name));
    return { ...started, source: `Testcontainers (${image})` };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new NoDatabaseServerError(
      [
        `No ${dialect.title} server for the ${dialect.name} app's tests, so they did not run. Either:`,
        `  - name one whose user may create databases: ${server.variable}=${server.example} pnpm test`,
        `  - or start Docker, so that Testcontainers can run ${image} (${server.imageVariable} names another image).`,
        `Testcontainers said: ${reason}`,
      ].join('\n'),
    );
  }
}
