// `pnpm bench`: every dialect's app as a real process against its peers (a bare
// Lucia server, better-auth) and a baseline on the raw driver,
// then bench/results.json, bench/results.md and bench/results.svg.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { listDialects, loadDialect } from '@repo/testing/dialect';
import { type BenchPlan, benchDialect, type DialectReport } from './bench-dialect.ts';
import { createLoadWatch, waitForQuietMachine } from './machine-load.ts';
import type { ResultRow } from './result-row.ts';
import { renderTables, writeResults } from './write-results.ts';

// BENCH_QUICK=1 (shorter runs) and BENCH_DIALECTS=sqlite,... are for trying
// a change; BENCH_SMOKE=1 (one run of a second each: CI's proof that the
// bench still runs). They print the tables and write no results file.
const smoke = process.env.BENCH_SMOKE === '1';
const quick = smoke || process.env.BENCH_QUICK === '1';
const plan: BenchPlan = {
  meDurationS: smoke ? 1 : quick ? 2 : 4,
  meRuns: smoke ? 1 : quick ? 2 : 3,
  warmupS: quick ? 1 : 2,
  meConnections: 10,
  signinWindowS: smoke ? 1.5 : quick ? 2 : 4,
  signinConnections: 8,
  probeRate: 200,
  probeConnections: 4,
  starts: quick ? 1 : 3,
  // BENCH_PROFILE=<folder>: the app writes a CPU profile there (node --cpu-prof).
  appNodeFlags: process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [],
};

const dialects = listDialects();

function selectedDialects(): string[] {
  const named = process.env.BENCH_DIALECTS?.split(',').filter(Boolean);
  if (!named) return dialects;
  const unknown = named.filter((name) => !dialects.includes(name));
  if (unknown.length) throw new Error(`BENCH_DIALECTS: unknown ${unknown.join(', ')}`);
  return named;
}

/** A dependency's version, from its package.json (found beside its entry: not every package exports it). */
function readPackageVersion(name: string): string {
  let folder = dirname(createRequire(import.meta.url).resolve(name));
  while (!folder.endsWith(`/node_modules/${name}`) && folder !== dirname(folder)) {
    folder = dirname(folder);
  }
  const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    version: string;
  };
  return version;
}

/** The apps' `start` script, as results.md names it (the SQLite app's stands for all three): it builds, then runs the bundle. */
function appStartCommand(): string {
  const path = new URL('../../apps/sqlite/package.json', import.meta.url);
  const { scripts } = JSON.parse(readFileSync(path, 'utf8')) as { scripts: { start: string } };
  return `\`${scripts.start}\``;
}

// BENCH_MAX_LOAD (default 1): the highest 1-minute load average at which a
// run judges its goals; BENCH_QUIET_WAIT_S (default 600): how long a full run
// waits for it before it starts anyway, judging none.
const watch = createLoadWatch(Number(process.env.BENCH_MAX_LOAD ?? 1));
const quietWaitMs = Number(process.env.BENCH_QUIET_WAIT_S ?? 600) * 1000;
// Every line says the load it was written at.
const log = (line: string) => console.error(`[bench load ${watch.read().toFixed(2)}] ${line}`);
if (!quick && !(await waitForQuietMachine(watch, quietWaitMs, log))) {
  log(`the machine did not become quiet: this run judges no goal`);
}
watch.markStart();
const selected = selectedDialects();
const rows: ResultRow[] = [];
const serverVersions: Partial<Record<string, string>> = {};
const meRuns: Partial<Record<string, DialectReport['meRuns']>> = {};
const startedAt = new Date();
const loadBefore = watch.atStart;
for (const dialect of selected) {
  const report = await benchDialect(await loadDialect(dialect), plan, log);
  rows.push(...report.rows);
  serverVersions[dialect] = report.serverVersion;
  meRuns[dialect] = report.meRuns;
}
const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
if (quick || selected.length < dialects.length) {
  log(`done in ${durationS} s; a partial run writes no results file`);
  console.log(renderTables(rows, selected, watch));
} else {
  const tables = writeResults(rows, plan, {
    appStart: appStartCommand(),
    betterAuthVersion: readPackageVersion('better-auth'),
    serverVersions,
    meRuns,
    cores: availableParallelism(),
    startedAt,
    durationS,
    loadBefore,
    loadAfter: watch.read(),
    watch,
  });
  console.log(tables);
  // Said last, where it is read: the committed results are now replaced.
  log(
    `done in ${durationS} s; rewrote bench/results.json, bench/results.md and bench/results.svg with this run's figures (\`git diff bench/results.md\` shows what moved; \`git checkout bench/results.*\` puts the committed ones back)`,
  );
}
