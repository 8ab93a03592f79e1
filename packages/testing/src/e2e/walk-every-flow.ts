import type { Browser, Locator, Page, Response } from 'playwright-core';
import { expect } from 'vitest';
import { serveCrossSiteForm } from './serve-cross-site-form.ts';

export interface WalkOptions {
  browser: Browser;
  /** The app's public origin: where the browser goes, and the Origin its forms send. */
  origin: string;
  /** Keeps a picture of the page as `<name>.png`, when the run keeps screenshots. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Where the session token the browser is given goes, for the log check. */
  received: Set<string>;
}

const username = 'alice';
const password = 'correct horse battery staple';
const newPassword = 'a new and longer passphrase';

/** A browser of its own (cookies, history), with the problems its pages report. */
export async function openBrowser(browser: Browser, origin: string) {
  const context = await browser.newContext({
    baseURL: origin,
    viewport: { width: 800, height: 600 },
    colorScheme: 'light',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // A CSP violation is a console error; an error status (400, 401, 404) is
  // what the walk asks for, and Chromium logs it as a failed load.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  return { context, page, problems };
}

/** Clicks, waits for the next page to load, and answers its HTTP status. */
export async function clickThrough(page: Page, target: Locator): Promise<number | undefined> {
  const documents: Response[] = [];
  const record = (response: Response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      documents.push(response);
    }
  };
  page.on('response', record);
  try {
    await Promise.all([page.waitForEvent('load'), target.click()]);
  } finally {
    page.off('response', record);
  }
  return documents.at(-1)?.status();
}

/**
 * `expect.poll`'s options in the walks: its default, 1 s, is also a limit on
 * each call it makes, and fails a Playwright call that a loaded machine keeps
 * waiting longer. A guard against a page that never shows it, not a speed limit.
 */
export const pageWait = { timeout: 15_000 };

export function button(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true });
}

export function field(page: Page, label: string): Locator {
  return page.getByLabel(label, { exact: true });
}

/** Signs up with a password on the sign-up page; lands on the home page. */
export async function signUpWithPassword(page: Page, username: string, password: string) {
  await page.goto('/signup');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  await clickThrough(page, button(page, 'Create account'));
  expect(pathOf(page)).toBe('/?done=signed-up');
}

/** Where the page is: path and query. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function signIn(page: Page, secret: string): Promise<number | undefined> {
  await page.goto('/signin');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(secret);
  return clickThrough(page, button(page, 'Sign in'));
}

/**
 * Every flow, as a person does it in Chromium: sign up (after a refused
 * try), sign out, sign in with a wrong then the right password, open the
 * account, revoke a session of a second browser, change the password, sign
 * out everywhere else, and a form posted from another site refused.
 */
