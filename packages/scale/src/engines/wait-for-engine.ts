import type { ChildRun } from '@repo/testing/app-process';

/** Thrown when an engine does not get ready: what was awaited, and the end of its log. */
export class EngineStartError extends Error {
  constructor(what: string, reason: string, log: string) {
    super(`${what}: ${reason}\n--- last lines of its log ---\n${tailLines(log, 30)}`);
    this.name = 'EngineStartError';
  }
}

/** What `waitForEngine` watches, and for how long. */
export interface WaitForEngineOptions {
  /** The engine's process: waiting stops early when it exits. */
  run: ChildRun;
  /** Its log so far (a file's text, or what it printed). */
  log: () => string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `check` until it gives something other than `null`, and returns
 * that. Throws an `EngineStartError` naming `what`, with the end of the log,
 * when the engine exits or `timeoutMs` pass first. A `check` that throws
 * counts as not ready yet (the engine is still starting); its last error is
 * kept for the message.
 *
 * @example
 * await waitForEngine('postgres did not start', () => selectOne(url), { run, log: run.output });
 */
export async function waitForEngine<T>(
  what: string,
  check: () => Promise<T | null>,
  { run, log, timeoutMs = 60_000, intervalMs = 100 }: WaitForEngineOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not ready';
  for (;;) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      const end = run.child.exitCode ?? run.child.signalCode;
      throw new EngineStartError(what, `it exited (${end}) first`, log());
    }
    try {
      const result = await check();
      if (result !== null) return result;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new EngineStartError(what, `not within ${timeoutMs} ms (${lastError})`, log());
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The last `count` lines of `text`. */
export function tailLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
