import type Sqlite from 'better-sqlite3';

/**
 * Makes `database.prepare` hand out one statement per SQL text, kept for the
 * life of the connection.
 *
 * Why: on Node.js 24, a native addon's object that V8 garbage-collects
 * outside a JavaScript context aborts the process (`Assertion failed: (env)
 * != nullptr` in RemoveEnvironmentCleanupHook: Node 24's ObjectWrap header
 * registers a cleanup hook that its destructor cannot always remove).
 * better-sqlite3 11 and 12 both hit it through their Statement objects, and
 * Kysely and Lucia's adapter prepare a new statement for every query, so a
 * busy app makes that garbage all the time. With one statement per text,
 * none becomes garbage: the texts are the app's fixed set of queries, with
 * values bound, never inlined. Neither library changes a statement's modes
 * (raw, pluck, expand, safeIntegers), so sharing one is safe.
 */
export function reuseStatements(database: Sqlite.Database): void {
  const prepare = database.prepare.bind(database);
  const statements = new Map<string, Sqlite.Statement>();
  database.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      statements.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
}
