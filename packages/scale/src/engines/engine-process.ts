import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildRun, startProcess } from '@repo/testing/app-process';

/** Engine processes still running and temp folders not yet removed: what an abrupt exit cleans. */
const liveRuns = new Set<ChildRun>();
const liveDirs = new Set<string>();
let hooked = false;

/**
 * A fresh folder under the system's temp folder (short, so that unix socket
 * paths stay under their 107-byte limit), removed by `removeEngineDir` or, at
 * the latest, when this process exits.
 */
export function makeEngineDir(prefix: string): string {
  hookExit();
  const dir = mkdtempSync(join(tmpdir(), `scale-${prefix}-`));
  liveDirs.add(dir);
  return dir;
}

/** Removes a folder made by `makeEngineDir`. */
export function removeEngineDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

/**
 * Starts an engine under `startProcess`, remembered so that it is SIGKILLed
 * if this process exits (or is interrupted) with it still running.
 * `detached` puts it in a process group of its own, so that a kill reaches
 * what it started too (mariadbd's SST scripts and their rsync daemon).
 */
export function startEngine(
  command: string,
  args: readonly string[],
  { cwd, detached = false }: { cwd: string; detached?: boolean },
): ChildRun {
  hookExit();
  const run = startProcess(command, args, { cwd, detached });
  liveRuns.add(run);
  // A detached engine's group may outlive its leader: kept until stopped or
  // killed. (A process group id is not reused while any member lives, and
  // pids wrap only after millions, so a late group kill hits no stranger.)
  if (!detached) void run.exited.finally(() => liveRuns.delete(run));
  return run;
}

/**
 * Sends `signal` to an engine unless it has exited; to its whole group when
 * detached, even once the leader has exited, since what it started (an SST
 * script, an rsync daemon) may still run.
 */
export function signalEngine(run: ChildRun, signal: NodeJS.Signals): void {
  const { child } = run;
  if (!child.pid) return;
  if (!run.detached && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(run.detached ? -child.pid : child.pid, signal);
  } catch {
    // Gone already (ESRCH).
  }
}

/** SIGKILLs an engine; resolves when it is gone. */
export async function killEngine(run: ChildRun): Promise<void> {
  signalEngine(run, 'SIGKILL');
  await run.exited;
  liveRuns.delete(run);
}

/**
 * SIGTERM (or `signal`), then SIGKILL once `graceMs` have passed; resolves
 * when it is gone, and with it, for a detached engine, its whole group.
 */
export async function stopEngine(
  run: ChildRun,
  { graceMs = 10_000, signal = 'SIGTERM' }: { graceMs?: number; signal?: NodeJS.Signals } = {},
): Promise<void> {
  signalEngine(run, signal);
  const timer = setTimeout(() => signalEngine(run, 'SIGKILL'), graceMs);
  try {
    await run.exited;
  } finally {
    clearTimeout(timer);
  }
  if (run.detached) signalEngine(run, 'SIGKILL');
  liveRuns.delete(run);
}

function killEverythingNow(): void {
  for (const run of liveRuns) signalEngine(run, 'SIGKILL');
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * The last resort behind each set's `stop()`: on exit, and on a signal that
 * would end this process without an exit event, kill what still runs and
 * remove the folders (both synchronous, as an exit handler must be). A
 * signal is raised again only when no one else listens for it, so that a
 * test runner's own handling stays as it was.
 */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killEverythingNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killEverythingNow();
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
