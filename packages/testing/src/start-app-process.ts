import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** An app's main.ts running as a process, and what it has printed so far. */
export interface AppProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Every app process this test file started, for the log check at its end (find-log-leaks.ts). */
export const startedAppProcesses: AppProcess[] = [];

/**
 * Starts the app's main.ts as `pnpm start` does, with `env` over this
 * process's, on a port the system chooses (PORT=0) unless `env` names one.
 *
 * @example
 * const run = startAppProcess(new URL('../src/main.ts', import.meta.url), { DATABASE_PATH: path });
 * const { url, origin } = await waitForServing(run);
 */
export function startAppProcess(main: URL, env: Record<string, string>): AppProcess {
  const appFolder = fileURLToPath(new URL('..', main));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(main)], {
    cwd: appFolder,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const run = { child, output: () => output, exited };
  startedAppProcesses.push(run);
  return run;
}

/**
 * Waits for the line `serving <origin> on <url>` (at most 30 s): the address
 * it listens on, and the public origin it answers unsafe requests from.
 */
export async function waitForServing(run: AppProcess): Promise<{ url: string; origin: string }> {
  for (let i = 0; i < 600; i += 1) {
    const match = run.output().match(/serving (\S+) on (http:\/\/[\d.]+:\d+)/);
    if (match?.[1] && match[2]) return { origin: match[1], url: match[2] };
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the app did not start:\n${run.output()}`);
}

/** SIGTERM (unless it has exited already), then the exit code. */
export async function stopAppProcess(run: AppProcess): Promise<number | null> {
  if (run.child.exitCode === null) run.child.kill('SIGTERM');
  return run.exited;
}
