import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import { ApiError } from './api-error.ts';
import type { AppDatabase } from './app-database.ts';
import type { AppEnv } from './app-env.ts';
import { authRoutes } from './auth-routes.ts';
import { createAuthService } from './auth-service.ts';
import { clientAddress } from './client-address.ts';
import { handleError, handleNotFound } from './handle-error.tsx';
import { healthRoute } from './health-route.ts';
import { originCheck } from './origin-check.ts';
import { pageRoutes } from './page-routes.tsx';
import { argon2Hasher, type PasswordHasher } from './password-hashing.ts';
import { responseHeaders } from './response-headers.ts';
import { sessionMiddleware } from './session-middleware.ts';
import { styleRoute } from './style-route.ts';
import type { ThrottleLimits } from './throttle.ts';

const bodylessMethods = new Set(['GET', 'HEAD']);

export interface CreateAppOptions extends Pick<AppDatabase, 'db' | 'lucia'> {
  /** The public origin (`ORIGIN`): the only `Origin` an unsafe request may carry. */
  origin: string;
  logger: Logger;
  /** Whether the client address is the last `X-Forwarded-For` hop (`TRUST_PROXY`). */
  trustProxy?: boolean;
  limits?: ThrottleLimits;
  /** Argon2id by default; tests pass one that counts its calls. */
  passwords?: PasswordHasher;
}

/**
 * The whole HTTP surface of docs/API.md over any dialect, the JSON API and
 * the pages: give it the Kysely and the Lucia that share one pool.
 *
 * @example
 * const app = createApp({ db, lucia, origin: 'http://localhost:3000', logger });
 * const res = await app.request('/healthz');
 */
export function createApp(options: CreateAppOptions) {
  const { db, lucia, origin, logger, trustProxy = false } = options;
  const service = createAuthService({
    db,
    lucia,
    logger,
    limits: options.limits ?? { signinPerAddress: 10, signupPerAddress: 30 },
    passwords: options.passwords ?? argon2Hasher,
  });

  const app = new Hono<AppEnv>();
  // First: the security headers, the request id and Cache-Control on every
  // response, including those of the error handler.
  app.use(responseHeaders());
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
  app.use(originCheck(origin));
  // Every body, JSON or form, at most 16 KiB. GET and HEAD have none (the
  // Fetch API drops it), and asking builds the whole Request object that
  // @hono/node-server otherwise spares (pnpm bench).
  const limitBody = bodyLimit({
    maxSize: 16 * 1024,
    onError: () => {
      throw new ApiError('payload_too_large');
    },
  });
  app.use((c, next) => (bodylessMethods.has(c.req.method) ? next() : limitBody(c, next)));
  // Before the session middleware: the stylesheet is the same for everyone.
  app.route('/', styleRoute());
  app.use(sessionMiddleware(db, lucia));
  const addressOf = (c: Context) => clientAddress(c, trustProxy);
  app.route('/api', authRoutes({ service, addressOf }));
  app.route('/', pageRoutes({ service, addressOf }));
  app.route('/', healthRoute(db));
  app.notFound(handleNotFound);
  app.onError(handleError(logger));
  return app;
}
