import type { AppDatabase } from '@repo/auth/app-database';
import { createApp } from '@repo/auth/create-app';
import type { Logger as AppLogger } from '@repo/auth/create-logger';
import { createLogger } from '@repo/auth/create-logger';
import { createMailer } from '@repo/auth/mail-delivery';
import { argon2Hasher, type PasswordHasher } from '@repo/auth/password-hashing';
import type { ProviderConfig } from '@repo/auth/provider-config';
import type { ThrottleLimits } from '@repo/auth/throttle';
import { type Migrations, migrateToLatest } from '@repo/schema/migrate-to-latest';
import { expect, inject, onTestFinished } from 'vitest';
import { startedProcesses, stopAllProcesses } from './app-process.ts';
import type { Dialect } from './dialect.ts';
import { findLogLeaks } from './find-log-leaks.ts';
import type { MailCatcher } from './mail/mail-catcher.ts';
import { TestClient } from './test-client.ts';
import type { TestDatabase } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's admin URL of the database server (global-setup.ts); `null` for SQLite. */
    databaseServerUrl: string | null;
  }
}

export interface ConformanceSuiteOptions {
  /** The app's dialect: its record in `packages/testing/src/dialects`. */
  dialect: Dialect;
  /** The dialect's migrations, applied to each test database. */
  migrations: Migrations;
  /** The app's own `openDatabase`, pointed at a test database. */
  openDatabase(options: { location: string; poolSize?: number; logger: AppLogger }): AppDatabase;
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
  limits?: Partial<ThrottleLimits>;
  trustProxy?: boolean;
  passwords?: PasswordHasher;
  /** OpenID Connect providers (`AUTH_PROVIDERS`). */
  providers?: ProviderConfig[];
  /**
   * Mail set up (`SMTP_URL`) to this catcher's SMTP server, delivered by a
   * mailer that reads the outbox every 100 ms and tries again after 100 ms,
   * doubling: quick enough for tests, the same code as a process runs.
   */
  mail?: MailCatcher;
  /** `AUTH_ENCRYPTION_KEY`: TOTP secrets sealed with it. */
  encryptionKey?: Buffer;
}

/** An app over a database of its own, and what a test needs to look at it. */
export type OpenedApp = AppDatabase & {
  app: ReturnType<typeof createApp>;
  origin: string;
  database: TestDatabase;
  /** A new client with no cookie. */
  client(): TestClient;
  /** Every line the app has logged so far (debug level and above), as JSON text. */
  logLines(): string[];
};

export const defaultOrigin = 'http://localhost:3000';

/**
 * Opens apps over fresh databases for one test file, and closes and drops
 * them all when the file is done. Every app logs through the app's own
 * logger into memory; when the file is done, those lines and the output of
 * every app process it started are checked for what no log line may carry
 * (find-log-leaks.ts), whichever test wrote them.
 */
export class Harness {
  readonly options: ConformanceSuiteOptions;
  /**
   * Every session token the file's tests were given (its clients record
   * them), which the log check looks for besides anything shaped like one.
   */
  readonly received = new Set<string>();
  readonly #opened: OpenedApp[] = [];
  readonly #databases: TestDatabase[] = [];
  readonly #logLines: string[][] = [];
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
    this.#main = await this.#openApp({});
  }

  /** Creates an empty database, dropped when the file is done. */
  async createDatabase(): Promise<TestDatabase> {
    const database = await this.dialect.createDatabase(inject('databaseServerUrl'));
    this.#databases.push(database);
    return database;
  }

  /**
   * Creates a database and opens an app over it, the way the app's main
   * does, for the test that calls it: the app's pool is closed when that test
   * is done (the database stays until the file is), so that the apps of a
   * file do not hold their idle connections to its end. One a hook opens is
   * closed when the file is done.
   */
  async open(options: OpenAppOptions = {}): Promise<OpenedApp> {
    const opened = await this.#openApp(options);
    try {
      onTestFinished(() => opened.close().catch(() => {}));
    } catch {
      // Opened by a hook (beforeAll) rather than a test: closed with the file.
    }
    return opened;
  }

  async #openApp(options: OpenAppOptions): Promise<OpenedApp> {
    const origin = options.origin ?? defaultOrigin;
    const database = options.database ?? (await this.createDatabase());
    const lines: string[] = [];
    this.#logLines.push(lines);
    const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
    const opened = this.options.openDatabase({
      location: database.location,
      poolSize: options.poolSize,
      logger,
    });
    if (options.migrate !== false) await migrateToLatest(opened.db, this.options.migrations);
    const mailer = options.mail
      ? createMailer({
          db: opened.db,
          smtpUrl: options.mail.url,
          from: 'Auth tests <auth@example.test>',
          origin,
          logger,
          passwords: options.passwords ?? argon2Hasher,
          pollMs: 100,
          retryMs: 100,
        })
      : null;
    mailer?.start();
    const app = createApp({
      mailer,
      db: opened.db,
      adapter: opened.adapter,
      origin,
      logger,
      limits: options.limits,
      trustProxy: options.trustProxy,
      passwords: options.passwords,
      providers: options.providers,
      encryptionKey: options.encryptionKey ?? null,
    });
    const result: OpenedApp = {
      ...opened,
      close: async () => {
        await mailer?.stop();
        await opened.close();
      },
      app,
      origin,
      database,
      client: () => new TestClient(app, origin, this.received),
      logLines: () => [...lines],
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
    await stopAllProcesses();
    for (const opened of this.#opened) await opened.close().catch(() => {});
    for (const database of this.#databases) await database.drop();
    const lines = [
      ...this.#logLines.flat(),
      ...startedProcesses().flatMap((run) => run.output().split('\n')),
    ];
    expect(findLogLeaks(lines, this.received), 'what the apps logged').toEqual([]);
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