export async function walkEveryFlow({
  browser,
  origin,
  screenshot,
  received,
}: WalkOptions): Promise<void> {
  const here = await openBrowser(browser, origin);
  const there = await openBrowser(browser, origin);
  const { page } = here;

  // Signed out, the home page leads to sign-up and sign-in.
  await page.goto('/');
  expect(await page.locator('h1').textContent()).toBe('Welcome');
  await screenshot(page, 'home-signed-out');

  // A refused sign-up keeps the username and says why beside the password.
  await clickThrough(page, page.getByRole('main').getByRole('link', { name: 'Sign up' }));
  expect(pathOf(page)).toBe('/signup');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill('password123');
  expect(await clickThrough(page, button(page, 'Create account'))).toBe(400);
  expect(await field(page, 'Username').inputValue()).toBe(username);
  expect(await field(page, 'Password').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('#password-error').textContent()).toContain('too common');
  await screenshot(page, 'signup-error');

  // Sign-up: a session cookie with the contract's attributes, and the home page says who.
  await field(page, 'Password').fill(password);
  await clickThrough(page, button(page, 'Create account'));
  expect(pathOf(page)).toBe('/?done=signed-up');
  expect(await page.locator('h1').textContent()).toBe(`Hello, ${username}`);
  const [cookie] = await here.context.cookies();
  if (cookie) received.add(cookie.value);
  expect(cookie).toMatchObject({
    name: 'auth_session',
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: false,
  });

  // Sign-out deletes the cookie.
  await clickThrough(page, button(page, 'Sign out'));
  expect(pathOf(page)).toBe('/?done=signed-out');
  expect(await page.getByRole('status').textContent()).toBe('You are signed out.');
  expect(await here.context.cookies()).toEqual([]);

  // A wrong password: one sentence, the username kept; then the right one.
  expect(await signIn(page, 'not the password')).toBe(401);
  expect(await page.getByRole('alert').textContent()).toBe(
    'The username or password is incorrect.',
  );
  expect(await field(page, 'Username').inputValue()).toBe(username);
  await screenshot(page, 'signin');
  await field(page, 'Password').fill(password);
  await clickThrough(page, button(page, 'Sign in'));
  expect(pathOf(page)).toBe('/?done=signed-in');

  // The account lists this browser's session, marked.
  await clickThrough(page, page.getByRole('link', { name: 'Your account' }));
  expect(pathOf(page)).toBe('/account');
  expect(await page.locator('.session').count()).toBe(1);
  expect(await page.locator('.session-current').textContent()).toContain('This browser');

  // A second browser signs in: two sessions, and only the other one has a Revoke button.
  await signIn(there.page, password);
  expect(pathOf(there.page)).toBe('/?done=signed-in');
  await page.reload();
  expect(await page.locator('.session').count()).toBe(2);
  expect(await button(page, 'Revoke').count()).toBe(1);
  await screenshot(page, 'account');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'account-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Revoking it signs the second browser out.
  await clickThrough(page, button(page, 'Revoke'));
  expect(pathOf(page)).toBe('/account?done=session-revoked');
  expect(await page.locator('.session').count()).toBe(1);
  await there.page.goto('/account');
  expect(pathOf(there.page)).toBe('/signin');

  // Changing the password: a wrong current one is refused beside its field.
  await field(page, 'Current password').fill('not the password');
  await field(page, 'New password').fill(newPassword);
  expect(await clickThrough(page, button(page, 'Change password'))).toBe(401);
  expect(await page.locator('#currentPassword-error').textContent()).toBe(
    'That is not your current password.',
  );
  await field(page, 'Current password').fill(password);
  await field(page, 'New password').fill(newPassword);
  await clickThrough(page, button(page, 'Change password'));
  expect(pathOf(page)).toBe('/account?done=password-changed');
  expect(await page.getByRole('status').textContent()).toContain('Your password is changed');

  // The old password no longer signs in; the new one does.
  expect(await signIn(there.page, password)).toBe(401);
  await signIn(there.page, newPassword);
  expect(pathOf(there.page)).toBe('/?done=signed-in');

  // Sign out everywhere else: the second browser is out, this one stays in.
  await page.reload();
  expect(await page.locator('.session').count()).toBe(2);
  await clickThrough(page, button(page, 'Sign out everywhere else'));
  expect(pathOf(page)).toBe('/account?done=others-revoked');
  expect(await page.locator('.session').count()).toBe(1);
  await there.page.goto('/account');
  expect(pathOf(there.page)).toBe('/signin');

  // A form another site posts to the app is refused by the origin check.
  const crossSite = await serveCrossSiteForm(`${origin}/account/sessions/revoke-others`);
  try {
    await there.page.goto(crossSite.url);
    expect(await clickThrough(there.page, there.page.getByRole('button'))).toBe(403);
  } finally {
    await crossSite.close();
  }

  // This browser signs out from its own session's row.
  await page.goto('/account');
  await clickThrough(
    page,
    page.locator('.session-current').getByRole('button', { name: 'Sign out' }),
  );
  expect(pathOf(page)).toBe('/?done=signed-out');
  await page.goto('/account');
  expect(pathOf(page)).toBe('/signin');

  expect([...here.problems, ...there.problems]).toEqual([]);
  await here.context.close();
  await there.context.close();
}
