import { expect } from 'vitest';
import {
  button,
  clickThrough,
  field,
  openBrowser,
  pathOf,
  type WalkOptions,
} from './walk-every-flow.ts';

export interface ProviderWalkOptions extends WalkOptions {
  /** The two providers the app offers, as their buttons name them. */
  first: { label: string; issuer: string };
  second: { label: string; issuer: string };
}

/**
 * Provider sign-in as a person does it in Chromium, through the local
 * provider's real login page: sign up through the first provider, link the
 * second, unlink it, sign out, and sign in again through the first; and a
 * cancelled sign-in's error page. Each "Continue with" and "Link" button is
 * a form post answered by a redirect to the provider, which the CSP's
 * `form-action` must allow.
 */
export async function walkProviderFlows(options: ProviderWalkOptions): Promise<void> {
  const { browser, origin, screenshot, first, second, received } = options;
  const { context, page, problems } = await openBrowser(browser, origin);
  const login = 'river';

  // The providers remember who signed in there, and would send a returning
  // browser straight back; forgetting it shows their login page each time.
  async function continueAt(name: string) {
    await context.clearCookies({ domain: new URL(first.issuer).hostname });
    await clickThrough(page, button(page, name));
  }

  // The session token the browser now holds goes to the log check.
  async function recordSession() {
    for (const cookie of await context.cookies(origin)) {
      if (cookie.name.endsWith('auth_session')) received.add(cookie.value);
    }
  }

  async function atProvider(issuer: string, account: string | null) {
    expect(new URL(page.url()).origin).toBe(issuer);
    expect(await page.locator('h1').textContent()).toBe('Local OpenID Provider');
    if (account === null) return clickThrough(page, button(page, 'Cancel'));
    await field(page, 'Login').fill(account);
    return clickThrough(page, button(page, 'Sign in'));
  }

  // Sign up through the first provider, from the sign-up page.
  await page.goto('/signup');
  await screenshot(page, 'signup-providers');
  await continueAt(`Continue with ${first.label}`);
  await screenshot(page, 'provider-login');
  await atProvider(first.issuer, login);
  expect(pathOf(page)).toBe('/account');
  await recordSession();
  expect(await page.locator('main').textContent()).toContain(`You are signed in as ${login}.`);
  const methods = page.getByRole('region', { name: 'Ways to sign in' });
  expect(await methods.textContent()).toContain('Not set');
  expect(await page.locator('h2#password-title').textContent()).toBe('Set a password');

  // Link the second provider.
  await continueAt(`Link ${second.label}`);
  await atProvider(second.issuer, `${login}-elsewhere`);
  expect(pathOf(page)).toBe('/account');
  expect(await button(page, `Unlink ${second.label}`).count()).toBe(1);
  expect(await button(page, `Unlink ${first.label}`).count()).toBe(1);
  await screenshot(page, 'account-providers');

  // Unlink it: the first provider is then the only way in, and has no Unlink.
  await clickThrough(page, button(page, `Unlink ${second.label}`));
  expect(pathOf(page)).toBe('/account?done=provider-unlinked');
  expect(await button(page, `Link ${second.label}`).count()).toBe(1);
  expect(await button(page, `Unlink ${first.label}`).count()).toBe(0);

  // Sign out, and in again through the first provider: the same account.
  await clickThrough(
    page,
    page.locator('.session-current').getByRole('button', { name: 'Sign out' }),
  );
  expect(pathOf(page)).toBe('/?done=signed-out');
  await page.goto('/signin');
  await continueAt(`Continue with ${first.label}`);
  await atProvider(first.issuer, login);
  expect(pathOf(page)).toBe('/account');
  await recordSession();
  expect(await page.locator('main').textContent()).toContain(`You are signed in as ${login}.`);

  // Cancelled at the provider: an error page with a way back.
  await clickThrough(
    page,
    page.locator('.session-current').getByRole('button', { name: 'Sign out' }),
  );
  await page.goto('/signin');
  await continueAt(`Continue with ${first.label}`);
  expect(await atProvider(first.issuer, null)).toBe(400);
  expect(await page.locator('main p').first().textContent()).toContain('did not sign you in');
  await screenshot(page, 'provider-error');
  await clickThrough(page, page.getByRole('link', { name: 'Back to sign-in' }));
  expect(pathOf(page)).toBe('/signin');

  expect(problems).toEqual([]);
  await context.close();
}
