import { readdirSync } from 'node:fs';
import type { TestDatabase } from './test-database.ts';

/**
 * Everything the tools (tests, bench, fork) know of one dialect, in one
 * record: `dialects/<name>/dialect.ts`; they find the records by listing
 * this folder. A record loads its driver and Testcontainers module only when
 * a function of it runs, so that reading its facts costs nothing.
 *
 * Adding a dialect takes more than its record: its app (`apps/<name>`),
 * its migrations (`packages/schema/src/<name>/`), its driver's error codes in
 * packages/auth (`is-database-unavailable.ts`, `is-unique-violation.ts`,
 * `retry-on-conflict.ts`), its packages in the catalog and in this package's
 * `package.json`, its server in `docker-compose.yml`, and more of the tools
 * around the apps: README.md, "Adding a dialect", lists every place.
 */
export interface Dialect {
  /** Its app is `apps/<name>` (`@app/<name>`), its migrations `packages/schema/src/<name>`. */
  name: string;
  /** As a person names the database: `PostgreSQL`. */
  title: string;
  /** The variable that names the app's database. */
  variable: {
    name: string;
    /** A value that names a database nothing serves... */
    unreachable: string;
    /** ...and how the app's start-up error names it, without its password. */
    unreachableNamed: string;
    /** Values the app must refuse at start, naming the variable and no password. */
    malformed: readonly string[];
  };
  /** How tests get a server; absent when none is needed (a file per test). */
  server?: TestServerSource;
  /** A fresh, empty database for one test file, on the run's server (`null`: none). */
  createDatabase(serverUrl: string | null): Promise<TestDatabase>;
  /** Makes `database` something a test can take away from an app and give back. */
  prepareOutage(database: TestDatabase): Promise<DatabaseOutage>;
  /** npm packages that only this dialect's app and tests use: a fork of another drops them. */
  packages: readonly string[];
  /**
   * Other words that name this dialect, its servers or the tools around them
   * (`MariaDB`, `Galera`), beside its name, title and packages: a fork of
   * another dialect names none of them.
   */
  terms: readonly string[];
}

/** A database that a test can take away from the app and give back. */
export interface DatabaseOutage {
  /** Where the app should connect: through the proxy (a server) or the file itself. */
  location: string;
  /**
   * The database stops answering: connections drop (a server), or another
   * process holds SQLite's write lock past the busy timeout.
   */
  begin(): Promise<void>;
  /** It answers again. */
  end(): Promise<void>;
  /** Whether reads still work meanwhile: SQLite in WAL mode reads past a writer's lock. */
  readsContinue: boolean;
}

/** Where a test run gets a database server: a URL, else a container. */
export interface TestServerSource {
  /** Names a server whose user may create databases: `TEST_<NAME>_URL`... */
  variable: string;
  /** ...with a value such as this. */
  example: string;
  /** Names the Testcontainers image: `TEST_<NAME>_IMAGE`... */
  imageVariable: string;
  /** ...the official image when it is unset. */
  image: string;
  /** Starts a container of `image`, its log going to `log`; answers an admin URL. */
  start(
    image: string,
    log: (stream: NodeJS.ReadableStream) => void,
  ): Promise<{ url: string; stop(): Promise<void> }>;
}

const folder = new URL('./dialects/', import.meta.url);

/** The names of the dialects whose records are here (a fork keeps its own only). */
export function listDialects(): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The record of `name`, or an error that lists the dialects there are. */
export async function loadDialect(name: string): Promise<Dialect> {
  const names = listDialects();
  if (!names.includes(name)) {
    throw new Error(`unknown dialect "${name}": expected one of ${names.join(', ')}`);
  }
  const module: { dialect: Dialect } = await import(`./dialects/${name}/dialect.ts`);
  return module.dialect;
}
