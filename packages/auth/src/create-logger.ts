import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * One JSON line per event on standard output (or `destination`), at `level`
 * and above. Never give it a password, a hash or a session token.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
    },
    destination,
  );
}

/** An error as a log line may carry it. */
interface LoggedError {
  type: string;
  code?: string;
  message: string;
  stack?: string;
  cause?: LoggedError;
}

/**
 * An error by its type, code and message, and nothing else of it. pino's own
 * serializer writes every property, and drivers give their errors the query:
 * mysql2 its text with the values inlined (`sql`), pg the row that failed
 * (`detail`, `where`), Node's URL errors the URL they could not parse
 * (`input`), password and all. An error with a code (a driver's, or Node's)
 * is known by it; one without is a bug, and keeps its stack to be found by.
 */
export function serializeError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = 'code' in error && error.code !== undefined ? String(error.code) : undefined;
  return {
    type: error.constructor.name,
    ...(code === undefined ? {} : { code }),
    message: error.message,
    ...(code === undefined && error.stack ? { stack: error.stack } : {}),
    ...(error.cause === undefined ? {} : { cause: serializeError(error.cause) }),
  };
}
