/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { isDatabaseUnavailable } from './is-database-unavailable.ts';
import { ErrorPage } from './pages/error-page.tsx';
import { isWriteConflict } from './retry-on-conflict.ts';

/** JSON for `/api`, a page for a browser everywhere else. */
function isApi(c: Context): boolean {
  return c.req.path.startsWith('/api/');
}

function renderError(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  message: string,
  headers?: Record<string, string>,
  back?: { href: string; text: string },
) {
  const page = (
    <ErrorPage user={c.get('user') ?? null} status={status} message={message} back={back} />
  );
  return c.html(page, status, headers);
}

/**
 * What an unexpected error becomes: 503 when the database cannot be reached,
 * or when a write lost to concurrent ones more times than it is retried (the
 * request may succeed later); else 500.
 */
function classify(error: unknown, logger: Logger, requestId: string): ApiError {
  if (isDatabaseUnavailable(error)) {
    logger.warn({ err: error, requestId }, 'database unavailable');
    return new ApiError('service_unavailable', { headers: { 'Retry-After': '5' } });
  }
  if (isWriteConflict(error)) {
    logger.warn({ err: error, requestId }, 'write conflict, after every retry');
    return new ApiError('service_unavailable', { headers: { 'Retry-After': '1' } });
  }
  logger.error({ err: error, requestId }, 'unexpected error');
  return new ApiError('internal_error');
}

/**
 * Turns what a route throws into a response: an `ApiError` into the contract's
 * JSON (a page outside `/api`); a database that cannot be reached into `503
 * service_unavailable`; anything else is logged with the request id and
 * answered `500 internal_error`, never with a stack trace.
 */
export function handleError(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    const answer = error instanceof ApiError ? error : classify(error, logger, c.get('requestId'));
    if (isApi(c)) return c.json(answer.toBody(), answer.status, answer.headers);
    return renderError(c, answer.status, answer.message, answer.headers, answer.back);
  };
}

/** `404 not_found` in the contract's JSON under `/api`, a page elsewhere. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) => {
  const error = new ApiError('not_found', { message: 'There is no page at this address.' });
  if (isApi(c)) return c.json(new ApiError('not_found').toBody(), error.status);
  return renderError(c, error.status, error.message);
};
