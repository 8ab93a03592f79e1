import type { AppDatabase } from '@repo/auth/app-database';
import { createApp } from '@repo/auth/create-app';
import type { PasswordHasher } from '@repo/auth/password-hashing';
import type { ThrottleLimits } from '@repo/auth/throttle';
import { type Migrations, migrateToLatest } from '@repo/schema/migrate-to-latest';
import { type Logger, pino } from 'pino';
import { inject } from 'vitest';
import type { Dialect } from './dialect.ts';
import { TestClient } from './test-client.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's admin URL of the database server (global-setup.ts); `null` for SQLite. */
    databaseServerUrl: string | null;
  }
}

export interface ConformanceSuiteOptions {
  dialect: Dialect;
  /** The dialect's migrations, applied to each test database. */
  migrations: Migrations;
  /** The app's own `openDatabase`, pointed at a test database. */
  openDatabase(options: { location: string; secure: boolean; poolSize?: number }): AppDatabase;
  /** The app's entry point, started as a real process by the start-up tests. */
  main: URL;
}

export interface OpenAppOptions {
  origin?: string;
  poolSize?: number;
  /** Leave the database empty (for the migration tests). */
  migrate?: boolean;
  /** Open the app over this database instead of a new one (a second process on it). */
  database?: TestDatabase;
  limits?: ThrottleLimits;
  trustProxy?: boolean;
  passwords?: PasswordHasher;
  logger?: Logger;
}

/** An app over a database of its own, and what a test needs to look at it. */
export type OpenedApp = AppDatabase & {
  app: ReturnType<typeof createApp>;
  origin: string;
  database: TestDatabase;
  /** A new client with no cookie. */
  client(): TestClient;
};

export const defaultOrigin = 'http://localhost:3000';
// Tests assert on responses and rows; the app's error log would be noise.
const silent = pino({ level: 'silent' });

/**
 * Opens apps over fresh databases for one test file, and closes and drops
 * them all when the file is done.
 */
export class Harness {
  readonly options: ConformanceSuiteOptions;
  readonly #opened: OpenedApp[] = [];
  readonly #databases: TestDatabase[] = [];
  #main: OpenedApp | undefined;

  constructor(options: ConformanceSuiteOptions) {
    this.options = options;
  }

  get dialect(): Dialect {
    return this.options.dialect;
  }

  /** The test file's shared app (open after `beforeAll`). */
  get main(): OpenedApp {
    if (!this.#main) throw new Error('the harness has not started');
    return this.#main;
  }

  async start(): Promise<void> {
    this.#main = await this.open();
  }

  /** Creates an empty database, dropped when the file is done. */
  async createDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase(this.dialect, inject('databaseServerUrl'));
    this.#databases.push(database);
    return database;
  }

  /** Creates a database and opens an app over it, the way the app's main does. */
  async open(options: OpenAppOptions = {}): Promise<OpenedApp> {
    const origin = options.origin ?? defaultOrigin;
    const database = options.database ?? (await this.createDatabase());
    const opened = this.options.openDatabase({
      location: database.location,
      secure: origin.startsWith('https://'),
      poolSize: options.poolSize,
    });
    if (options.migrate !== false) await migrateToLatest(opened.db, this.options.migrations);
    const app = createApp({
      db: opened.db,
      lucia: opened.lucia,
      origin,
      logger: options.logger ?? silent,
      limits: options.limits,
      trustProxy: options.trustProxy,
      passwords: options.passwords,
    });
    const result: OpenedApp = {
      ...opened,
      app,
      origin,
      database,
      client: () => new TestClient(app, origin),
    };
    this.#opened.push(result);
    return result;
  }

  /** One new account signed in on two clients of the main app: `here` signed up, `there` signed in. */
  async signedInTwice(): Promise<{ username: string; here: TestClient; there: TestClient }> {
    const username = uniqueUsername();
    const here = this.main.client();
    await here.post('/api/signup', { username, password: goodPassword });
    const there = this.main.client();
    await there.post('/api/signin', { username, password: goodPassword });
    return { username, here, there };
  }

  async stop(): Promise<void> {
    for (const opened of this.#opened) await opened.close().catch(() => {});
    for (const database of this.#databases) await database.drop();
  }
}

let counter = 0;

/** A username no other test uses. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A password that passes every rule. */
export const goodPassword = 'correct horse battery staple';
