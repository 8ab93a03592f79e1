import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * One JSON line per event on standard output, at `level` and above. Never
 * give it a password, a hash or a session token.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
