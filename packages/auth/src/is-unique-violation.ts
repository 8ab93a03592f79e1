/**
 * Whether a driver error is a unique-constraint violation. Kysely passes
 * driver errors through as they are, and no library normalizes them, so the
 * three codes are named here: PostgreSQL's SQLSTATE 23505, MySQL's
 * ER_DUP_ENTRY, SQLite's SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return [
    '23505',
    'ER_DUP_ENTRY',
    'SQLITE_CONSTRAINT_UNIQUE',
    'SQLITE_CONSTRAINT_PRIMARYKEY',
  ].includes(String(error.code));
}
