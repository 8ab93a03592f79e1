import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import { accountRoutes } from './account-routes.ts';
import { createAccountService } from './account-service.ts';
import { ApiError } from './api-error.ts';
import type { AppDatabase } from './app-database.ts';
import type { AppEnv } from './app-env.ts';
import { authRoutes } from './auth-routes.ts';
import { createAuthService } from './auth-service.ts';
import { clientAddress } from './client-address.ts';
import { describeProviderError } from './describe-provider-error.ts';
import { emailRoutes } from './email-routes.ts';
import { createEmailService } from './email-service.ts';
import { handleError, handleNotFound } from './handle-error.tsx';
import { healthRoute } from './health-route.ts';
import { createIdentityService } from './identity-service.ts';
import type { Mailer } from './mail-delivery.ts';
import { originCheck } from './origin-check.ts';
import { pageRoutes } from './page-routes.tsx';
import { passkeyRoutes } from './passkey-routes.ts';
import { passkeyScriptRoute } from './passkey-script-route.ts';
import { createPasskeyService } from './passkey-service.ts';
import { createPasskeySignIn } from './passkey-sign-in.ts';
import { argon2Hasher, type PasswordHasher } from './password-hashing.ts';
import type { ProviderConfig } from './provider-config.ts';
import { createProviderDirectory } from './provider-directory.ts';
import { providerRoutes } from './provider-routes.tsx';
import { responseHeaders } from './response-headers.ts';
import { secondFactorGuard } from './second-factor-guard.ts';
import { secondFactorPageRoutes } from './second-factor-page-routes.tsx';
import { secondFactorRoutes } from './second-factor-routes.ts';
import { createSecondFactorService } from './second-factor-service.ts';
import { sessionMiddleware } from './session-middleware.ts';
import { createSessions } from './sessions.ts';
import { styleRoute } from './style-route.ts';
import { defaultLimits, type ThrottleLimits } from './throttle.ts';

const bodylessMethods = new Set(['GET', 'HEAD']);

export interface CreateAppOptions extends Pick<AppDatabase, 'db' | 'adapter'> {
  /**
   * The public origin (`ORIGIN`): the only `Origin` an unsafe request may
   * carry; https makes the session cookie `Secure`.
   */
  origin: string;
  logger: Logger;
  /** Whether the client address is the last `X-Forwarded-For` hop (`TRUST_PROXY`). */
  trustProxy?: boolean;
  /** The per-address limits; each one left out is docs/API.md's default. */
  limits?: Partial<ThrottleLimits>;
  /** Argon2id by default; tests pass one that counts its calls. */
  passwords?: PasswordHasher;
  /** The OpenID Connect providers of `AUTH_PROVIDERS`; none by default. */
  providers?: ProviderConfig[];
  /**
   * Delivers the outbox (`SMTP_URL`), started and stopped by its owner; without
   * it the app has no e-mail features.
   */
  mailer?: Mailer | null;
  /** `AUTH_ENCRYPTION_KEY`: TOTP secrets are sealed with it; none by default. */
  encryptionKey?: Buffer | null;
}

/**
 * The whole HTTP surface of docs/API.md over any dialect, the JSON API and
 * the pages: give it the Kysely and Lucia's adapter that share one pool.
 *
 * @example
 * const { db, adapter } = openDatabase({ url });
 * const logger = createLogger('info');
 * const app = createApp({ db, adapter, origin: 'http://localhost:3000', logger });
 * const res = await app.request('/healthz');
 */
export function createApp(options: CreateAppOptions) {
  const { db, origin, logger, trustProxy = false } = options;
  const sessions = createSessions({ db, adapter: options.adapter, origin });
  const limits = { ...defaultLimits, ...options.limits };
  const passwords = options.passwords ?? argon2Hasher;
  const mailer = options.mailer ?? null;
  const service = createAuthService({ db, sessions, logger, limits, passwords, mailer });
  const providers = createProviderDirectory(options.providers ?? []);
  const identities = createIdentityService({
    db,
    logger,
    providers,
    limits,
    origin,
    sessions,
    mailer,
  });
  // Discovery starts now, so that the first button is quick; a provider
  // that is down does not stop the app, and is asked again at the next try.
  for (const provider of providers.list()) {
    provider.discover().then(
      () => logger.info({ provider: provider.name }, 'provider discovered'),
      (error: unknown) =>
        logger.warn(
          { provider: provider.name, code: describeProviderError(error).code },
          'provider cannot be reached; it is asked again at the next sign-in through it',
        ),
    );
  }

  const app = new Hono<AppEnv>();
  // First: the security headers, the request id and Cache-Control on every
  // response, including those of the error handler.
  app.use(responseHeaders({ formTargets: () => providers.formTargets(), origin }));
  app.use(requestId());
  // At debug level each request is logged as it arrives; at other levels this
  // middleware is not installed, so the hot path builds no log object.
  if (logger.isLevelEnabled('debug')) {
    app.use(async (c, next) => {
      logger.debug(
        { requestId: c.get('requestId'), method: c.req.method, path: c.req.path },
        'request',
      );
      await next();
    });
  }
  app.use(originCheck(origin, logger));
  // Every body, JSON or form, at most 16 KiB. GET and HEAD have none (the
  // Fetch API drops it), and asking builds the whole Request object that
  // @hono/node-server otherwise spares.
  const limitBody = bodyLimit({
    maxSize: 16 * 1024,
    onError: () => {
      throw new ApiError('payload_too_large');
    },
  });
  app.use((c, next) => (bodylessMethods.has(c.req.method) ? next() : limitBody(c, next)));
  // Before the session middleware: the stylesheet is the same for everyone.
  app.route('/', styleRoute());
  app.route('/', passkeyScriptRoute());
  app.use(sessionMiddleware(sessions));
  // A session waiting for its second factor reaches only that and sign-out.
  app.use(secondFactorGuard(db));
  const addressOf = (c: Context) => clientAddress(c, trustProxy);
  app.route('/api', authRoutes({ service, identities, addressOf }));
  const secondFactors = createSecondFactorService({
    db,
    sessions,
    logger,
    limits,
    origin,
    encryptionKey: options.encryptionKey ?? null,
    mailer,
  });
  app.route('/api', secondFactorRoutes({ secondFactors, addressOf }));
  const account = createAccountService({ db, sessions, logger, mailer });
  app.route('/api', accountRoutes({ account, addressOf }));
  const passkeys = createPasskeyService({ db, logger, origin, mailer });
  const signIns = createPasskeySignIn({ db, logger, origin, sessions, limits });
  app.route('/api', passkeyRoutes({ passkeys, signIns, addressOf }));
  const email = mailer ? createEmailService({ db, logger, limits, passwords, mailer }) : null;
  if (email) app.route('/api', emailRoutes({ email, addressOf }));
  const choices = providers.list().map(({ name, label }) => ({ name, label }));
  app.route(
    '/',
    pageRoutes({ service, identities, providers: choices, addressOf, email, account, passkeys }),
  );
  app.route(
    '/',
    providerRoutes({ identities, providers, secure: origin.startsWith('https://'), addressOf }),
  );
  app.route('/', secondFactorPageRoutes({ secondFactors, identities, addressOf }));
  app.route('/', healthRoute(db));
  app.notFound(handleNotFound);
  app.onError(handleError(logger));
  return app;
}
