import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from './dialect.ts';
import { noServerMessage } from './no-server-message.ts';

/** A database server for one test run: where it is, and how to stop it. */
export interface DatabaseServer {
  /** An admin URL (a user that may create databases); `null` when none is needed. */
  url: string | null;
  /** Where it came from, for the run's first line. */
  source: string;
  stop(): Promise<void>;
}

/** No server could be had: the message says, for a person, why, and the two ways to get one. */
export class NoDatabaseServerError extends Error {}

/**
 * Where a container's own log is copied, `<tmpdir>/testcontainers-<dialect>.log`,
 * for reading when a run fails (the container is gone by then).
 */
function logFileOf(dialect: string): string {
  return join(tmpdir(), `testcontainers-${dialect}.log`);
}

/**
 * The server a run's tests use, started once per run (vitest `globalSetup`):
 * 1. the dialect's `TEST_*_URL`, when set: that server;
 * 2. otherwise a Testcontainers container of `TEST_*_IMAGE`, by default the
 *    official image;
 * 3. neither: a `NoDatabaseServerError` that says which step failed (no
 *    Docker engine answered; one did, but the image could not be had; the
 *    container started, but its server never became ready) and how to get
 *    a server. Tests never skip silently.
 */
export async function startDatabaseServer(dialect: Dialect): Promise<DatabaseServer> {
  const { server } = dialect;
  if (!server) return { url: null, source: 'a file per test file', stop: async () => {} };
  const url = process.env[server.variable];
  if (url) return { url, source: server.variable, stop: async () => {} };
  const image = process.env[server.imageVariable] || server.image;
  const logFile = logFileOf(dialect.name);
  // Testcontainers attaches the log once the container has started: before
  // that, a failure is the engine's or the image's; after it, the server's.
  let started = false;
  try {
    const running = await server.start(image, (stream) => {
      started = true;
      stream.pipe(createWriteStream(logFile));
    });
    return { ...running, source: `Testcontainers (${image})` };
  } catch (error) {
    throw new NoDatabaseServerError(
      noServerMessage({
        title: dialect.title,
        app: dialect.name,
        variable: server.variable,
        example: server.example,
        image,
        imageVariable: server.imageVariable,
        reason: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
        started,
        dockerHost: process.env.DOCKER_HOST || undefined,
        logFile,
      }),
    );
  }
}
