import { writeFileSync } from 'node:fs';
import { cpus, type as osType, release, totalmem } from 'node:os';
import type { BenchPlan, DialectReport } from './bench-dialect.ts';
import type { ServerKind } from './dialects.ts';
import type { LoadWatch } from './machine-load.ts';

import { renderChart } from './render-chart.ts';
import type { ResultRow } from './result-row.ts';

const letterOf: Record<ServerKind, string> = {
  app: 'A',
  bareLucia: 'L',
  bareLuciaOnce: 'P',
  betterAuth: 'B',
  baseline: 'R',
};

export interface RunInfo {
  /** How the app was started, e.g. `node --import tsx src/main.ts`. */
  appStart: string;
  betterAuthVersion: string;
  serverVersions: Partial<Record<string, string>>;
  meRuns: Partial<Record<string, DialectReport['meRuns']>>;
  cores: number;
  startedAt: Date;
  durationS: number;
  /** The 1-minute load average before and after: how busy the machine was. */
  loadBefore: number;
  loadAfter: number;
  /** The highest load read during the run: above its `maxLoad`, no goal is judged. */
  watch: LoadWatch;
}

/**
 * The goals this project sets (issues 14 and 18): `/api/me` at least 0.90 of
 * the bare Lucia server's throughput (on SQLite, of the one whose statements
 * are prepared once, as the app's are: `meGoalRatio`); the app's `/api/me` p99 under sign-in
 * load ÷ idle at most 1.25 times the same ratio of the control in the same
 * run; start-up to the first 200 at most 1.5 times the bare Lucia server's;
 * idle RSS at most 100 MB.
 */
export const goals = { meRatio: 0.9, signinVsControl: 1.25, startupRatio: 1.5, idleRssMb: 100 };

const folder = new URL('../', import.meta.url);

