import { afterAll, beforeAll } from 'vitest';
import { type ConformanceSuiteOptions, Harness } from './harness.ts';
import { describeActivity } from './suite/activity.ts';
import { describeAuditLog } from './suite/audit-log.ts';
import { describeBadInput } from './suite/bad-input.ts';
import { describeEncryptionKey } from './suite/encryption-key.ts';
import { describeErrorLog } from './suite/error-log.ts';
import { describeHeaders } from './suite/headers.ts';
import { describeHealth } from './suite/health.ts';
import { describeHousekeeping } from './suite/housekeeping.ts';
import { describeLoad } from './suite/load.ts';
import { describeMail } from './suite/mail.ts';
import { describeMigrations } from './suite/migrations.ts';
import { describeOutage } from './suite/outage.ts';
import { describePages } from './suite/pages.ts';
import { describePasskeySecondFactor } from './suite/passkey-second-factor.ts';
import { describePasskeys } from './suite/passkeys.ts';
import { describePasswordChange } from './suite/password-change.ts';
import { describePasswordStorage } from './suite/password-storage.ts';
import { describeProcess } from './suite/process.ts';
import { describeProcesses } from './suite/processes.ts';
import { describeProviderFirstPassword } from './suite/providers/first-password.ts';
import { describeProviderFlowStart } from './suite/providers/flow-start.ts';
import { describeProviderLinking } from './suite/providers/linking.ts';
import { describeProviderRecords } from './suite/providers/records.ts';
import { describeProviderRefusals } from './suite/providers/refusals.ts';
import { describeProviderSignUp } from './suite/providers/sign-up.ts';
import { describeProviderThrottling } from './suite/providers/throttling.ts';
import { useTestProviders } from './suite/providers/use-test-providers.ts';
import { describeRecentAuthentication } from './suite/recent-authentication.ts';
import { describeRequestRules } from './suite/request-rules.ts';
import { describeSecondFactor } from './suite/second-factor.ts';
import { describeSession } from './suite/session.ts';
import { describeSessionLifetime } from './suite/session-lifetime.ts';
import { describeSessions } from './suite/sessions.ts';
import { describeSharedPool } from './suite/shared-pool.ts';
import { describeSignIn } from './suite/sign-in.ts';
import { describeSignUp } from './suite/sign-up.ts';
import { describeThrottling } from './suite/throttling.ts';

/**
 * The one suite every app runs: docs/API.md checked through the app's own
 * `openDatabase` on a real database of its dialect, a fresh one per test file.
 *
 * @example
 * runConformanceSuite({
 *   dialect,
 *   migrations,
 *   openDatabase: ({ location, poolSize, logger }) => openDatabase({ url: location, poolSize, logger }),
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
  describeSessionLifetime(harness);
  describePasswordChange(harness);
  describeSessions(harness);
  describePasswordStorage(harness);
  describeThrottling(harness);
  describeRequestRules(harness);
  describeHeaders(harness);
  describeBadInput(harness);
  describePages(harness);
  // Sign-in through a provider, by flow, on one app offering two test providers.
  const providers = useTestProviders(harness);
  describeProviderFlowStart(harness, providers);
  describeProviderSignUp(harness, providers);
  describeProviderLinking(harness, providers);
  describeProviderFirstPassword(harness, providers);
  describeProviderRefusals(harness, providers);
  describeProviderThrottling(harness, providers);
  describeProviderRecords(harness, providers);
  describeRecentAuthentication(harness);
  describeSecondFactor(harness);
  describeEncryptionKey(harness);
  describeMail(harness);
  describeActivity(harness);
  describePasskeys(harness);
  describePasskeySecondFactor(harness);
  describeAuditLog(harness);
  describeErrorLog(harness);
  describeHousekeeping(harness);
  describeHealth(harness);
  describeSharedPool(harness);
  describeMigrations(harness);
  describeLoad(harness);
  describeProcess(harness);
  describeProcesses(harness);
  describeOutage(harness);
}
