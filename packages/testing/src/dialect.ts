import { readdirSync } from 'node:fs';
import type { DatabaseOutage } from './database-outage.ts';
import type { TestDatabase } from './test-database.ts';

/**
 * Everything the tools (tests, bench, fork) know of one dialect, in one
 * record: `dialects/<name>/dialect.ts`; they find the records by listing
 * this folder. A record loads its driver and Testcontainers module only when
 * a function of it runs, so that reading its facts costs nothing.
 *
 * Adding a dialect takes, beside its record:
 * - its app, `apps/<name>` (the wiring, and tests that call the shared suites);
 * - its migrations and Kysely dialect, `packages/schema/src/<name>/`;
 * - its driver's error codes in `packages/auth/src/is-database-unavailable.ts`,
 *   `is-unique-violation.ts` and `retry-on-conflict.ts` (no library names them);
 * - its driver, Lucia adapter and Testcontainers module in the catalog of
 *   `pnpm-workspace.yaml`, and in `packages/testing/package.json` (the record
 *   loads them);
 * - in `.ci/run`: its app in the `tested` list, and its server started and
 *   named by `TEST_<NAME>_URL` for the pass on the machine's own servers (the
 *   Testcontainers pass also needs a stand-in for its image);
 * - the bench's servers of it, `bench/src/{bare-lucia,better-auth,baseline}/<name>.ts`,
 *   and their drivers in `bench/package.json`: `pnpm bench` runs every dialect
 *   that has a record;
 * - for `pnpm fork`: its text, `packages/fork/parts/<name>.md`; its service in
 *   `docker-compose.yml` (when it has a server); its `<!-- only:<name> -->`
 *   sections in README.md;
 * - only to run it behind a pooler or on a cluster: `packages/scale`.
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
