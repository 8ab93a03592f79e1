import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createBenchDatabase } from './bench-database.ts';
import { readCpuMs } from './cpu-time.ts';
import type { Dialect } from './dialects.ts';
import { serversOf } from './dialects.ts';
import { readLifetimePeakRssMb, readRssMb, watchPeakRss } from './memory.ts';
import { createRow, type ResultRow } from './result-row.ts';
import {
  type LoadOptions,
  type LoadResult,
  runLoad,
  type Sample,
  summarizeLatencies,
} from './run-load.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/** How long and how hard each run loads a server. */
export interface BenchPlan {
  /** Each measured `/api/me` run. */
  meDurationS: number;
  /** Measured `/api/me` runs per server, alternated: app, baseline, baseline, app, app, ... */
  meRuns: number;
  warmupS: number;
  /** Connections of the `/api/me` throughput runs. */
  meConnections: number;
  /** Each of the four probe windows (idle, sign-in, idle, sign-in). */
  signinWindowS: number;
  signinConnections: number;
  /** The `/api/me` probe through those windows: a fixed, modest rate. */
  probeRate: number;
  probeConnections: number;
  /** Starts of each server; the fastest counts. */
  starts: number;
  /** Extra node flags for the app (e.g. `--cpu-prof`), never for the baseline. */
  appNodeFlags: string[];
}

export interface DialectReport {
  rows: ResultRow[];
  serverVersion: string;
  /** The rps of every measured `/api/me` run, in order, for the spread. */
  meRuns: { server: 'app' | 'baseline'; rps: number }[];
}

const origin = 'http://localhost:3000';

/**
 * Runs every scenario of one dialect on a fresh database: start-up, `/api/me`
 * against the baseline (alternated app, baseline, baseline, app, ...; the
 * best run of each counts), then sign-in load in two windows, with a probe of
 * `/api/me` running through them and the idle windows between. Stops both servers and drops the database, also on failure.
 */
