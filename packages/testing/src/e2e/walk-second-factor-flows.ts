import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import {
  button,
  clickThrough,
  field,
  openBrowser,
  pageWait,
  pathOf,
  signUpWithPassword,
  type WalkOptions,
} from './walk-every-flow.ts';

const username = 'victor';
const password = 'correct horse battery staple';

/**
 * TOTP as a person sets it up in Chromium: from the account page to the
 * two-step page, the key read from the page as text (as one types it into
 * an authenticator app), the code confirmed, the recovery codes shown; then
 * signed out, signed in with the password, and asked for the code.
 */
export async function walkSecondFactorFlows({
  browser,
  origin,
  screenshot,
  received,
}: WalkOptions): Promise<void> {
  const { context, page, problems } = await openBrowser(browser, origin);
  await signUpWithPassword(page, username, password);
  await page.goto('/account');
  await clickThrough(page, page.getByRole('link', { name: /Set up an authenticator app/ }));
  expect(pathOf(page)).toBe('/account/two-step');
  await clickThrough(page, button(page, 'Set up an authenticator app'));
  await expect.poll(() => page.locator('.qr-code svg').count(), pageWait).toBe(1);
  const secret = (await page.locator('#totp-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await screenshot(page, 'totp-setup');
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  // The step of the confirmation; the sign-in's code is of a later one, or
  // the app would take it for a replay.
  const confirmedAt = Math.floor(Date.now() / 30_000);
  await field(page, 'The code your app shows now').fill(
    totp.generate({ timestamp: confirmedAt * 30_000 }),
  );
  await clickThrough(page, button(page, 'Turn on'));
  expect(await page.locator('.recovery-codes li').count()).toBe(10);
  await screenshot(page, 'recovery-codes');

  await page.goto('/');
  await clickThrough(page, button(page, 'Sign out'));
  await page.goto('/signin');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  await clickThrough(page, button(page, 'Sign in'));
  expect(pathOf(page)).toBe('/signin/second-factor');
  await screenshot(page, 'second-factor');
  const step = Math.max(Math.floor(Date.now() / 30_000), confirmedAt + 1);
  await field(page, 'Code from your authenticator app').fill(
    totp.generate({ timestamp: step * 30_000 }),
  );
  await clickThrough(page, button(page, 'Continue'));
  expect(pathOf(page)).toBe('/?done=signed-in');
  for (const cookie of await context.cookies()) received.add(cookie.value);
  await page.goto('/account');
  expect(pathOf(page)).toBe('/account');

  expect(problems).toEqual([]);
  await context.close();
}
