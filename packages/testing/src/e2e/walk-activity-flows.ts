import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { MailCatcher } from '../mail/mail-catcher.ts';
import { codeOf } from '../mail/mail-catcher.ts';
import {
  button,
  clickThrough,
  field,
  openBrowser,
  pathOf,
  signUpWithPassword,
  type WalkOptions,
} from './walk-every-flow.ts';

const username = 'trudy';
const password = 'correct horse battery staple';
const email = 'trudy@example.test';

/**
 * The activity, the export and the deletion as a person sees them in
 * Chromium: a failed sign-in and a sign-in show under "Recent activity"
 * with the browser's family; "Download your data" gives the JSON file; the
 * account is deleted from its page, the notice arrives by mail, and the
 * username can be taken again.
 */
export async function walkActivityFlows({
  browser,
  origin,
  screenshot,
  received,
  catcher,
}: WalkOptions & { catcher: MailCatcher }): Promise<void> {
  const { context, page, problems } = await openBrowser(browser, origin);
  await signUpWithPassword(page, username, password);
  await page.goto('/account');
  await field(page, 'Address').fill(email);
  await clickThrough(page, button(page, 'Send a code'));
  await field(page, 'Code').fill(codeOf(await catcher.waitFor(email)));
  await clickThrough(page, button(page, 'Verify'));
  expect(pathOf(page)).toBe('/account?done=email-verified');
  await clickThrough(
    page,
    page.locator('.session-current').getByRole('button', { name: 'Sign out' }),
  );

  // A wrong password, then the right one: both are in the activity.
  await page.goto('/signin');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill('not the password');
  expect(await clickThrough(page, button(page, 'Sign in'))).toBe(401);
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  await clickThrough(page, button(page, 'Sign in'));
  expect(pathOf(page)).toBe('/?done=signed-in');
  for (const cookie of await context.cookies()) received.add(cookie.value);

  await page.goto('/account');
  const activity = page.locator('section[aria-labelledby="activity-title"] li');
  const lines = await activity.allTextContents();
  expect(lines.slice(0, 6).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
    expect.stringMatching(
      /^Signed in with a password less than a minute ago from 127\.0\.0\.1, Chrome$/,
    ),
    expect.stringMatching(/^Failed sign-in with a password .* from 127\.0\.0\.1, Chrome$/),
    expect.stringMatching(/^Signed out /),
    expect.stringMatching(/^Address verified /),
    expect.stringMatching(/^Address added/),
    expect.stringMatching(/^Account created with a password /),
  ]);
  await activity.first().scrollIntoViewIfNeeded();
  await screenshot(page, 'account-activity');

  // The export: a JSON file the browser saves.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download your data' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^account-trudy-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await readFile((await download.path()) as string, 'utf8'));
  expect(exported.account).toMatchObject({ username, email });
  expect(exported.activity.length).toBe(lines.length);

  // The deletion: the box, the button, and the account is gone.
  await page.getByLabel('I want to delete my account').check();
  await clickThrough(page, button(page, 'Delete account'));
  expect(pathOf(page)).toBe('/?done=account-deleted');
  const notice = await catcher.waitFor(email, { count: 2 });
  expect(notice.subject).toMatch(/was deleted/);
  await page.goto('/account');
  expect(pathOf(page)).toBe('/signin');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  expect(await clickThrough(page, button(page, 'Sign in'))).toBe(401);
  await signUpWithPassword(page, username, password);
  for (const cookie of await context.cookies()) received.add(cookie.value);

  expect(problems).toEqual([]);
  await context.close();
}
