import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** An app started as a real process, as `pnpm start` starts it. */
export interface AppProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts the app's main.ts with `env` over this process's, on a free port unless PORT is given. */
export function startAppProcess(main: URL, env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(main)], {
    cwd: fileURLToPath(new URL('..', main)),
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
  return { child, output: () => output, exited };
}

/** The URL the app logs once it serves. */
export async function waitForUrl(run: AppProcess, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = run.output().match(/on (http:\/\/[\d.]+:\d+)/);
    if (match?.[1]) return match[1];
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the app did not start:\n${run.output()}`);
}

/** SIGTERM, then the exit code. */
export async function stopAppProcess(run: AppProcess): Promise<number | null> {
  if (run.child.exitCode === null) run.child.kill('SIGTERM');
  return run.exited;
}
