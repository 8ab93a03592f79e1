import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { type Migrations, migrateToLatest } from '@repo/schema/migrate-to-latest';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { AppDatabase } from './app-database.ts';
import { type Config, ConfigError, parseConfig, resolveOrigin } from './config.ts';
import { createApp } from './create-app.ts';
import { createLogger, type Logger } from './create-logger.ts';
import { runHousekeeping } from './housekeeping.ts';
import { argon2Hasher } from './password-hashing.ts';
import { checkStoredSecrets } from './stored-secrets-check.ts';

export interface StartServerOptions<Extra extends z.ZodRawShape> {
  /** The app's own variables, beside the common ones of docs/API.md. */
  env: Extra;
  /** Names the database for start-up errors, never with its password. */
  describeDatabase(config: Config<Extra>): string;
  /** Opens the one pool that Kysely and Lucia's adapter share. */
  openDatabase(config: Config<Extra>, logger: Logger): AppDatabase;
  migrations: Migrations;
}

/** How long in-flight requests may take to finish after SIGTERM or SIGINT. */
const shutdownGraceMs = 10_000;
const housekeepingEveryMs = 60 * 60 * 1000;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}

/**
 * Everything `main.ts` does: parses the environment, opens the database,
 * applies pending migrations, serves, and on SIGTERM or SIGINT stops taking
 * connections, finishes the requests in flight, closes the pool and exits 0.
 * A bad variable or an unreachable database ends the process with one line
 * that names it, and exit code 1.
 */
export async function startServer<Extra extends z.ZodRawShape>(
  options: StartServerOptions<Extra>,
): Promise<void> {
  let config: Config<Extra>;
  try {
    config = parseConfig(process.env, options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`invalid configuration: ${error.message}`);
    process.exit(1);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const target = options.describeDatabase(config);
  const fail = (message: string): never => {
    logger.fatal(message);
    logger.flush();
    process.exit(1);
  };

  let database: AppDatabase;
  try {
    database = options.openDatabase(config, logger);
    await sql`select 1`.execute(database.db);
  } catch (error) {
    return fail(`cannot open ${target}: ${reasonOf(error)}`);
  }
  try {
    const applied = await migrateToLatest(database.db, options.migrations);
    logger.info(
      { applied },
      applied.length ? `applied ${applied.join(', ')}` : 'schema is current',
    );
  } catch (error) {
    return fail(`${target}: ${reasonOf(error)}`);
  }

  const { db, adapter } = database;
  const encryptionKey = config.AUTH_ENCRYPTION_KEY ?? null;
  const secrets = await checkStoredSecrets(db, encryptionKey);
  if (secrets) logger[secrets.level](secrets.message);

  // The app is made once the server listens: with PORT=0 and no ORIGIN, the
  // default origin must name the port the system chose.
  const server = createServer();
  server.listen(config.PORT, config.HOST);
  try {
    await once(server, 'listening');
  } catch (error) {
    return fail(`cannot listen on ${config.HOST}:${config.PORT}: ${reasonOf(error)}`);
  }
  const { port } = server.address() as AddressInfo;
  const origin = resolveOrigin(config, port);
  // Mail is delivered by every process from the outbox they share, each
  // row by one of them (outbox.ts); it starts once the app serves. Without
  // SMTP_URL nodemailer is not even loaded (4 MB of a process's memory).
  const mailer =
    config.SMTP_URL && config.MAIL_FROM
      ? (await import('./mail-delivery.ts')).createMailer({
          db,
          smtpUrl: config.SMTP_URL,
          from: config.MAIL_FROM,
          origin,
          logger,
          passwords: argon2Hasher,
        })
      : null;
  const app = createApp({
    mailer,
    encryptionKey,
    db,
    adapter,
    origin,
    logger,
    trustProxy: config.TRUST_PROXY,
    providers: config.providers,
    limits: {
      signinPerAddress: config.RATE_LIMIT_SIGNIN_IP,
      signupPerAddress: config.RATE_LIMIT_SIGNUP_IP,
      providerFlowsPerAddress: config.RATE_LIMIT_PROVIDER_IP,
    },
  });
  server.on('request', getRequestListener(app.fetch, { hostname: config.HOST }));
  server.on('error', (error) => logger.error({ err: error }, 'server error'));
  // The address to open comes first and alone: the pages answer only at
  // their origin (the CSRF check), not at the address the socket binds.
  logger.info({ bind: `${config.HOST}:${port}`, database: target }, `serving ${origin}`);
  if (mailer) mailer.start();
  else logger.info('SMTP_URL is not set: no e-mail features (address, password reset, notices)');

  // Housekeeping starts once the app serves, and is not waited for: a
  // backlog of expired rows is swept a batch at a time beside the requests.
  const housekeeping = () =>
    runHousekeeping(db).catch((error) =>
      logger.warn({ err: error }, 'housekeeping failed; it runs again in an hour'),
    );
  void housekeeping();
  // unref: the timer alone does not keep the process alive.
  setInterval(housekeeping, housekeepingEveryMs).unref();

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping: finishing requests in flight');
    // Closes idle keep-alive connections too; busy ones once their response is sent.
    server.close(async () => {
      await mailer?.stop();
      await database.close();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    });
    setTimeout(() => server.closeAllConnections(), shutdownGraceMs).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
