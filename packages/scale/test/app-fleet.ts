import { type Fleet, startFleetProcesses } from '@repo/testing/fleet';

/** Each app's `main.ts`, whose bundle runs as `pnpm start` runs it (built by build-apps.ts). */
export const appMain = {
  postgres: new URL('../../../apps/postgres/src/main.ts', import.meta.url),
  mysql: new URL('../../../apps/mysql/src/main.ts', import.meta.url),
};

/**
 * Starts one app process per database URL, all at once, and waits until
 * every one serves. A small pool each: three processes × 5 connections, as
 * a user would size pools against the server's `max_connections`.
 */
export function startAppFleet(
  main: URL,
  urls: string[],
  env: Record<string, string>,
): Promise<Fleet> {
  return startFleetProcesses(
    main,
    urls.map((url) => ({ DATABASE_URL: url, DATABASE_POOL_SIZE: '5', ...env })),
  );
}
