import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import {
  type ChildRun,
  startAppProcess,
  stopAllProcesses,
  stopProcess,
  waitForServing,
} from './app-process.ts';
import type { Dialect } from './dialect.ts';
import { walkEveryFlow } from './e2e/walk-every-flow.ts';
import { launchChromium } from './launch-chromium.ts';
import type { TestDatabase } from './test-database.ts';

export interface E2eSuiteOptions {
  /** The app's dialect: its record in `packages/testing/src/dialects`. */
  dialect: Dialect;
  /** The app's entry point, started as a real process on a free port. */
  main: URL;
  /**
   * A folder to keep a PNG of each page in. One app's run keeps them, so
   * that runs of several apps do not write the same files at once.
   */
  screenshots?: URL;
}

/**
 * The pages in a real browser: the app started as `pnpm start` starts it, on
 * a fresh database of its dialect and a free port, and Chromium walking every
 * flow through it.
 *
 * @example
 * runE2eSuite({ dialect, main: new URL('../src/main.ts', import.meta.url) });
 */
export function runE2eSuite({ dialect, main, screenshots }: E2eSuiteOptions): void {
  let database: TestDatabase | undefined;
  let run: ChildRun | undefined;
  let browser: Browser | undefined;
  let origin = '';

  beforeAll(async () => {
    database = await dialect.createDatabase(inject('databaseServerUrl'));
    run = startAppProcess(main, { [dialect.variable.name]: database.location });
    [browser, { origin }] = await Promise.all([launchChromium(), waitForServing(run)]);
  });

  afterAll(async () => {
    await browser?.close();
    if (run) await stopProcess(run);
    await stopAllProcesses();
    await database?.drop();
  });

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!screenshots) return;
    mkdirSync(screenshots, { recursive: true });
    const path = fileURLToPath(new URL(`${name}.png`, screenshots));
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  }

  describe(`${dialect.name}: the pages in Chromium`, () => {
    it('walks every flow: sign up, sign out, sign in, sessions, password, sign out everywhere', async () => {
      if (!browser) throw new Error('Chromium did not start');
      await walkEveryFlow({ browser, origin, screenshot });
    }, 120_000);
  });
}
