import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildApp } from '@repo/testing/app-process';
import type { Dialect } from '@repo/testing/dialect';
import { createBenchDatabase } from './bench-database.ts';
import { readCpuMs } from './cpu-time.ts';
import { type ServerKind, serversOf } from './dialects.ts';
import { readLifetimePeakRssMb, readRssMb, watchPeakRss } from './memory.ts';
import { createRow, type ResultRow } from './result-row.ts';
import {
  type LoadOptions,
  type LoadResult,
  runLoad,
  type Sample,
  summarizeLatencies,
} from './run-load.ts';
import { type ReadyCheck, type ServerProcess, startServerProcess } from './server-process.ts';

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
  meRuns: { server: ServerKind; rps: number }[];
}

const origin = 'http://localhost:3000';

/** The user each server that signs up its own (all but the baseline) signs up. */
const usernameOf: Record<Exclude<ServerKind, 'baseline'>, string> = {
  app: 'bench_user',
  bareLucia: 'bench_lucia',
  bareLuciaOnce: 'bench_lucia_once',
  betterAuth: 'bench_better_auth',
};

/**
 * Runs every scenario of one dialect on a fresh database: start-up, `/api/me`
 * of the app, its peers (two, three on SQLite) and the baseline (in rounds whose order turns;
 * the best run of each counts), then sign-in load in two windows, with a
 * probe of `/api/me` running through them and the idle windows between, on
 * the app and then on the baseline as a control. Stops every server and
 * drops the database, also on failure.
 */
