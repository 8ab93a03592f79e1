/** The part of a SQLite connection the cache uses: better-sqlite3's `Database` has it. */
export interface PreparingConnection<S extends object> {
  prepare(source: string): S;
  close(): void;
}

export interface StatementCacheOptions {
  /** How many statements it keeps; past that, the least recently used is dropped. */
  limit?: number;
}

/**
 * A SQLite connection that prepares each SQL text once and hands out the
 * same statement for it again, as better-sqlite3 advises ("prepare once, run
 * many"): Kysely's `SqliteDialect` and Lucia's SQLite adapter both call
 * `prepare(sql)` for every query, and preparing costs about as much as
 * running one of this app's small queries. It is the whole of what either
 * library calls on the connection, `prepare` and `close`, and delegates both
 * to the real one, which it does not change.
 *
 * Sharing a statement is safe here: a statement holds no state between runs
 * (`all`, `get` and `run` bind their values each time, and finish before they
 * return), neither library switches its modes (`raw`, `pluck`,
 * `safeIntegers`), and SQLite re-prepares a statement by itself when a
 * migration changes the schema. A transaction is the connection's, not a
 * statement's: `begin` and `commit` are cached like any text. Nor is a
 * statement wanted twice at once: better-sqlite3 refuses to run one while an
 * `iterate()` over it is open, but Kysely holds its one connection for a
 * `stream()` until it ends, so no other Kysely query runs meanwhile, and
 * Lucia's adapter, whose texts are its own, iterates nothing.
 *
 * The limit bounds memory, not speed: the app's texts are a fixed set of a
 * few dozen (values are bound, never written into the SQL), but a list of
 * values (`where id in (?, ?, …)`) makes one text per length, and a
 * statement keeps its compiled program (a few kilobytes) until it is dropped.
 *
 * @example
 * const database = new StatementCache(new Sqlite(path));
 * const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
 */
export class StatementCache<S extends object> {
  readonly #connection: PreparingConnection<S>;
  readonly #limit: number;
  /** By SQL text, least recently used first (a `Map` keeps insertion order). */
  readonly #statements = new Map<string, S>();

  constructor(connection: PreparingConnection<S>, { limit = 256 }: StatementCacheOptions = {}) {
    this.#connection = connection;
    this.#limit = limit;
  }

  /** The statement of `source`, prepared on its first use. */
  prepare(source: string): S {
    const cached = this.#statements.get(source);
    const statement = cached ?? this.#connection.prepare(source);
    this.#statements.delete(source);
    this.#statements.set(source, statement);
    if (this.#statements.size > this.#limit) {
      const [oldest] = this.#statements.keys();
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    return statement;
  }

  /** How many statements it holds. */
  get size(): number {
    return this.#statements.size;
  }

  /** Closes the connection, which finalizes every statement it prepared. */
  close(): void {
    this.#statements.clear();
    this.#connection.close();
  }
}
