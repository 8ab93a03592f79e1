import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import { ApiError } from './api-error.ts';
import type { AppDatabase } from './app-database.ts';
import type { AppEnv } from './app-env.ts';
import { authRoutes } from './auth-routes.ts';
import { handleError, handleNotFound } from './handle-error.ts';
import { healthRoute } from './health-route.ts';
import { originCheck } from './origin-check.ts';
import { sessionMiddleware } from './session-middleware.ts';

export interface CreateAppOptions extends Pick<AppDatabase, 'db' | 'lucia'> {
  /** The public origin (`ORIGIN`): the only `Origin` an unsafe request may carry. */
  origin: string;
  logger: Logger;
}

/**
 * The whole HTTP surface of shared/API.md over any dialect: give it the
 * Kysely and the Lucia that share one pool.
 *
 * @example
 * const app = createApp({ db, lucia, origin: 'http://localhost:3000', logger });
 * const res = await app.request('/healthz');
 */
export function createApp({ db, lucia, origin, logger }: CreateAppOptions) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use('/api/*', async (c, next) => {
    await next();
    // Every API answer carries user data, a cookie, or an error about them.
    c.header('Cache-Control', 'no-store');
  });
  app.use(originCheck(origin));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new ApiError('payload_too_large');
      },
    }),
  );
  app.use('/api/*', sessionMiddleware(lucia));
  app.route('/api', authRoutes({ db, lucia }));
  app.route('/', healthRoute(db));
  app.notFound(handleNotFound);
  app.onError(handleError(logger));
  return app;
}