/** `1234` rps, `0.93` ratio, `1.24` / `12.4` / `124` ms. */
function num(value: number | null, kind: 'rps' | 'ratio' | 'ms' | 'mb'): string {
  if (value === null || Number.isNaN(value)) return '–';
  if (kind === 'rps' || kind === 'mb') return value.toFixed(0);
  if (kind === 'ratio') return value.toFixed(2);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function rowOf(rows: ResultRow[], dialect: string, scenario: ResultRow['scenario']): ResultRow {
  const row = rows.find((r) => r.dialect === dialect && r.scenario === scenario);
  if (!row) throw new Error(`no ${scenario} row for ${dialect}`);
  return row;
}

/** Whether a goal is met; on a loaded machine, that it was not judged. */
function verdict(met: boolean, watch: LoadWatch): string {
  if (!watch.quiet)
    return `not judged (load ${watch.atStart.toFixed(1)} > ${watch.maxLoad} at the start)`;
  return met ? 'met' : '**missed**';
}

/**
 * What the throughput goal judges: the app's rps ÷ the bare Lucia server's
 * whose statements are prepared once where there is one (SQLite, whose app
 * prepares once too), else ÷ the guide's bare Lucia server's.
 */
export function meGoalRatio(me: ResultRow): number | null {
  return me.ratioToBareLuciaOnce ?? me.ratioToBareLucia;
}

/** The app's sign-in ratio over the control's: what the sign-in goal bounds. */
export function signinOverControl(during: ResultRow): number | null {
  return during.ratio === null || during.controlRatio === null
    ? null
    : during.ratio / during.controlRatio;
}

/**
 * The figures of app, bare Lucia, bare Lucia prepared once (`–` but on
 * SQLite), better-auth and baseline, in that order.
 */
function five(values: (number | null)[], kind: 'rps' | 'ms' | 'mb'): string {
  return values.map((value) => num(value, kind)).join(' / ');
}

/** What each server does per `GET /api/me` (read in their sources; results.md). */
export const perRequestWork = [
  '| server | queries per GET /api/me | cookie and other work per request |',
  '| --- | --- | --- |',
  "| **app** | Lucia's adapter: session and user, two queries sent at once (two pool connections on PostgreSQL and MySQL) | parses the cookie, validates it with Lucia; request id, secure headers and CSP, `Cache-Control`, origin and body checks (skipped for GET), the contract's JSON |",
  "| **bare Lucia** (`src/bare-lucia/`) | the same two queries, the same adapter | parses the cookie, `lucia.validateSession`; the guide's origin check (skipped for GET); nothing else |",
  "| **bare Lucia, prepared once** (`src/bare-lucia/sqlite-prepared-once.ts`, SQLite only) | the same two queries, the same adapter, on a connection that prepares each SQL text once (the app's `StatementCache`) where the guide's prepares a statement per query | as bare Lucia |",
  '| **better-auth** (`src/better-auth/`) | session by token, then its user: two queries one after the other (its adapter joins only with `experimental.joins`) | builds the whole Fetch `Request` (`c.req.raw.headers`), parses every cookie and verifies the session cookie\'s HMAC-SHA-256 signature (Web Crypto), checks the cookie-cache and "don\'t remember me" cookies, parses session and user through its schema, and refreshes the session (a write) once a day |',
  '| **raw driver** (`src/baseline/`) | one `session JOIN user` on the driver | parses the cookie; nothing else |',
].join('\n');

/** The servers of the tables' figures, in `five`'s order. */
const servers = 'app / bare Lucia / bare Lucia prepared once (SQLite) / better-auth / raw driver';

/** The tables of results.md, also printed by `pnpm bench`. */
export function renderTables(rows: ResultRow[], dialects: string[], watch: LoadWatch): string {
  const me = dialects.map((d) => rowOf(rows, d, 'me'));
  const lines = [
    `### GET /api/me: the app against a bare Lucia server, better-auth and the raw driver`,
    '',
    `| dialect | app ÷ bare Lucia, prepared once on SQLite (goal ≥ ${goals.meRatio.toFixed(2)}) | app ÷ bare Lucia: prepared once (SQLite) / as the guide writes it | app ÷ raw driver | app ÷ better-auth | rps: ${servers} | CPU µs per request: ${servers} | p99 ms: ${servers} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...me.map(
      (r) =>
        `| ${r.dialect} | ${num(meGoalRatio(r), 'ratio')} ${verdict((meGoalRatio(r) ?? 0) >= goals.meRatio, watch)} | ${num(r.ratioToBareLuciaOnce, 'ratio')} / ${num(r.ratioToBareLucia, 'ratio')} | ${num(r.ratio, 'ratio')} | ${num(r.ratioToBetterAuth, 'ratio')} | ${five([r.rps, r.bareLuciaRps, r.bareLuciaOnceRps, r.betterAuthRps, r.baselineRps], 'rps')} | ${five([r.cpuUsPerRequest, r.bareLuciaCpuUsPerRequest, r.bareLuciaOnceCpuUsPerRequest, r.betterAuthCpuUsPerRequest, r.baselineCpuUsPerRequest], 'rps')} | ${five([r.p99Ms, r.bareLuciaP99Ms, r.bareLuciaOnceP99Ms, r.betterAuthP99Ms, r.baselineP99Ms], 'ms')} |`,
    ),
    '',
    `### POST /api/signin (Argon2id), and GET /api/me beside it`,
    '',
    `| dialect | sign-in rps | sign-in p50 / p99 ms | app: /api/me p99 idle / during sign-in ms | app: during ÷ idle | control: the baseline's p99 idle / during ms | control: during ÷ idle | app's ratio ÷ control's (goal ≤ ${goals.signinVsControl.toFixed(2)}) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...dialects.map((d) => {
      const signin = rowOf(rows, d, 'signin');
      const idle = rowOf(rows, d, 'me-idle');
      const during = rowOf(rows, d, 'me-during-signin');
      const over = signinOverControl(during);
      return `| ${d} | ${num(signin.rps, 'rps')} | ${num(signin.p50Ms, 'ms')} / ${num(signin.p99Ms, 'ms')} | ${num(idle.p99Ms, 'ms')} / ${num(during.p99Ms, 'ms')} | ${num(during.ratio, 'ratio')} | ${num(idle.baselineP99Ms, 'ms')} / ${num(during.baselineP99Ms, 'ms')} | ${num(during.controlRatio, 'ratio')} | ${num(over, 'ratio')} ${verdict((over ?? Number.POSITIVE_INFINITY) <= goals.signinVsControl, watch)} |`;
    }),
    '',
    `### Start-up and memory`,
    '',
    `| dialect | start-up, app ÷ bare Lucia as the guide writes it (goal ≤ ${goals.startupRatio.toFixed(2)}) | start-up to the first 200 ms: ${servers} | idle RSS of the app (goal ≤ ${goals.idleRssMb} MB) | idle RSS MB: ${servers} | peak RSS of the app MB | peak RSS under /api/me MB: ${servers} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...dialects.map((d) => {
      const s = rowOf(rows, d, 'startup');
      const load = rowOf(rows, d, 'me');
      const startup =
        s.startupMs !== null && s.bareLuciaStartupMs ? s.startupMs / s.bareLuciaStartupMs : null;
      return `| ${d} | ${num(startup, 'ratio')} ${verdict((startup ?? Number.POSITIVE_INFINITY) <= goals.startupRatio, watch)} | ${five([s.startupMs, s.bareLuciaStartupMs, s.bareLuciaOnceStartupMs, s.betterAuthStartupMs, s.baselineStartupMs], 'rps')} | ${num(s.rssMb, 'mb')} ${verdict((s.rssMb ?? Number.POSITIVE_INFINITY) <= goals.idleRssMb, watch)} | ${five([s.rssMb, s.bareLuciaRssMb, s.bareLuciaOnceRssMb, s.betterAuthRssMb, s.baselineRssMb], 'mb')} | ${num(s.peakRssMb, 'mb')} | ${five([load.rssMb, load.bareLuciaRssMb, load.bareLuciaOnceRssMb, load.betterAuthRssMb, load.baselineRssMb], 'mb')} |`;
    }),
  ];
  return lines.join('\n');
}

function renderResultsChart(rows: ResultRow[], dialects: string[], watch: LoadWatch): string {
  return renderChart(
    [
      {
        title: 'GET /api/me throughput, app ÷ bare Lucia',
        goal: {
          value: goals.meRatio,
          label: `goal ≥ ${goals.meRatio.toFixed(2)}; SQLite: against bare Lucia prepared once`,
          atLeast: true,
        },
        judged: watch.quiet,
        format: (value) => value.toFixed(2),
        bars: dialects.map((d) => {
          const r = rowOf(rows, d, 'me');
          return {
            label: d,
            value: meGoalRatio(r) ?? 0,
            note: `${num(r.rps, 'rps')} vs ${num(r.bareLuciaOnceRps ?? r.bareLuciaRps, 'rps')} rps`,
          };
        }),
      },
      {
        title: 'p99 under sign-in ÷ idle, app over control',
        goal: {
          value: goals.signinVsControl,
          label: `goal ≤ ${goals.signinVsControl.toFixed(2)}`,
          atLeast: false,
        },
        judged: watch.quiet,
        format: (value) => value.toFixed(2),
        bars: dialects.map((d) => {
          const during = rowOf(rows, d, 'me-during-signin');
          return {
            label: d,
            value: signinOverControl(during) ?? 0,
            note: `${num(during.ratio, 'ratio')}× vs ${num(during.controlRatio, 'ratio')}×`,
          };
        }),
      },
    ],
    `${watch.quiet ? 'Green: goal met; red: missed.' : `Grey: not judged, the machine was loaded (load ${watch.atStart.toFixed(1)} at the start).`} Ratios of runs taken side by side in one pnpm bench run; the figures and how they were taken: results.md.`,
    `pnpm bench: ${dialects
      .map((d) => {
        const me = rowOf(rows, d, 'me');
        const during = rowOf(rows, d, 'me-during-signin');
        const against =
          me.ratioToBareLuciaOnce === null ? '' : ' whose statements are prepared once';
        return `${d}, GET /api/me at ${num(meGoalRatio(me), 'ratio')} of the bare Lucia server${against}, its p99 under sign-in load ÷ idle ${num(signinOverControl(during), 'ratio')} times the control's`;
      })
      .join('; ')}.`,
  );
}

/** Digits kept in results.json, by the figure's kind (its key's ending). */
function digitsOf(key: string): number {
  if (/ratio/i.test(key)) return 3;
  if (/StartupMs$|startupMs$|Rps$|^rps$|CpuUsPerRequest$|cpuUsPerRequest$/.test(key)) return 0;
  if (/Ms$/.test(key)) return 3;
  return 1;
}

function rounded(row: ResultRow): ResultRow {
  const entries = Object.entries(row).map(([key, value]) => [
    key,
    typeof value !== 'number'
      ? value
      : Number.isNaN(value)
        ? null
        : Number(value.toFixed(digitsOf(key))),
  ]);
  return Object.fromEntries(entries) as ResultRow;
}

/**
 * Writes bench/results.json, bench/results.svg and bench/results.md, and
 * returns the tables to print.
 */
export function writeResults(rows: ResultRow[], plan: BenchPlan, run: RunInfo): string {
  const dialects = [...new Set(rows.map((row) => row.dialect))];
  const tables = renderTables(rows, dialects, run.watch);
  writeFileSync(new URL('results.json', folder), `${JSON.stringify(rows.map(rounded), null, 2)}\n`);
  writeFileSync(new URL('results.svg', folder), renderResultsChart(rows, dialects, run.watch));
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const md = [
    '# `pnpm bench` results',
    '',
    `Written by \`pnpm bench\` on ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${run.durationS} s; what it measures and what was found: [README.md](README.md).`,
    '',
    "![GET /api/me throughput as a share of the bare Lucia server's (on SQLite, the one whose statements are prepared once), and its p99 under sign-in load against idle over the control's, per dialect](results.svg)",
    '',
    tables,
    '',
    '### What each server does per request',
    '',
    perRequestWork,
    '',
    '## How these figures were taken',
    '',
    `- **Machine**: ${cpu}, ${run.cores} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node.js ${process.version}. Databases: ${dialects.map((d) => run.serverVersions[d]).join('; ')}, on the same machine. The cores are shared with other work: the 1-minute load average was ${run.loadBefore.toFixed(1)} at the start, ${run.loadAfter.toFixed(1)} at the end and at most ${run.watch.highest.toFixed(1)} at any line the bench logged (a run judges its goals only when it starts at ${run.watch.maxLoad} or less: other work squeezes every server toward the same figure; the bench's own work raises the load once it runs). Absolute figures move with the load; the ratios compare runs taken side by side, which is why they, not the absolute figures, carry the goals.`,
    `- **Servers**, each its own process on the same database (made for the run, dropped after it): the app as its \`pnpm start\` starts it (${run.appStart}: built once per run, then \`node dist/main.js\`, the bundle of its source and its libraries but the native ones, bundle-app.ts); beside it, each as \`node <file>.ts\` (Node's type stripping, no loader), the others of \`bench/src\`: **bare Lucia** (\`bare-lucia/<dialect>.ts\`), the smallest Lucia 3.2.2 server of Lucia's own Hono guide: the same official adapter, a pool like the app's, the guide's origin check and session middleware, \`GET /api/me\` returning the user; on SQLite also **bare Lucia, prepared once** (\`bare-lucia/sqlite-prepared-once.ts\`), the same server but for its connection, which prepares each SQL text once through the app's \`StatementCache\` as the app's does, where the guide's adapter prepares a statement per query (which costs about as much as running one of these queries): the throughput goal is judged against it there, against the guide's elsewhere; **better-auth** ${run.betterAuthVersion} (\`better-auth/<dialect>.ts\`): email and password, its defaults, its Kysely adapter on a driver pool like the app's, \`auth.api.getSession\` in the documented Hono middleware; the **raw driver** (\`baseline/<dialect>.ts\`): a bare \`@hono/node-server\` route that runs one session-join-user query. Pools of 10 (SQLite: one connection in WAL mode) for all. The app and the peers sign up a user each through their own routes (the two bare Lucia servers share the guide's tables); the raw driver reads the app's. Each \`/api/me\` answer is checked once for the same JSON (user id and name, session expiry) before the load.`,
    `- **GET /api/me**: autocannon with ${plan.meConnections} connections, one warm-up of ${plan.warmupS} s per server, then ${plan.meRuns} rounds of one ${plan.meDurationS}-s run per server, the order turned every round and reversed every other; the best run of each counts (rps, and the p50 / p99 of that run), since the machine's other work only ever slows a run. Every run's rps, in order: ${dialects.map((d) => `${d} ${(run.meRuns[d] ?? []).map((r) => `${letterOf[r.server]} ${Math.round(r.rps)}`).join(', ')}`).join('; ')} (A app, L bare Lucia, P bare Lucia prepared once, B better-auth, R raw driver). Latencies are taken per response with sub-millisecond precision. CPU µs per request is the server process's CPU time (user + system, /proc) over the 2xx answers of that run.`,
    `- **Sign-in**: a probe asks GET /api/me at a fixed ${plan.probeRate} requests/s over ${plan.probeConnections} connections through four windows of ${plan.signinWindowS} s: idle, sign-in load, idle, sign-in load. The load is ${plan.signinConnections} connections, each signing in as a user of its own (every answer 200, each a new session; more than five sign-ins at once for one username are throttled). The idle and the during p99 come from the same run, interleaved, so the machine's other work weighs on both alike; probes sent in the first 500 ms of a load window, or within 500 ms after it, count for neither. Then four more windows alike, the sign-in load still on the app, with the probe on the baseline: a control, a process that hashes nothing and shares nothing with the app but the machine. Where its p99 rises as much as the app's, the rise is the machine's (on 2 cores the load generator, the database and the hashing thread share them), not the app's event loop; so the goal bounds the app's ratio over the control's.`,
    `- **Start-up**: from spawning the process to the first 200 of GET /api/me, schema current, the fastest of ${plan.starts} starts (the servers take turns); the start-up goal is against the guide's bare Lucia server on every dialect. Idle RSS is read 1 s after the last start; peak RSS is the kernel's high-water mark of the app's process after every load (VmHWM), the per-load peaks are sampled every 100 ms.`,
    '- Every row of [results.json](results.json) has the same keys; `ratio` says what it divides in `ratioOf`.',
    '',
  ].join('\n');
  writeFileSync(new URL('results.md', folder), md);
  return tables;
}
