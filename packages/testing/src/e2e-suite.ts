import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Dialect, databaseVariable } from './dialect.ts';
import { walkEveryFlow } from './e2e/walk-every-flow.ts';
import { findLogLeaks, receivedTokens } from './find-log-leaks.ts';
import { launchChromium } from './launch-chromium.ts';
import { type AppProcess, startAppProcess, waitForServing } from './start-app-process.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface E2eSuiteOptions {
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
 * a fresh database of its dialect and a free port, and Debian's Chromium
 * walking every flow through it.
 *
 * @example
 * runE2eSuite({ dialect: 'sqlite', main: new URL('../src/main.ts', import.meta.url) });
 */
export function runE2eSuite({ dialect, main, screenshots }: E2eSuiteOptions): void {
  let database: TestDatabase | undefined;
  let run: AppProcess | undefined;
  let browser: Browser | undefined;
  let origin = '';

  beforeAll(async () => {
    database = await createTestDatabase(dialect, inject('databaseServerUrl'));
    run = startAppProcess(main, { [databaseVariable[dialect]]: database.location });
    [browser, { origin }] = await Promise.all([launchChromium(), waitForServing(run)]);
  });

  afterAll(async () => {
    await browser?.close();
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    await database?.drop();
    // What the app logged while a browser walked every flow: no hash, token or SQL.
    expect(findLogLeaks(run?.output().split('\n') ?? [], receivedTokens)).toEqual([]);
  });

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!screenshots) return;
    mkdirSync(screenshots, { recursive: true });
    const path = fileURLToPath(new URL(`${name}.png`, screenshots));
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  }

  describe(`${dialect}: the pages in Chromium`, () => {
    it('walks every flow: sign up, sign out, sign in, sessions, password, sign out everywhere', async () => {
      if (!browser) throw new Error('Chromium did not start');
      await walkEveryFlow({ browser, origin, screenshot });
    }, 120_000);
  });
}
