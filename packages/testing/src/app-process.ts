import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A child process, and what it has printed so far. */
export interface ChildRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both, in the order they arrived. */
  output(): string;
  /** The exit code (`null` when a signal ended it). */
  exited: Promise<number | null>;
  /** Whether it leads a process group of its own. */
  detached: boolean;
}

export interface StartProcessOptions {
  cwd: string;
  /** Over this process's environment. */
  env?: Record<string, string | undefined>;
  /** In a process group of its own, so that `stopProcess` stops what it starts too (`pnpm start`). */
  detached?: boolean;
}

/** The processes started and not yet exited, for `stopAllProcesses`. */
const running = new Set<ChildRun>();
/** Every process started here (in this test file), for the check of what apps logged. */
const started: ChildRun[] = [];

/** Every process started so far, exited or not. */
export function startedProcesses(): readonly ChildRun[] {
  return started;
}

/** Starts `command` and keeps what it prints. */
export function startProcess(
  command: string,
  args: readonly string[],
  { cwd, env = {}, detached = false }: StartProcessOptions,
): ChildRun {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    output += chunk;
  });
  // 'close', not 'exit': every byte it printed has been read by then.
  const exited = once(child, 'close').then(([code]) => code as number | null);
  const run = {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exited,
    detached,
  };
  running.add(run);
  started.push(run);
  void exited.finally(() => running.delete(run));
  return run;
}

/**
 * Stops every process started here that is still running: what a test left
 * behind when it failed or timed out (a test file's `afterAll`).
 */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((run) => stopProcess(run, 5_000)));
}

/** Runs `command` to its end: its exit code and what it printed. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: StartProcessOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startProcess(command, args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/**
 * Builds an app as its `pnpm start` does first (`node --run build` in its
 * folder: `dist/main.js`, packages/auth's `bundle-app`). A test run does it
 * once, in its global setup, so that every app process runs the source as it
 * is now.
 */
export async function buildApp(folder: string): Promise<void> {
  const { code, stdout, stderr } = await runCommand(process.execPath, ['--run', 'build'], {
    cwd: folder,
  });
  if (code !== 0) throw new Error(`the build of ${folder} failed (${code}):\n${stdout}${stderr}`);
}

/**
 * Starts an app as `pnpm start` does: the bundle built from its `main`
 * (`src/main.ts` → `dist/main.js`, `buildApp`) run by `node` in its
 * package's folder, with `env` over this process's, on a port the system
 * chooses (PORT=0) unless `env` names one.
 *
 * @example
 * const run = startAppProcess(new URL('../src/main.ts', import.meta.url), { [dialect.variable.name]: path });
 * const { url, origin } = await waitForServing(run);
 */
export function startAppProcess(
  main: URL,
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): ChildRun {
  const folder = fileURLToPath(new URL('..', main));
  return startProcess(process.execPath, [...nodeFlags, join(folder, 'dist/main.js')], {
    cwd: folder,
    env: { PORT: '0', LOG_LEVEL: 'info', ...env },
  });
}

/**
 * How long `waitForServing` waits by default: a guard against a start that
 * hangs, not a limit on its speed. A start is CPU work (loading the app,
 * the database applying the migrations' DDL): about 2 s on a quiet
 * machine, 10 s at a load average of 17 on two cores, and once more than 20 s
 * at 26 (two MySQL processes on a new database, in a loaded CI run).
 */
export const startTimeoutMs = 60_000;

/** A test's time limit when it starts app processes: the start's guard, then the test's own work. */
export const processTestTimeoutMs = startTimeoutMs + 60_000;

/**
 * Waits for the start line an app logs,
 * `{"bind":"127.0.0.1:PORT",...,"msg":"serving <origin>"}`: the address it
 * listens on, and the public origin it answers unsafe requests from. An app
 * that has not started within `timeoutMs` (less than its test's time limit,
 * so that the test can still say why) is stopped, and the error says whether
 * it had exited and shows its output.
 */
export async function waitForServing(
  run: ChildRun,
  timeoutMs = startTimeoutMs,
): Promise<{ url: string; origin: string }> {
  const started = Date.now();
  while (Date.now() < started + timeoutMs) {
    const match = run.output().match(/"bind":"([^"]+)".*"msg":"serving (\S+)"/);
    if (match?.[1] && match[2]) return { url: `http://${match[1]}`, origin: match[2] };
    if (run.child.exitCode !== null || run.child.signalCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { exitCode, signalCode } = run.child;
  const ended =
    exitCode !== null || signalCode !== null
      ? `it exited (${exitCode ?? signalCode})`
      : 'it was still running, and is stopped now';
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  await stopProcess(run, 1_000);
  throw new Error(
    `the app did not start within ${seconds} s: ${ended}; its output:\n${run.output()}`,
  );
}

/**
 * SIGTERM (to its group when detached), SIGKILL if it has not exited after
 * `graceMs`; then the exit code.
 */
export async function stopProcess(run: ChildRun, graceMs = 15_000): Promise<number | null> {
  const { child } = run;
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    if (run.detached) process.kill(-child.pid, name);
    else child.kill(name);
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}
