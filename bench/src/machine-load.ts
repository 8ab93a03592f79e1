import { loadavg } from 'node:os';

/**
 * The machine's 1-minute load average, read at every line the bench logs:
 * a run that starts above `maxLoad` judges no goal. Other work on the cores
 * squeezes every server toward the same figure (a run at load 2.5 said 0.94
 * where a quiet one said 0.82), so only a run on a quiet machine can say that
 * a goal is met. The judgement is made at the start: once the bench runs, its
 * own servers, load generator and databases raise the load (to about 2.6 on
 * two cores in a run that started at 0.6), and the highest reading is shown
 * beside it.
 */
export function createLoadWatch(maxLoad: number) {
  let highest = 0;
  let atStart: number | null = null;
  return {
    maxLoad,
    /** Reads the load average now, and keeps the highest. */
    read(): number {
      const load = loadavg()[0] ?? 0;
      highest = Math.max(highest, load);
      return load;
    },
    /** The load as the measurements begin: what the judgement is made on. */
    markStart(): void {
      atStart = this.read();
    },
    get highest() {
      return highest;
    },
    get atStart() {
      return atStart ?? highest;
    },
    /** Whether the run started at or below `maxLoad`. */
    get quiet() {
      return (atStart ?? highest) <= maxLoad;
    },
  };
}

export type LoadWatch = ReturnType<typeof createLoadWatch>;

/**
 * Waits until the load average is at or below the watch's `maxLoad`, up to
 * `maxWaitMs`, saying every 30 s how long it has waited: whether the machine
 * became quiet.
 */
export async function waitForQuietMachine(
  watch: LoadWatch,
  maxWaitMs: number,
  log: (line: string) => void,
): Promise<boolean> {
  const started = Date.now();
  let said = 0;
  // The 1-minute average decays over minutes: read it directly, not through
  // the watch, so that the wait itself does not mark the run as loaded.
  for (;;) {
    const load = loadavg()[0] ?? 0;
    if (load <= watch.maxLoad) return true;
    const waited = Date.now() - started;
    if (waited >= maxWaitMs) return false;
    if (waited >= said) {
      log(
        `waiting for a quiet machine: load ${load.toFixed(2)} > ${watch.maxLoad} (waited ${Math.round(waited / 1000)} s of ${Math.round(maxWaitMs / 1000)})`,
      );
      said += 30_000;
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}