export async function benchDialect(
  dialect: Dialect,
  plan: BenchPlan,
  log: (line: string) => void,
): Promise<DialectReport> {
  const database = await createBenchDatabase(dialect);
  const servers = serversOf(dialect);
  const env = { ...database.env, ORIGIN: origin };
  const running: ServerProcess[] = [];
  const start = async (
    which: 'app' | 'baseline',
    ready: { path: string; headers?: Record<string, string> },
  ) => {
    const server = await startServerProcess(
      servers[which],
      env,
      ready,
      which === 'app' ? plan.appNodeFlags : [],
    );
    running.push(server);
    return server;
  };
  const stop = async (server: ServerProcess) => {
    running.splice(running.indexOf(server), 1);
    await server.stop();
  };

  try {
    log(`${dialect}: ${database.serverVersion}, database ${database.description}`);
    // The first start applies the migrations; sign up through the app.
    const first = await start('app', { path: '/healthz' });
    const credentials = {
      username: 'bench_user',
      password: `bench-${randomBytes(12).toString('hex')}`,
    };
    const cookie = await signUp(first.url, credentials);
    // The sign-in load signs in one user per connection: more than five
    // sign-ins at once for one username are throttled (each counts as a
    // failure until its password proves right).
    const signinUsers = Array.from({ length: plan.signinConnections }, (_, i) => ({
      username: `bench_signin_${i}`,
      password: credentials.password,
    }));
    for (const user of signinUsers) await signUp(first.url, user);
    await stop(first);

    // Start-up to the first 200 of `/api/me`, schema current; app and baseline alternate.
    const me = { path: '/api/me', headers: { Cookie: cookie } };
    let app: ServerProcess | undefined;
    let baseline: ServerProcess | undefined;
    const appStarts: number[] = [];
    const baselineStarts: number[] = [];
    for (let i = 0; i < plan.starts; i += 1) {
      if (app) await stop(app);
      app = await start('app', me);
      appStarts.push(app.startupMs);
      if (baseline) await stop(baseline);
      baseline = await start('baseline', me);
      baselineStarts.push(baseline.startupMs);
    }
    if (!app || !baseline) throw new Error('no start was planned');
    await sleep(1000);
    const idleRss = { app: readRssMb(app.pid), baseline: readRssMb(baseline.pid) };
    log(
      `${dialect}: started in ${fmt(Math.min(...appStarts))} ms (baseline ${fmt(Math.min(...baselineStarts))} ms)`,
    );

    // GET /api/me as fast as each answers.
    const meLoad = (server: ServerProcess, durationS: number): LoadOptions => ({
      url: `${server.url}/api/me`,
      headers: { Cookie: cookie },
      connections: plan.meConnections,
      durationS,
    });
    await measure(app.pid, () => runLoad(meLoad(app as ServerProcess, plan.warmupS)));
    await measure(baseline.pid, () => runLoad(meLoad(baseline as ServerProcess, plan.warmupS)));
    const appRuns: Measured[] = [];
    const baselineRuns: Measured[] = [];
    const order = Array.from({ length: plan.meRuns }, (_, i) =>
      i % 2 === 0 ? (['app', 'baseline'] as const) : (['baseline', 'app'] as const),
    ).flat();
    for (const which of order) {
      const server = which === 'app' ? app : baseline;
      const run = await measure(server.pid, () => runLoad(meLoad(server, plan.meDurationS)));
      (which === 'app' ? appRuns : baselineRuns).push(run);
      log(
        `${dialect}: /api/me ${which}: ${fmt(run.result.rps)} rps, p99 ${fmt(run.result.p99Ms)} ms, ${run.cpuUsPerRequest?.toFixed(0)} µs CPU per request`,
      );
    }
    const bestApp = best(appRuns);
    const bestBaseline = best(baselineRuns);

    // The probe: /api/me at a modest fixed rate through four windows, idle,
    // sign-in load, idle, sign-in load, so that both p99s are taken under
    // the same noise from whatever else the machine runs. Then the same on
    // the baseline, with the same sign-in load on the app: a control (one
    // probe at a time, so that neither adds to the other's load).
    const probeThroughSignins = async (probed: ServerProcess) => {
      const window = plan.signinWindowS;
      const probeRun = runLoad({
        url: `${probed.url}/api/me`,
        headers: { Cookie: cookie },
        connections: plan.probeConnections,
        durationS: window * 4,
        overallRate: plan.probeRate,
      });
      const probeStart = performance.now();
      const rssWatch = watchPeakRss(app.pid);
      const runs: { start: number; end: number; result: LoadResult }[] = [];
      for (const windowIndex of [1, 3]) {
        await sleep(probeStart + windowIndex * window * 1000 - performance.now());
        const start = performance.now();
        const perUser = await Promise.all(
          signinUsers.map((user) =>
            runLoad({
              url: `${app.url}/api/signin`,
              method: 'POST',
              headers: { Origin: origin, 'Content-Type': 'application/json' },
              body: JSON.stringify(user),
              connections: 1,
              durationS: window,
            }),
          ),
        );
        runs.push({ start, end: performance.now(), result: mergeLoads(perUser) });
      }
      const probeResult = await probeRun;
      const probeEnd = performance.now();
      // A probe sent as sign-in load starts, or while its last hashes finish, counts for neither.
      const settleMs = 500;
      const during = probeResult.samples.filter((sample) =>
        runs.some((run) => sample.sentAt >= run.start + settleMs && sample.sentAt <= run.end),
      );
      const idle = probeResult.samples.filter(
        (sample) =>
          sample.sentAt >= probeStart + settleMs &&
          runs.every((run) => sample.sentAt < run.start || sample.sentAt >= run.end + settleMs),
      );
      // How long each kind of window lasted, for the probe's rate in it.
      const duringS = runs.reduce((sum, run) => sum + (run.end - run.start - settleMs), 0) / 1000;
      const idleS =
        (probeEnd - probeStart - settleMs) / 1000 - duringS - (runs.length * 2 * settleMs) / 1000;
      const latencyOf = (samples: Sample[]) =>
        summarizeLatencies(samples.map((sample) => sample.latencyMs));
      return {
        signinRuns: runs,
        signinRss: rssWatch.stop(),
        failed: probeResult.failed,
        idle: { rps: idle.length / idleS, ...latencyOf(idle) },
        during: { rps: during.length / duringS, ...latencyOf(during) },
      };
    };
    const appProbe = await probeThroughSignins(app);
    const control = await probeThroughSignins(baseline);
    const { signinRuns, signinRss } = appProbe;
    const idleLatency = appProbe.idle;
    const duringLatency = appProbe.during;
    const signin = {
      rps:
        signinRuns.reduce((sum, run) => sum + run.result.ok, 0) /
        signinRuns.reduce((sum, run) => sum + (run.end - run.start) / 1000, 0),
      ...summarizeLatencies(
        signinRuns.flatMap((run) => run.result.samples.map((sample) => sample.latencyMs)),
      ),
      failed: signinRuns.reduce((sum, run) => sum + run.result.failed, 0),
    };
    log(
      `${dialect}: sign-in ${fmt(signin.rps)} rps, p99 ${fmt(signin.p99Ms)} ms; /api/me p99 ${fmt(idleLatency.p99Ms)} ms idle, ${fmt(duringLatency.p99Ms)} ms during; control: the baseline's ${fmt(control.idle.p99Ms)} idle, ${fmt(control.during.p99Ms)} during`,
    );

    const failures =
      [...appRuns, ...baselineRuns].reduce((sum, run) => sum + run.result.failed, 0) +
      appProbe.failed +
      control.failed +
      control.signinRuns.reduce((sum, run) => sum + run.result.failed, 0) +
      signin.failed;
    if (failures > 0) throw new Error(`${dialect}: ${failures} requests failed or were not 2xx`);

    const peak = {
      app: readLifetimePeakRssMb(app.pid) ?? Math.max(bestApp.peakRssMb, signinRss),
      baseline: readLifetimePeakRssMb(baseline.pid) ?? bestBaseline.peakRssMb,
    };
    const rows = [
      createRow({
        dialect,
        scenario: 'me',
        rps: bestApp.result.rps,
        baselineRps: bestBaseline.result.rps,
        ratio: bestApp.result.rps / bestBaseline.result.rps,
        ratioOf: 'rps / baselineRps',
        p50Ms: bestApp.result.p50Ms,
        p99Ms: bestApp.result.p99Ms,
        baselineP50Ms: bestBaseline.result.p50Ms,
        baselineP99Ms: bestBaseline.result.p99Ms,
        rssMb: Math.max(...appRuns.map((run) => run.peakRssMb)),
        baselineRssMb: Math.max(...baselineRuns.map((run) => run.peakRssMb)),
        cpuUsPerRequest: bestApp.cpuUsPerRequest,
        baselineCpuUsPerRequest: bestBaseline.cpuUsPerRequest,
      }),
      createRow({
        dialect,
        scenario: 'me-idle',
        rps: idleLatency.rps,
        p50Ms: idleLatency.p50Ms,
        p99Ms: idleLatency.p99Ms,
        baselineP50Ms: control.idle.p50Ms,
        baselineP99Ms: control.idle.p99Ms,
      }),
      createRow({
        dialect,
        scenario: 'signin',
        rps: signin.rps,
        p50Ms: signin.p50Ms,
        p99Ms: signin.p99Ms,
        rssMb: signinRss,
      }),
      createRow({
        dialect,
        scenario: 'me-during-signin',
        rps: duringLatency.rps,
        ratio: duringLatency.p99Ms / idleLatency.p99Ms,
        ratioOf: 'p99Ms / p99Ms of me-idle',
        p50Ms: duringLatency.p50Ms,
        p99Ms: duringLatency.p99Ms,
        baselineP50Ms: control.during.p50Ms,
        baselineP99Ms: control.during.p99Ms,
      }),
      createRow({
        dialect,
        scenario: 'startup',
        ratio: Math.min(...appStarts) / Math.min(...baselineStarts),
        ratioOf: 'startupMs / baselineStartupMs',
        startupMs: Math.min(...appStarts),
        baselineStartupMs: Math.min(...baselineStarts),
        rssMb: idleRss.app,
        baselineRssMb: idleRss.baseline,
        peakRssMb: peak.app,
      }),
    ];
    const meRuns = order.map((server, i) => {
      const runs = server === 'app' ? appRuns : baselineRuns;
      const index = order.slice(0, i).filter((other) => other === server).length;
      return { server, rps: runs[index]?.result.rps ?? Number.NaN };
    });
    return { rows, serverVersion: database.serverVersion, meRuns };
  } finally {
    for (const server of running.splice(0)) await server.stop();
    await database.drop();
  }
}

