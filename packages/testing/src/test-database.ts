/** A database of its own for one test file. */
export interface TestDatabase {
  /** The value of the app's database variable: a URL, or a file path. */
  location: string;
  /** Connections the database server counts to this database (open files, for SQLite). */
  countConnections(): Promise<number>;
  /** The server's name and version, e.g. `PostgreSQL 17.2`. */
  serverVersion(): Promise<string>;
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
