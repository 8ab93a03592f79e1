import type { Dialect } from '../dialect.ts';
import type { TestDatabase } from '../test-database.ts';

/**
 * What the tests need of one dialect that only its own packages (driver,
 * Testcontainers module) can do. Each dialect has its module in this folder,
 * loaded only when its tests run, so that a fork of one app (`pnpm fork`)
 * drops the others' modules and packages.
 */
export interface DialectSupport {
  /** A database server for the run; absent for SQLite, which has none. */
  server?: {
    /** Names a server that may create databases, e.g. `TEST_POSTGRES_URL`. */
    variable: string;
    /** Names the Testcontainers image, e.g. `TEST_POSTGRES_IMAGE`. */
    imageVariable: string;
    /** The official image, when `imageVariable` is unset. */
    image: string;
    /** A value of `variable`, for the error that asks for one. */
    example: string;
    /** Starts a container of `image`, logging to `log`. */
    start(
      image: string,
      log: (stream: NodeJS.ReadableStream) => void,
    ): Promise<{ url: string; stop(): Promise<void> }>;
  };
  /** A fresh, empty database for one test file, on the server at `serverUrl`. */
  createDatabase(serverUrl: string | null): Promise<TestDatabase>;
}

/** The support module of `dialect` (`./<dialect>.ts`). */
export async function loadDialectSupport(dialect: Dialect): Promise<DialectSupport> {
  const module: { support: DialectSupport } = await import(`./${dialect}.ts`);
  return module.support;
}
