import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * One JSON line per event on standard output (or `destination`), at `level`
 * and above. Never give it a password, a hash or a session token.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
}
