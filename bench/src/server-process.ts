import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ServerEntry } from './dialects.ts';

/** A request that answers `status` (200 unless given) once the server is ready for work. */
export interface ReadyCheck {
  path: string;
  headers?: Record<string, string>;
  status?: number;
}

/** A server started as its own process, as `pnpm start` starts an app. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** From spawn to the first 200 of the ready check. */
  startupMs: number;
  /** Everything it printed, for an error message. */
  output(): string;
  /** Whether the process has ended (on its own, or stopped). */
  exited(): boolean;
  /** SIGTERM, and waits for it to exit. */
  stop(): Promise<void>;
}

const startTimeoutMs = 30_000;

/**
 * Starts `node --import tsx <file>` in `cwd` (the apps' start command) with `env` on
 * a free port, waits for the line `on http://HOST:PORT` it logs, then polls
 * `ready` until it answers 200.
 */
export async function startServerProcess(
  { file, cwd }: ServerEntry,
  env: Record<string, string>,
  ready: ReadyCheck,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', file], {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let url: string | undefined;
  const listening = new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      url ??= output.match(/on (http:\/\/[\d.]+:\d+)/)?.[1];
      if (url) resolve(url);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const exited = once(child, 'exit');
  child.on('exit', (code, signal) => {
    output += `\n[exited: ${signal ?? `code ${code}`}]\n`;
  });
  const fail = (reason: string): never => {
    child.kill('SIGKILL');
    throw new Error(`${file} ${reason}:\n${output}`);
  };

  const deadline = started + startTimeoutMs;
  const first = await Promise.race([
    listening,
    exited.then(() => null),
    sleep(startTimeoutMs).then(() => null),
  ]);
  if (!first) return fail('did not start');
  for (;;) {
    const response = await fetch(`${first}${ready.path}`, { headers: ready.headers }).catch(
      () => null,
    );
    await response?.arrayBuffer();
    if (response?.status === (ready.status ?? 200)) break;
    if (performance.now() > deadline || child.exitCode !== null) {
      return fail(`did not answer ${ready.status ?? 200} on ${ready.path}`);
    }
    await sleep(5);
  }
  const startupMs = performance.now() - started;
  return {
    url: first,
    pid: child.pid as number,
    startupMs,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
