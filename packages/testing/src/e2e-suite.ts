import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ChildRun,
  startAppProcess,
  stopAllProcesses,
  stopProcess,
  waitForServing,
} from './app-process.ts';
import type { Dialect } from './dialect.ts';
import { walkActivityFlows } from './e2e/walk-activity-flows.ts';
import { walkEveryFlow } from './e2e/walk-every-flow.ts';
import { walkMailFlows } from './e2e/walk-mail-flows.ts';
import { walkPasskeyFlows } from './e2e/walk-passkey-flows.ts';
import { walkProviderFlows } from './e2e/walk-provider-flows.ts';
import { walkSecondFactorFlows } from './e2e/walk-second-factor-flows.ts';
import { findLogLeaks } from './find-log-leaks.ts';
import { launchChromium } from './launch-chromium.ts';
import { MailCatcher } from './mail/mail-catcher.ts';
import { startTestProvider, type TestProvider } from './oidc/start-test-provider.ts';
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

/** A port no one listens on now, for an app whose origin must be known before it starts. */
async function findFreePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const providerLabels = { alpha: 'Alpha', beta: 'Beta' } as const;

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
  const providers: Partial<Record<keyof typeof providerLabels, TestProvider>> = {};
  /** Every session token the browser was given, which the app's log must not carry. */
  const received = new Set<string>();
  /** The SMTP server the app mails to. */
  const catcher = new MailCatcher();

  beforeAll(async () => {
    database = await dialect.createDatabase(inject('databaseServerUrl'));
    // Two local OpenID Providers, each with the app's client registered:
    // the redirect URI names the app's origin, so its port is chosen first.
    const port = await findFreePort();
    await catcher.resume();
    const env: Record<string, string> = {
      [dialect.variable.name]: database.location,
      PORT: String(port),
      SMTP_URL: catcher.url,
      MAIL_FROM: 'Auth <auth@example.test>',
      AUTH_PROVIDERS: Object.keys(providerLabels).join(','),
    };
    for (const [name, label] of Object.entries(providerLabels)) {
      const clientSecret = `e2e-secret-${name}`;
      const provider = await startTestProvider({
        clients: [
          {
            clientId: `e2e-${name}`,
            clientSecret,
            redirectUri: `http://localhost:${port}/signin/${name}/callback`,
          },
        ],
        claimsInIdToken: name === 'alpha',
        defaultAccount: (login) => ({ sub: `${name}-${login}`, preferred_username: login }),
      });
      providers[name as keyof typeof providerLabels] = provider;
      const prefix = `AUTH_${name.toUpperCase()}_`;
      Object.assign(env, {
        [`${prefix}ISSUER`]: provider.issuer,
        [`${prefix}CLIENT_ID`]: `e2e-${name}`,
        [`${prefix}CLIENT_SECRET`]: clientSecret,
        [`${prefix}LABEL`]: label,
      });
    }
    run = startAppProcess(main, env);
    [browser, { origin }] = await Promise.all([launchChromium(), waitForServing(run)]);
  });

  afterAll(async () => {
    await browser?.close();
    for (const provider of Object.values(providers)) await provider.stop();
    if (run) await stopProcess(run);
    await stopAllProcesses();
    await database?.drop();
    // What the app logged while a browser walked every flow: no hash, token or SQL.
    expect(findLogLeaks(run?.output().split('\n') ?? [], received)).toEqual([]);
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
      await walkEveryFlow({ browser, origin, screenshot, received });
    }, 120_000);

    it('signs up through a provider, links a second, unlinks it, and signs in again through the first', async () => {
      if (!browser || !providers.alpha || !providers.beta)
        throw new Error('the walk did not start');
      await walkProviderFlows({
        browser,
        origin,
        screenshot,
        first: { label: providerLabels.alpha, issuer: providers.alpha.issuer },
        second: { label: providerLabels.beta, issuer: providers.beta.issuer },
        received,
      });
    }, 120_000);

    it('adds an address with the code from its mail, and resets the password from the link in another', async () => {
      if (!browser) throw new Error('Chromium did not start');
      await walkMailFlows({ browser, origin, screenshot, received, catcher });
    }, 120_000);

    it('reads the recent activity, downloads the export, and deletes the account', async () => {
      if (!browser) throw new Error('Chromium did not start');
      await walkActivityFlows({ browser, origin, screenshot, received, catcher });
    }, 120_000);

    it('sets up TOTP on the account page, signs out, and signs in with the password then the code', async () => {
      if (!browser) throw new Error('Chromium did not start');
      await walkSecondFactorFlows({ browser, origin, screenshot, received });
    }, 120_000);

    it('adds a passkey on the account page, signs in with it, and passes it as the second factor after the password', async () => {
      if (!browser) throw new Error('Chromium did not start');
      await walkPasskeyFlows({ browser, origin, screenshot, received });
    }, 120_000);
  });
}
