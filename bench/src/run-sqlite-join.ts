// `pnpm --filter @repo/bench sqlite-join`: what one run of the join Lucia's
// SQLite adapter sends at every session check costs in this better-sqlite3,
// beside the same join with its value written into the SQL and the same read
// as a subquery, each on a statement prepared once (as StatementCache does),
// in memory, on the app's two tables with one row each. A join that costs
// several times the other two is re-prepared by SQLite at each run: better-
// sqlite3 then builds its row factory again (`Function()`), which the script
// counts. BENCH_BETTER_SQLITE3=<folder> tries another install of better-sqlite3.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const folder = process.env.BENCH_BETTER_SQLITE3 ?? join(require.resolve('better-sqlite3'), '../..');
const Sqlite: typeof BetterSqlite3 = require(folder);
const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
  version: string;
};

const database = new Sqlite(':memory:');
// The app's `user` and `session` columns (packages/schema's SQLite migrations, as applied).
database.exec(`
  CREATE TABLE "user" (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()), lock_version INTEGER NOT NULL DEFAULT 0,
    email TEXT, email_verified_at_ms INTEGER);
  CREATE TABLE "session" (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES "user" (id),
    expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    authenticated_at INTEGER NOT NULL DEFAULT 0, second_factor_pending INTEGER NOT NULL DEFAULT 0);
  INSERT INTO "user" (id, username) VALUES ('u1', 'bench');
  INSERT INTO "session" (id, user_id, expires_at) VALUES ('s1', 'u1', 4102444800);
`);

const luciaJoin =
  'SELECT `user`.* FROM `session` INNER JOIN `user` ON `user`.id = `session`.user_id WHERE `session`.id = ?';
const reads: [label: string, sql: string, args: string[]][] = [
  ["Lucia's join, value bound (as the adapter runs it)", luciaJoin, ['s1']],
  ['the same join, value written into the SQL', luciaJoin.replace('?', "'s1'"), []],
  [
    'the same read as a subquery, value bound',
    'SELECT * FROM `user` WHERE id = (SELECT user_id FROM `session` WHERE id = ?)',
    ['s1'],
  ],
  ["Lucia's session read, value bound", 'SELECT * FROM `session` WHERE id = ?', ['s1']],
];

// Counts `Function()` calls: better-sqlite3 13 compiles a row factory with
// it whenever SQLite reports that it re-prepared the statement.
let compiled = 0;
const { Function: OriginalFunction } = globalThis;
globalThis.Function = new Proxy(OriginalFunction, {
  apply(target, self, args) {
    compiled++;
    return Reflect.apply(target, self, args);
  },
});

const runs = 50_000;
console.log(`better-sqlite3 ${version}, SQLite ${sqliteVersion()}, Node.js ${process.version}`);
for (const [label, sql, args] of reads) {
  const statement = database.prepare(sql);
  for (let i = 0; i < 1000; i++) statement.get(...args);
  let best = Number.POSITIVE_INFINITY;
  compiled = 0;
  // The fastest of 5 rounds: the machine's other work only ever slows one.
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) statement.get(...args);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / runs / 1000);
  }
  const perRun = compiled / (5 * runs);
  console.log(
    `${best.toFixed(1).padStart(6)} µs  ${perRun.toFixed(2)} row factories per run  ${label}`,
  );
}

function sqliteVersion(): string {
  return (database.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}
