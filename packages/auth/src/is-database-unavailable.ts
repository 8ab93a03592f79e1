/**
 * Whether a driver error means the database cannot be reached right now (the
 * request may succeed later), as opposed to a bug. Kysely and Lucia pass
 * driver errors through as they are and no library classifies them, so the
 * codes are named here: connection errors of Node's sockets (pg, mysql2),
 * PostgreSQL's SQLSTATE classes 08 (connection) and 57P (shutdown), mysql2's
 * lost connections, a Galera node that is not synced yet (it answers 1047,
 * ER_UNKNOWN_COM_ERROR: "WSREP has not yet prepared node for application
 * use"), SQLite's busy and locked database.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EHOSTUNREACH',
      'PROTOCOL_CONNECTION_LOST',
      'POOL_CLOSED',
      'ER_UNKNOWN_COM_ERROR',
      'SQLITE_BUSY',
      'SQLITE_LOCKED',
    ].includes(code) ||
    /^(08|57P)/.test(code)
  ) {
    return true;
  }
  // pg reports a dropped connection or a connect timeout without a code (its
  // client's limit: 'timeout expired'; its pool's: 'timeout exceeded ...'),
  // and mysql2 a pooled connection whose server went away before its next
  // query (seen when a Galera node was killed under load).
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|^timeout expired$|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Can't add new command when connection is in closed state/.test(
    message,
  );
}