export async function benchDialect(
  dialect: Dialect,
  plan: BenchPlan,
  log: (line: string) => void,
): Promise<DialectReport> {
  const database = await createBenchDatabase(dialect);
  const servers = serversOf(dialect.name);
  await buildApp(servers.app.cwd);
  // Every server of the dialect; the figures of one it has not are `null` in its rows.
  const kinds = Object.keys(servers) as ServerKind[];
  const once = kinds.includes('bareLuciaOnce');
  // better-auth signs its cookie: the same secret for every start of the run.
  const env = {
    ...database.env,
    ORIGIN: origin,
    BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
  };
  const running: ServerProcess[] = [];
  const start = async (which: ServerKind, ready: ReadyCheck) => {
    const entry = servers[which];
    if (!entry) throw new Error(`${dialect.name} has no ${which} server`);
    const server = await startServerProcess(
      entry,
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
    log(`${dialect.name}: ${database.serverVersion}, database ${database.description}`);
    const password = `bench-${randomBytes(12).toString('hex')}`;
    // The first start applies the migrations (the peers make their own
    // tables); each server signs up a user of its own, the baseline reads the app's.
    const users = {} as Record<ServerKind, { username: string; cookie: string }>;
    const first = await start('app', { path: '/healthz' });
    users.app = { username: usernameOf.app, cookie: '' };
    users.app.cookie = await signUp('app', first.url, { username: usernameOf.app, password });
    users.baseline = users.app;
    // The sign-in load signs in one user per connection: more than five
    // sign-ins at once for one username are throttled (each counts as a
    // failure until its password proves right).
    const signinUsers = Array.from({ length: plan.signinConnections }, (_, i) => ({
      username: `bench_signin_${i}`,
      password,
    }));
    for (const user of signinUsers) await signUp('app', first.url, user);
    await stop(first);
    // The two bare Lucia servers share the guide's tables, each with its own user.
    const peers = kinds.filter((kind) => kind !== 'app' && kind !== 'baseline');
    for (const peer of peers) {
      const server = await start(peer, { path: '/api/me', status: 401 });
      const username = usernameOf[peer];
      users[peer] = { username, cookie: await signUp(peer, server.url, { username, password }) };
      await stop(server);
    }

    // Start-up to the first 200 of `/api/me`, schema current; the servers take turns.
    const started = {} as Record<ServerKind, ServerProcess>;
    const startups = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<
      ServerKind,
      number[]
    >;
    for (let i = 0; i < plan.starts; i += 1) {
      for (const kind of kinds) {
        if (started[kind]) await stop(started[kind]);
        started[kind] = await start(kind, {
          path: '/api/me',
          headers: { Cookie: users[kind].cookie },
        });
        startups[kind].push(started[kind].startupMs);
      }
    }
    const { app, baseline } = started;
    if (!app || !baseline) throw new Error('no start was planned');
    for (const kind of kinds) await checkMe(started[kind], users[kind]);
    await sleep(1000);
    const idleRss = Object.fromEntries(
      kinds.map((kind) => [kind, readRssMb(started[kind].pid)]),
    ) as Record<ServerKind, number>;
    const startupMs = (kind: ServerKind) => Math.min(...startups[kind]);
    log(
      `${dialect.name}: started in ${kinds.map((kind) => `${kind} ${fmt(startupMs(kind))}`).join(', ')} ms`,
    );

    // GET /api/me as fast as each answers.
    const meLoad = (kind: ServerKind, durationS: number): LoadOptions => ({
      url: `${started[kind].url}/api/me`,
      headers: { Cookie: users[kind].cookie },
      connections: plan.meConnections,
      durationS,
    });
    for (const kind of kinds) {
      await measure(started[kind].pid, () => runLoad(meLoad(kind, plan.warmupS)));
    }
    const meRunsOf = Object.fromEntries(kinds.map((kind) => [kind, [] as Measured[]])) as Record<
      ServerKind,
      Measured[]
    >;
    // Each round turns the order, and every other round reverses it, so that
    // no server always runs right after the same one.
    const order = Array.from({ length: plan.meRuns }, (_, round) => {
      const turned = [
        ...kinds.slice(round % kinds.length),
        ...kinds.slice(0, round % kinds.length),
      ];
      return round % 2 === 0 ? turned : turned.reverse();
    }).flat();
    for (const kind of order) {
      const run = await measure(started[kind].pid, () => runLoad(meLoad(kind, plan.meDurationS)));
      meRunsOf[kind].push(run);
      log(
        `${dialect.name}: /api/me ${kind}: ${fmt(run.result.rps)} rps, p99 ${fmt(run.result.p99Ms)} ms, ${run.cpuUsPerRequest?.toFixed(0)} µs CPU per request`,
      );
    }
    const bestOf = Object.fromEntries(kinds.map((kind) => [kind, best(meRunsOf[kind])])) as Record<
      ServerKind,
      Measured
    >;
    // The probe: /api/me at a modest fixed rate through four windows, idle,
    // sign-in load, idle, sign-in load, so that both p99s are taken under
    // the same noise from whatever else the machine runs. Then the same on
    // the baseline, with the same sign-in load on the app: a control (one
    // probe at a time, so that neither adds to the other's load).
    const probeThroughSignins = async (probed: ServerProcess) => {
      const window = plan.signinWindowS;
      const probeRun = runLoad({
        url: `${probed.url}/api/me`,
        headers: { Cookie: users.app.cookie },
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
      `${dialect.name}: sign-in ${fmt(signin.rps)} rps, p99 ${fmt(signin.p99Ms)} ms; /api/me p99 ${fmt(idleLatency.p99Ms)} ms idle, ${fmt(duringLatency.p99Ms)} ms during; control: the baseline's ${fmt(control.idle.p99Ms)} idle, ${fmt(control.during.p99Ms)} during`,
    );

    const failures =
      kinds.flatMap((kind) => meRunsOf[kind]).reduce((sum, run) => sum + run.result.failed, 0) +
      appProbe.failed +
      control.failed +
      control.signinRuns.reduce((sum, run) => sum + run.result.failed, 0) +
      signin.failed;
    if (failures > 0)
      throw new Error(`${dialect.name}: ${failures} requests failed or were not 2xx`);

    const peak = {
      app: readLifetimePeakRssMb(app.pid) ?? Math.max(bestOf.app.peakRssMb, signinRss),
    };
    const peakUnderMe = (kind: ServerKind) =>
      Math.max(...meRunsOf[kind].map((run) => run.peakRssMb));
    const rps = (kind: ServerKind) => bestOf[kind].result.rps;
    const rows = [
      createRow({
        dialect: dialect.name,
        scenario: 'me',
        rps: rps('app'),
        baselineRps: rps('baseline'),
        ratio: rps('app') / rps('baseline'),
        ratioOf: 'rps / baselineRps',
        ratioToBareLucia: rps('app') / rps('bareLucia'),
        ratioToBetterAuth: rps('app') / rps('betterAuth'),
        p50Ms: bestOf.app.result.p50Ms,
        p99Ms: bestOf.app.result.p99Ms,
        baselineP50Ms: bestOf.baseline.result.p50Ms,
        baselineP99Ms: bestOf.baseline.result.p99Ms,
        rssMb: peakUnderMe('app'),
        baselineRssMb: peakUnderMe('baseline'),
        cpuUsPerRequest: bestOf.app.cpuUsPerRequest,
        baselineCpuUsPerRequest: bestOf.baseline.cpuUsPerRequest,
        bareLuciaRps: rps('bareLucia'),
        bareLuciaP50Ms: bestOf.bareLucia.result.p50Ms,
        bareLuciaP99Ms: bestOf.bareLucia.result.p99Ms,
        bareLuciaCpuUsPerRequest: bestOf.bareLucia.cpuUsPerRequest,
        bareLuciaRssMb: peakUnderMe('bareLucia'),
        ...(once && {
          ratioToBareLuciaOnce: rps('app') / rps('bareLuciaOnce'),
          bareLuciaOnceRps: rps('bareLuciaOnce'),
          bareLuciaOnceP50Ms: bestOf.bareLuciaOnce.result.p50Ms,
          bareLuciaOnceP99Ms: bestOf.bareLuciaOnce.result.p99Ms,
          bareLuciaOnceCpuUsPerRequest: bestOf.bareLuciaOnce.cpuUsPerRequest,
          bareLuciaOnceRssMb: peakUnderMe('bareLuciaOnce'),
        }),
        betterAuthRps: rps('betterAuth'),
        betterAuthP50Ms: bestOf.betterAuth.result.p50Ms,
        betterAuthP99Ms: bestOf.betterAuth.result.p99Ms,
        betterAuthCpuUsPerRequest: bestOf.betterAuth.cpuUsPerRequest,
        betterAuthRssMb: peakUnderMe('betterAuth'),
      }),
      createRow({
        dialect: dialect.name,
        scenario: 'me-idle',
        rps: idleLatency.rps,
        p50Ms: idleLatency.p50Ms,
        p99Ms: idleLatency.p99Ms,
        baselineP50Ms: control.idle.p50Ms,
        baselineP99Ms: control.idle.p99Ms,
      }),
      createRow({
        dialect: dialect.name,
        scenario: 'signin',
        rps: signin.rps,
        p50Ms: signin.p50Ms,
        p99Ms: signin.p99Ms,
        rssMb: signinRss,
      }),
      createRow({
        dialect: dialect.name,
        scenario: 'me-during-signin',
        rps: duringLatency.rps,
        ratio: duringLatency.p99Ms / idleLatency.p99Ms,
        ratioOf: 'p99Ms / p99Ms of me-idle',
        controlRatio: control.during.p99Ms / control.idle.p99Ms,
        p50Ms: duringLatency.p50Ms,
        p99Ms: duringLatency.p99Ms,
        baselineP50Ms: control.during.p50Ms,
        baselineP99Ms: control.during.p99Ms,
      }),
      createRow({
        dialect: dialect.name,
        scenario: 'startup',
        ratio: startupMs('app') / startupMs('baseline'),
        ratioOf: 'startupMs / baselineStartupMs',
        startupMs: startupMs('app'),
        baselineStartupMs: startupMs('baseline'),
        rssMb: idleRss.app,
        baselineRssMb: idleRss.baseline,
        peakRssMb: peak.app,
        bareLuciaStartupMs: startupMs('bareLucia'),
        bareLuciaRssMb: idleRss.bareLucia,
        ...(once && {
          bareLuciaOnceStartupMs: startupMs('bareLuciaOnce'),
          bareLuciaOnceRssMb: idleRss.bareLuciaOnce,
        }),
        betterAuthStartupMs: startupMs('betterAuth'),
        betterAuthRssMb: idleRss.betterAuth,
      }),
    ];
    const meRuns = order.map((server, i) => {
      const index = order.slice(0, i).filter((other) => other === server).length;
      return { server, rps: meRunsOf[server][index]?.result.rps ?? Number.NaN };
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

/**
 * Signs a new user up through the server's own route, and returns its
 * session cookie (`name=value`): the app's and the bare Lucia servers'
 * `POST /api/signup`, better-auth's `POST /api/auth/sign-up/email`.
 */
async function signUp(
  kind: ServerKind,
  url: string,
  credentials: { username: string; password: string },
): Promise<string> {
  const betterAuth = kind === 'betterAuth';
  const response = await fetch(`${url}${betterAuth ? '/api/auth/sign-up/email' : '/api/signup'}`, {
    method: 'POST',
    // The bare Lucia servers check Origin against Host, as their guide does.
    headers: {
      Origin: kind === 'bareLucia' || kind === 'bareLuciaOnce' ? url : origin,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(
      betterAuth
        ? {
            email: `${credentials.username}@bench.invalid`,
            password: credentials.password,
            name: credentials.username,
          }
        : credentials,
    ),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => /^(auth_session|better-auth\.session_token)=./.test(pair));
  if (response.status !== (betterAuth ? 200 : 201) || !cookie) {
    throw new Error(`${kind}: sign-up answered ${response.status}: ${await response.text()}`);
  }
  return cookie;
}

/** The same answer from every server: `200 {"user": {"id", "username"}, "session": {"expiresAt"}}`. */
async function checkMe(server: ServerProcess, user: { username: string; cookie: string }) {
  const response = await fetch(`${server.url}/api/me`, { headers: { Cookie: user.cookie } });
  const body = (await response.json()) as {
    user?: { id?: unknown; username?: unknown };
    session?: { expiresAt?: unknown };
  };
  const expiresAt = Date.parse(String(body.session?.expiresAt));
  if (
    response.status !== 200 ||
    typeof body.user?.id !== 'string' ||
    body.user.username !== user.username ||
    !(expiresAt > Date.now())
  ) {
    throw new Error(`${server.url}/api/me answered ${response.status}: ${JSON.stringify(body)}`);
  }
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
