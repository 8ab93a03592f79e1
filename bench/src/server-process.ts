import { performance } from 'node:perf_hooks';
import { startProcess, stopProcess, waitForServing } from '@repo/testing/app-process';
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
  /** From spawn to the first answer of the ready check. */
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
 * Starts a server file as `node <file>` in its package's folder, as the
 * apps' `pnpm start` starts their bundle, with `env` on a free port (the
 * apps' log level), waits for its start line,
 * then polls `ready` until it answers as expected: the start-up time.
 */
export async function startServerProcess(
  { file, cwd }: ServerEntry,
  env: Record<string, string>,
  ready: ReadyCheck,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const started = performance.now();
  const run = startProcess(process.execPath, [...nodeFlags, file], {
    cwd,
    env: { PORT: '0', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
  });
  const { url } = await waitForServing(run, startTimeoutMs);
  for (;;) {
    const response = await fetch(`${url}${ready.path}`, { headers: ready.headers }).catch(
      () => null,
    );
    await response?.arrayBuffer();
    if (response?.status === (ready.status ?? 200)) break;
    if (performance.now() > started + startTimeoutMs || run.child.exitCode !== null) {
      await stopProcess(run, 1_000);
      throw new Error(
        `${file} did not answer ${ready.status ?? 200} on ${ready.path}:\n${run.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    url,
    pid: run.child.pid as number,
    startupMs: performance.now() - started,
    output: run.output,
    exited: () => run.child.exitCode !== null || run.child.signalCode !== null,
    stop: () => stopProcess(run).then(() => {}),
  };
}
