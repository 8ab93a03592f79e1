import { fileURLToPath } from 'node:url';
import { buildApp } from '@repo/testing/app-process';
import { appMain } from './app-fleet.ts';

/** vitest's global setup: the apps' processes run their bundle, as `pnpm start` does; built once per run. */
export default async function setup() {
  await Promise.all(
    Object.values(appMain).map((main) => buildApp(fileURLToPath(new URL('..', main)))),
  );
}
