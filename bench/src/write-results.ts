import { writeFileSync } from 'node:fs';
import { cpus, type as osType, release, totalmem } from 'node:os';
import type { BenchPlan, DialectReport } from './bench-dialect.ts';
import type { Dialect } from './dialects.ts';
import { renderChart } from './render-chart.ts';
import type { ResultRow } from './result-row.ts';

export interface RunInfo {
  serverVersions: Partial<Record<Dialect, string>>;
  meRuns: Partial<Record<Dialect, DialectReport['meRuns']>>;
  cores: number;
  startedAt: Date;
  durationS: number;
  /** The 1-minute load average before and after: how busy the machine was. */
  loadBefore: number;
  loadAfter: number;
}

/** The goals this project sets (issue #6). */
export const goals = { meRatio: 0.9, p99DuringSignin: 2 };

const folder = new URL('../', import.meta.url);

/** `1234` rps, `0.93` ratio, `1.24` / `12.4` / `124` ms. */
function num(value: number | null, kind: 'rps' | 'ratio' | 'ms' | 'mb'): string {
  if (value === null || Number.isNaN(value)) return '–';
  if (kind === 'rps' || kind === 'mb') return value.toFixed(0);
  if (kind === 'ratio') return value.toFixed(2);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function rowOf(rows: ResultRow[], dialect: Dialect, scenario: ResultRow['scenario']): ResultRow {
  const row = rows.find((r) => r.dialect === dialect && r.scenario === scenario);
  if (!row) throw new Error(`no ${scenario} row for ${dialect}`);
  return row;
}

function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

/** The three tables of results.md, also printed by `pnpm bench`. */
export function renderTables(rows: ResultRow[], dialects: Dialect[]): string {
  const me = dialects.map((d) => rowOf(rows, d, 'me'));
  const lines = [
    `### GET /api/me: the app against a bare route on the raw driver`,
    '',
    `| dialect | app rps | baseline rps | ratio (goal ≥ ${goals.meRatio.toFixed(2)}) | app p50 / p99 ms | baseline p50 / p99 ms | CPU µs per request, app / baseline |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...me.map(
      (r) =>
        `| ${r.dialect} | ${num(r.rps, 'rps')} | ${num(r.baselineRps, 'rps')} | ${num(r.ratio, 'ratio')} ${verdict((r.ratio ?? 0) >= goals.meRatio)} | ${num(r.p50Ms, 'ms')} / ${num(r.p99Ms, 'ms')} | ${num(r.baselineP50Ms, 'ms')} / ${num(r.baselineP99Ms, 'ms')} | ${num(r.cpuUsPerRequest, 'rps')} / ${num(r.baselineCpuUsPerRequest, 'rps')} |`,
    ),
    '',
    `### POST /api/signin (Argon2id), and GET /api/me beside it`,
    '',
    `| dialect | sign-in rps | sign-in p50 / p99 ms | /api/me p99 idle ms | /api/me p99 during sign-in ms | during ÷ idle (goal ≤ ${goals.p99DuringSignin}) | control: the baseline's p99 idle / during ms, during ÷ idle |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...dialects.map((d) => {
      const signin = rowOf(rows, d, 'signin');
      const idle = rowOf(rows, d, 'me-idle');
      const during = rowOf(rows, d, 'me-during-signin');
      const control =
        during.baselineP99Ms === null || idle.baselineP99Ms === null
          ? null
          : during.baselineP99Ms / idle.baselineP99Ms;
      return `| ${d} | ${num(signin.rps, 'rps')} | ${num(signin.p50Ms, 'ms')} / ${num(signin.p99Ms, 'ms')} | ${num(idle.p99Ms, 'ms')} | ${num(during.p99Ms, 'ms')} | ${num(during.ratio, 'ratio')} ${verdict((during.ratio ?? Number.POSITIVE_INFINITY) <= goals.p99DuringSignin)} | ${num(idle.baselineP99Ms, 'ms')} / ${num(during.baselineP99Ms, 'ms')}, ${num(control, 'ratio')} |`;
    }),
    '',
    `### Start-up and memory`,
    '',
    '| dialect | start-up to the first 200, app / baseline ms | idle RSS, app / baseline MB | peak RSS of the app MB | peak RSS under /api/me, app / baseline MB |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...dialects.map((d) => {
      const startup = rowOf(rows, d, 'startup');
      const load = rowOf(rows, d, 'me');
      return `| ${d} | ${num(startup.startupMs, 'rps')} / ${num(startup.baselineStartupMs, 'rps')} | ${num(startup.rssMb, 'mb')} / ${num(startup.baselineRssMb, 'mb')} | ${num(startup.peakRssMb, 'mb')} | ${num(load.rssMb, 'mb')} / ${num(load.baselineRssMb, 'mb')} |`;
    }),
  ];
  return lines.join('\n');
}

