import { afterAll, beforeAll } from 'vitest';
import { type ConformanceSuiteOptions, Harness } from './harness.ts';
import { describeHealth } from './suite/health.ts';
import { describeMigrations } from './suite/migrations.ts';
import { describeProcess } from './suite/process.ts';
import { describeRequestRules } from './suite/request-rules.ts';
import { describeSession } from './suite/session.ts';
import { describeSharedPool } from './suite/shared-pool.ts';
import { describeSignIn } from './suite/sign-in.ts';
import { describeSignUp } from './suite/sign-up.ts';

/**
 * The one suite every app runs: shared/API.md checked through the app's own
 * `openDatabase` on a real database of its dialect, a fresh one per test file.
 *
 * @example
 * runConformanceSuite({
 *   dialect: 'postgres',
 *   migrations,
 *   openDatabase: ({ location, secure, poolSize }) => openDatabase({ url: location, secure, poolSize }),
 *   main: new URL('../src/main.ts', import.meta.url),
 * });
 */
export function runConformanceSuite(options: ConformanceSuiteOptions): void {
  const harness = new Harness(options);
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  describeSignUp(harness);
  describeSignIn(harness);
  describeSession(harness);
  describeRequestRules(harness);
  describeHealth(harness);
  describeSharedPool(harness);
  describeMigrations(harness);
  describeProcess(harness);
}
