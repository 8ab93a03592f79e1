import { startDatabaseServer } from '@repo/testing/database-server';
import type { Dialect } from '@repo/testing/dialect';

/** A fresh, empty database for one dialect's run, and how to drop it. */
export interface BenchDatabase {
  /**
   * What every server of the run is started with: the app's own variable
   * (the dialect record's), and `BENCH_DATABASE` for the bench's servers.
   */
  env: Record<string, string>;
  /** Where it is, without a password. */
  description: string;
  /** The server's name and version, for results.md. */
  serverVersion: string;
  drop(): Promise<void>;
}

/** `location` without a password, for the log. */
function describeLocation(location: string): string {
  if (!URL.canParse(location)) return location;
  const { protocol, host, pathname } = new URL(location);
  return `${protocol}//${host}${pathname}`;
}

/**
 * A database of its own for one dialect's run, made the way the tests make
 * theirs (`packages/testing`): on the server of `TEST_<NAME>_URL`, else one
 * Testcontainers starts; a temporary file for SQLite. The app applies its
 * migrations when it starts.
 */
export async function createBenchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const server = await startDatabaseServer(dialect);
  const database = await dialect.createDatabase(server.url);
  return {
    env: { [dialect.variable.name]: database.location, BENCH_DATABASE: database.location },
    description: describeLocation(database.location),
    serverVersion: await database.serverVersion(),
    async drop() {
      await database.drop();
      await server.stop();
    },
  };
}