function renderResultsChart(rows: ResultRow[], dialects: Dialect[]): string {
  return renderChart(
    [
      {
        title: 'GET /api/me throughput, app ÷ baseline',
        goal: { value: goals.meRatio, label: `goal ≥ ${goals.meRatio.toFixed(2)}`, atLeast: true },
        format: (value) => value.toFixed(2),
        bars: dialects.map((d) => {
          const r = rowOf(rows, d, 'me');
          return {
            label: d,
            value: r.ratio ?? 0,
            note: `${num(r.rps, 'rps')} vs ${num(r.baselineRps, 'rps')} rps`,
          };
        }),
      },
      {
        title: 'GET /api/me p99 under sign-in load ÷ idle',
        goal: {
          value: goals.p99DuringSignin,
          label: `goal ≤ ${goals.p99DuringSignin}×`,
          atLeast: false,
        },
        format: (value) => `${value.toFixed(1)}×`,
        bars: dialects.map((d) => {
          const during = rowOf(rows, d, 'me-during-signin');
          const idle = rowOf(rows, d, 'me-idle');
          return {
            label: d,
            value: during.ratio ?? 0,
            note: `${num(during.p99Ms, 'ms')} vs ${num(idle.p99Ms, 'ms')} ms idle`,
          };
        }),
      },
    ],
    'Green: goal met; red: missed. Ratios of runs taken side by side in one pnpm bench run; the figures and how they were taken: results.md.',
    `pnpm bench: ${dialects
      .map((d) => {
        const me = rowOf(rows, d, 'me');
        const during = rowOf(rows, d, 'me-during-signin');
        return `${d}, GET /api/me at ${num(me.ratio, 'ratio')} of the baseline, its p99 under sign-in load ${num(during.ratio, 'ratio')} times idle`;
      })
      .join('; ')}.`,
  );
}

function rounded(row: ResultRow): ResultRow {
  const round = (value: number | null, digits: number) =>
    value === null || Number.isNaN(value) ? null : Number(value.toFixed(digits));
  return {
    ...row,
    rps: round(row.rps, 0),
    baselineRps: round(row.baselineRps, 0),
    ratio: round(row.ratio, 3),
    p50Ms: round(row.p50Ms, 3),
    p99Ms: round(row.p99Ms, 3),
    baselineP50Ms: round(row.baselineP50Ms, 3),
    baselineP99Ms: round(row.baselineP99Ms, 3),
    rssMb: round(row.rssMb, 1),
    baselineRssMb: round(row.baselineRssMb, 1),
    cpuUsPerRequest: round(row.cpuUsPerRequest, 0),
    baselineCpuUsPerRequest: round(row.baselineCpuUsPerRequest, 0),
    startupMs: round(row.startupMs, 0),
    baselineStartupMs: round(row.baselineStartupMs, 0),
    peakRssMb: round(row.peakRssMb, 1),
  };
}

