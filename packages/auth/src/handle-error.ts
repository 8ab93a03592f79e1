import type { ErrorHandler, NotFoundHandler } from 'hono';
import type { Logger } from 'pino';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { isDatabaseUnavailable } from './is-database-unavailable.ts';

/**
 * Turns what a route throws into a response: an `ApiError` into the contract's
 * JSON; a database that cannot be reached into `503 service_unavailable`;
 * anything else is logged with the request id and answered `500
 * internal_error`, never with a stack trace.
 */
export function handleError(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status, error.headers);
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error, requestId: c.get('requestId') }, 'database unavailable');
      const unavailable = new ApiError('service_unavailable');
      return c.json(unavailable.toBody(), unavailable.status, { 'Retry-After': '5' });
    }
    logger.error({ err: error, requestId: c.get('requestId') }, 'unexpected error');
    return c.json(new ApiError('internal_error').toBody(), 500);
  };
}

/** `404 not_found` in the contract's JSON under `/api`, plain text elsewhere. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) => {
  if (c.req.path.startsWith('/api/')) {
    const error = new ApiError('not_found');
    return c.json(error.toBody(), error.status);
  }
  return c.text('Not found', 404);
};
