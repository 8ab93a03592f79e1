// `pnpm --filter @repo/bench sqlite-gc`: does better-sqlite3 abort Node.js
// when the garbage collector frees its statements? The bare Lucia server on
// SQLite (src/bare-lucia/sqlite.ts: Lucia's adapter prepares a statement per
// query and drops it) takes bursts of `GET /api/me` with idle pauses between
// them, when V8 collects what a burst left. Exits 1 if the server dies.
// SQLITE_GC_BURSTS (default 40), SQLITE_GC_BURST_S (1), SQLITE_GC_PAUSE_S (2);
// BENCH_BETTER_SQLITE3=<folder> tries another install of better-sqlite3.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadDialect } from '@repo/testing/dialect';
import { createBenchDatabase } from './bench-database.ts';
import { serversOf } from './dialects.ts';
import { runLoad } from './run-load.ts';
import { startServerProcess } from './server-process.ts';

const bursts = Number(process.env.SQLITE_GC_BURSTS ?? 40);
const burstS = Number(process.env.SQLITE_GC_BURST_S ?? 1);
const pauseS = Number(process.env.SQLITE_GC_PAUSE_S ?? 2);
const override = process.env.BENCH_BETTER_SQLITE3;
const packageJson = override
  ? join(override, 'package.json')
  : createRequire(import.meta.url).resolve('better-sqlite3/package.json');
const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
const label = `better-sqlite3 ${version} on Node.js ${process.version}`;

const database = await createBenchDatabase(await loadDialect('sqlite'));
const server = await startServerProcess(serversOf('sqlite').bareLucia, database.env, {
  path: '/api/me',
  status: 401,
});
let verdict = 0;
try {
  const signup = await fetch(`${server.url}/api/signup`, {
    method: 'POST',
    headers: { Origin: server.url, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'gc_user', password: randomBytes(12).toString('hex') }),
  });
  const cookie = signup.headers.getSetCookie()[0]?.split(';')[0];
  if (signup.status !== 201 || !cookie) throw new Error(`sign-up answered ${signup.status}`);
  let requests = 0;
  for (let burst = 1; burst <= bursts; burst += 1) {
    const result = await runLoad({
      url: `${server.url}/api/me`,
      headers: { Cookie: cookie },
      connections: 10,
      durationS: burstS,
    });
    requests += result.ok;
    await new Promise((resolve) => setTimeout(resolve, pauseS * 1000));
    if (server.exited()) {
      const crash = server
        .output()
        .split('\n')
        .filter((line) => /assert|abort|signal|fatal|exited/i.test(line))
        .join('\n');
      console.log(
        `${label}: the server died after burst ${burst} (${requests} requests):\n${crash}`,
      );
      verdict = 1;
      break;
    }
    console.error(`[sqlite-gc] burst ${burst}: ${Math.round(result.rps)} rps, alive`);
  }
  if (verdict === 0) {
    console.log(
      `${label}: alive after ${bursts} bursts of ${burstS} s, ${pauseS} s apart (${requests} requests)`,
    );
  }
} finally {
  await server.stop();
  await database.drop();
}
process.exit(verdict);