/**
 * Writes bench/results.json, bench/results.svg and bench/results.md, and
 * returns the tables to print.
 */
export function writeResults(rows: ResultRow[], plan: BenchPlan, run: RunInfo): string {
  const dialects = [...new Set(rows.map((row) => row.dialect))];
  const tables = renderTables(rows, dialects);
  writeFileSync(new URL('results.json', folder), `${JSON.stringify(rows.map(rounded), null, 2)}\n`);
  writeFileSync(new URL('results.svg', folder), renderResultsChart(rows, dialects));
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const md = [
    '# `pnpm bench` results',
    '',
    `Written by \`pnpm bench\` on ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${run.durationS} s; what it measures and what was found: [README.md](README.md).`,
    '',
    '![GET /api/me throughput as a share of the baseline, and its p99 under sign-in load against idle, per dialect](results.svg)',
    '',
    tables,
    '',
    '## How these figures were taken',
    '',
    `- **Machine**: ${cpu}, ${run.cores} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node.js ${process.version}. Databases: ${dialects.map((d) => run.serverVersions[d]).join('; ')}, on the same machine. The cores are shared with other work: the 1-minute load average was ${run.loadBefore.toFixed(1)} at the start and ${run.loadAfter.toFixed(1)} at the end. Absolute figures move with that; the ratios compare runs taken side by side, which is why they, not the absolute figures, carry the goals.`,
    `- **Servers**: each app is started as \`node --import tsx src/main.ts\` (its \`pnpm start\`), and its baseline the same way (\`bench/src/baseline/<dialect>.ts\`: a bare \`@hono/node-server\` route that reads the cookie and runs the session-join-user query on the raw driver, with the same pool size). Both serve one database made for the run and dropped after it; the user and its session are signed up through the app.`,
    `- **GET /api/me**: autocannon with ${plan.meConnections} connections, one warm-up of ${plan.warmupS} s per server, then ${plan.meRuns} runs of ${plan.meDurationS} s per server in the order app, baseline, baseline, app, ...; the best run of each counts (rps, and the p50 / p99 of that run), since the machine's other work only ever slows a run. Every run's rps, in order: ${dialects.map((d) => `${d} ${(run.meRuns[d] ?? []).map((r) => `${r.server === 'app' ? 'A' : 'B'} ${Math.round(r.rps)}`).join(', ')}`).join('; ')} (A app, B baseline). Latencies are taken per response with sub-millisecond precision. CPU µs per request is the server process's CPU time (user + system, /proc) over the 2xx answers of that run.`,
    `- **Sign-in**: a probe asks GET /api/me at a fixed ${plan.probeRate} requests/s over ${plan.probeConnections} connections through four windows of ${plan.signinWindowS} s: idle, sign-in load, idle, sign-in load. The load is ${plan.signinConnections} connections, each signing in as a user of its own (every answer 200, each a new session; more than five sign-ins at once for one username are throttled). The idle and the during p99 come from the same run, interleaved, so the machine's other work weighs on both alike; probes sent in the first 500 ms of a load window, or within 500 ms after it, count for neither. Then four more windows alike, the sign-in load still on the app, with the probe on the baseline: a control, a process that hashes nothing and shares nothing with the app but the machine. Where its p99 rises as much as the app's, the rise is the machine's (on 2 cores the load generator, the database and the hashing thread share them), not the app's event loop.`,
    `- **Start-up**: from spawning the process to the first 200 of GET /api/me, schema current, the fastest of ${plan.starts} starts (app and baseline alternate). Idle RSS is read 1 s after the last start; peak RSS is the kernel's high-water mark of the app's process after every load (VmHWM), the per-load peaks are sampled every 100 ms.`,
    '- Every row of [results.json](results.json) has the same keys; `ratio` says what it divides in `ratioOf`.',
    '',
  ].join('\n');
  writeFileSync(new URL('results.md', folder), md);
  return tables;
}
