import type { Dialect } from './dialect.ts';
import { loadDialectSupport } from './dialects/dialect-support.ts';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** A URL (postgres, mysql) or a file path (sqlite), as the app's variable takes it. */
  location: string;
  /** Connections the database server counts to this database (open files, for SQLite). */
  countConnections(): Promise<number>;
  /** Drops the database (deletes the file). */
  drop(): Promise<void>;
}

/** `serverUrl` with its database replaced by `name`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function uniqueDatabaseName(): string {
  return `test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Creates a fresh, empty database on the run's server (a file, for SQLite),
 * for one test file.
 */
export async function createTestDatabase(
  dialect: Dialect,
  serverUrl: string | null,
): Promise<TestDatabase> {
  return (await loadDialectSupport(dialect)).createDatabase(serverUrl);
}
