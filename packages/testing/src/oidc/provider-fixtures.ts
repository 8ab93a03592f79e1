import type { ProviderConfig } from '@repo/auth/provider-config';
import { expect } from 'vitest';
import { defaultOrigin } from '../harness.ts';
import type { TestClient } from '../test-client.ts';
import { signInAtProvider } from './sign-in-at-provider.ts';
import type { TestProvider } from './start-test-provider.ts';

/** The secret of every test client at the test providers. */
export const clientSecret = 'test-client-secret-3f9a1c';

/** The app's client at a provider, for an app at `origin`. */
export function clientOf(name: string, origin = defaultOrigin) {
  return {
    clientId: `app-${name}`,
    clientSecret,
    redirectUri: `${origin}/signin/${name}/callback`,
  };
}

/** The `AUTH_<NAME>_*` settings of a test provider, as the app receives them. */
export function configOf(name: string, provider: TestProvider, label?: string): ProviderConfig {
  return {
    name,
    issuer: provider.issuer,
    clientId: `app-${name}`,
    clientSecret,
    label: label ?? name.charAt(0).toUpperCase() + name.slice(1),
  };
}

let subjects = 0;
/** A subject no other test uses. */
export function uniqueSub(prefix = 'sub'): string {
  subjects += 1;
  return `${prefix}-${subjects}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface ContinueWithOptions {
  /** Changes the authorization request before the browser follows it. */
  alter?(url: URL): void;
  /** Changes the callback URL before the browser follows it. */
  editCallback?(url: URL): void;
  /** More form fields of the button (`reauthenticate: '1'`). */
  fields?: Record<string, string>;
}

/**
 * The button and the provider's pages as `login`: the callback URL the
 * provider sends the browser back to, not yet followed (`client` holds the
 * flow cookie).
 */
export async function callbackOf(
  client: TestClient,
  name: string,
  login: string | undefined,
  options: Omit<ContinueWithOptions, 'editCallback'> = {},
): Promise<URL> {
  const start = await client.postForm(`/signin/${name}`, options.fields);
  expect(start.status, await start.clone().text()).toBe(303);
  return signInAtProvider(start.headers.get('Location') ?? '', { login, alter: options.alter });
}

/** The button, the provider's pages as `login`, and the callback: the app's answer to it. */
export async function continueWith(
  client: TestClient,
  name: string,
  login: string | undefined,
  options: ContinueWithOptions = {},
): Promise<Response> {
  const callback = await callbackOf(client, name, login, options);
  options.editCallback?.(callback);
  return client.get(callback.pathname + callback.search);
}