interface Measured {
  result: LoadResult;
  peakRssMb: number;
  /** The server's CPU time per 2xx answer, in microseconds; `null` without /proc. */
  cpuUsPerRequest: number | null;
}

async function measure(pid: number, run: () => Promise<LoadResult>): Promise<Measured> {
  const watch = watchPeakRss(pid);
  const cpuBefore = readCpuMs(pid);
  const result = await run();
  const cpuAfter = readCpuMs(pid);
  const cpuUsPerRequest =
    cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / result.ok;
  return { result, peakRssMb: watch.stop(), cpuUsPerRequest };
}

function best(runs: Measured[]): Measured {
  return runs.reduce((a, b) => (b.result.rps > a.result.rps ? b : a));
}

async function signUp(
  url: string,
  credentials: { username: string; password: string },
): Promise<string> {
  const response = await fetch(`${url}/api/signup`, {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const cookie = response.headers.getSetCookie()[0]?.split(';')[0];
  if (response.status !== 201 || !cookie) {
    throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
  }
  return cookie;
}

/** Runs side by side as one: their answers and failures together. */
function mergeLoads(results: LoadResult[]): LoadResult {
  const samples = results.flatMap((result) => result.samples);
  return {
    rps: results.reduce((sum, result) => sum + result.rps, 0),
    ...summarizeLatencies(samples.map((sample) => sample.latencyMs)),
    ok: results.reduce((sum, result) => sum + result.ok, 0),
    failed: results.reduce((sum, result) => sum + result.failed, 0),
    samples,
  };
}

export function fmt(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
