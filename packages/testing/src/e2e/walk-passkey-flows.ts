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

const username = 'peggy';
const password = 'correct horse battery staple';

/**
 * Passkeys as a person uses them in Chromium, on a virtual authenticator of
 * the DevTools protocol (a platform authenticator that keeps resident keys
 * and verifies its user): add a passkey on the account page under a name,
 * sign out, and sign in with it from the sign-in page, no username typed;
 * then the password, which asks for the passkey as the second factor.
 * WebAuthn takes no IP address as the RP id: the app is opened at
 * `http://localhost:<port>`, its ORIGIN.
 */
export async function walkPasskeyFlows({
  browser,
  origin,
  screenshot,
  received,
}: WalkOptions): Promise<void> {
  const { context, page, problems } = await openBrowser(browser, origin);
  const devtools = await context.newCDPSession(page);
  await devtools.send('WebAuthn.enable');
  const { authenticatorId } = await devtools.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await signUpWithPassword(page, username, password);
  await page.goto('/account');
  await field(page, 'Name of the new passkey').fill('This laptop');
  await clickThrough(page, button(page, 'Add a passkey'));
  expect(pathOf(page)).toBe('/account?done=passkey-added');
  await expect
    .poll(() => page.locator('#passkeys-title ~ ul .method-name').allTextContents(), pageWait)
    .toEqual(['This laptop']);
  const { credentials } = await devtools.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]?.isResidentCredential).toBe(true);
  await screenshot(page, 'account-passkey');

  await clickThrough(
    page,
    page.locator('.session-current').getByRole('button', { name: 'Sign out' }),
  );
  expect(await context.cookies()).toEqual([]);
  await page.goto('/signin');
  await screenshot(page, 'signin-passkey');
  await clickThrough(page, button(page, 'Sign in with a passkey'));
  expect(pathOf(page)).toBe('/account');
  await expect.poll(() => page.locator('.who').textContent(), pageWait).toBe(username);
  const [cookie] = await context.cookies();
  if (cookie) received.add(cookie.value);
  const listed = await page.locator('#passkeys-title ~ ul .method-state').allTextContents();
  expect(listed.join()).toMatch(/last used/);

  // The password now asks for the passkey as the second factor.
  await clickThrough(
    page,
    page.locator('.session-current').getByRole('button', { name: 'Sign out' }),
  );
  await page.goto('/signin');
  await field(page, 'Username').fill(username);
  await field(page, 'Password').fill(password);
  await clickThrough(page, button(page, 'Sign in'));
  expect(pathOf(page)).toBe('/signin/second-factor');
  await screenshot(page, 'second-factor-passkey');
  await clickThrough(page, button(page, 'Use a passkey'));
  expect(pathOf(page)).toBe('/?done=signed-in');
  await expect.poll(() => page.locator('.who').textContent(), pageWait).toBe(username);
  for (const { value } of await context.cookies()) received.add(value);

  expect(problems).toEqual([]);
  await context.close();
}
