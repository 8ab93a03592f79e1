import { expect } from 'vitest';
import { codeOf, type MailCatcher, resetTokenOf } from '../mail/mail-catcher.ts';
import {
  button,
  clickThrough,
  field,
  openBrowser,
  pathOf,
  signUpWithPassword,
  type WalkOptions,
} from './walk-every-flow.ts';

const username = 'mallory';
const password = 'correct horse battery staple';
const newPassword = 'a fresh passphrase from the link';
const email = 'mallory@example.test';

/**
 * The mail flows as a person does them in Chromium, with the mails read
 * from the SMTP server the app sends to: add an address on the account page
 * and verify it with the code from its mail; then, in another browser,
 * "Forgot your password?", the link from the mail, a new password (the
 * page's form must post with an Origin the app takes, under the page's
 * no-referrer), and a sign-in with it, while the first browser's session
 * has ended.
 */
export async function walkMailFlows({
  browser,
  origin,
  screenshot,
  received,
  catcher,
}: WalkOptions & { catcher: MailCatcher }): Promise<void> {
  const here = await openBrowser(browser, origin);
  const { page } = here;
  await signUpWithPassword(page, username, password);
  for (const cookie of await here.context.cookies()) received.add(cookie.value);

  // The address: a code by mail, typed on the account page.
  await page.goto('/account');
  await field(page, 'Address').fill(email);
  await clickThrough(page, button(page, 'Send a code'));
  expect(pathOf(page)).toBe('/account?done=email-code-sent');
  const code = codeOf(await catcher.waitFor(email));
  await field(page, 'Code').fill(code);
  await screenshot(page, 'account-email-code');
  await clickThrough(page, button(page, 'Verify'));
  expect(pathOf(page)).toBe('/account?done=email-verified');
  expect(
    await page
      .locator('#email-title + p, section[aria-labelledby="email-title"]')
      .first()
      .textContent(),
  ).toContain(email);

  // Another browser, signed out: the reset by mail.
  const there = await openBrowser(browser, origin);
  await there.page.goto('/signin');
  await clickThrough(there.page, there.page.getByRole('link', { name: 'Forgot your password?' }));
  expect(pathOf(there.page)).toBe('/forgot-password');
  await field(there.page, 'Your verified e-mail address').fill(email);
  await screenshot(there.page, 'forgot-password');
  expect(await clickThrough(there.page, button(there.page, 'Send me a link'))).toBe(200);
  const mail = await catcher.waitFor(email, { count: 2 });
  const token = resetTokenOf(mail);
  received.add(token);
  const link = /(http\S+\/reset-password\?token=[\w-]+)/.exec(mail.text)?.[1];
  expect(link).toBe(`${origin}/reset-password?token=${token}`);
  expect(await there.page.goto(link as string).then((response) => response?.status())).toBe(200);
  await field(there.page, 'New password').fill(newPassword);
  await screenshot(there.page, 'reset-password');
  expect(await clickThrough(there.page, button(there.page, 'Set the new password'))).toBe(200);
  expect(pathOf(there.page)).toBe('/?done=password-reset');

  // Every session ended: the first browser is signed out; the new password signs in.
  await page.goto('/account');
  expect(pathOf(page)).toBe('/signin');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(newPassword);
  await clickThrough(page, button(page, 'Sign in'));
  expect(pathOf(page)).toBe('/?done=signed-in');
  for (const cookie of await here.context.cookies()) received.add(cookie.value);

  expect([...here.problems, ...there.problems]).toEqual([]);
  await here.context.close();
  await there.context.close();
}
