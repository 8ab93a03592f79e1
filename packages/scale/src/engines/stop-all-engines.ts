/** The `stop` of every engine set started and not yet stopped. */
const liveSets = new Set<() => Promise<void>>();

/**
 * Remembers a set's `stop` for `stopAllEngines`, and returns it made safe to
 * call more than once (a test's own stop, then `afterAll`'s).
 */
export function trackEngineSet(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  const once = () => {
    liveSets.delete(once);
    stopping ??= stop();
    return stopping;
  };
  liveSets.add(once);
  return once;
}

/**
 * Stops every engine set started here and not stopped yet: what a failed or
 * timed-out test left running. Processes still alive when this process exits
 * are SIGKILLed anyway; this also removes their folders in good order.
 *
 * @example
 * afterAll(() => stopAllEngines());
 */
export async function stopAllEngines(): Promise<void> {
  await Promise.all([...liveSets].map((stop) => stop()));
}
