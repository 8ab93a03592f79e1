/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { flowLifetimeMs } from './auth-flows.ts';
import type { IdentityFailure, IdentityService } from './identity-service.ts';
import { confirmedPath } from './pages/confirmations.ts';
import { describeDuration } from './pages/describe-duration.ts';
import { ErrorPage } from './pages/error-page.tsx';
import { ReauthenticatePage } from './pages/reauthenticate-page.tsx';
import type { ProviderDirectory } from './provider-directory.ts';
import { sendSessionCookie } from './sessions.ts';

export interface ProviderRoutesOptions {
  identities: IdentityService;
  providers: ProviderDirectory;
  /** Whether cookies get `Secure` (ORIGIN is https), and the flow cookie the `__Host-` prefix. */
  secure: boolean;
  /** The address throttling counts a request against. */
  addressOf(c: Context): string;
}

/** What a person reads when a provider sign-in fails, and its status. */
function explain(
  failure: IdentityFailure,
  label: string,
): { status: ContentfulStatusCode; message: string } {
  switch (failure.reason) {
    case 'not_found':
      return { status: 404, message: 'There is no page at this address.' };
    case 'too_many_attempts': {
      const wait = describeDuration(failure.retryAfter * 1000);
      const what = failure.limit === 'signup' ? 'accounts were made' : 'sign-ins were started';
      return { status: 429, message: `Too many ${what} from your address. Try again in ${wait}.` };
    }
    case 'unauthenticated':
      return { status: 401, message: 'You are not signed in. Sign in first.' };
    case 'reauthentication_required':
      return { status: 403, message: 'Confirm it is you first.' };
    case 'not_linked':
      return {
        status: 403,
        message: `That ${label} account is not linked to your account, so it does not confirm who you are. Nothing was changed.`,
      };
    case 'identity_taken':
      return {
        status: 409,
        message: `That ${label} account is already linked to another user, or you have linked another one. Nothing was changed.`,
      };
    case 'unavailable':
      return {
        status: 503,
        message: `${label} cannot be reached right now. Try again in a moment; signing in with a password still works.`,
      };
    case 'no_flow':
      return { status: 400, message: 'This sign-in has expired or was already used. Start again.' };
    case 'state_mismatch':
      return {
        status: 400,
        message: `The answer from ${label} does not belong to this sign-in. Start again.`,
      };
    case 'denied':
      return { status: 400, message: `${label} did not sign you in: it was cancelled or refused.` };
    case 'link_mismatch':
      return {
        status: 400,
        message: `Linking ${label} was started by another account. Sign in as that account and link again.`,
      };
    case 'exchange_failed':
      return { status: 400, message: `${label} did not confirm this sign-in. Start again.` };
    case 'invalid_token':
      return {
        status: 400,
        message: `The answer from ${label} could not be verified. Nothing was changed.`,
      };
  }
}

/**
 * `POST /signin/:provider` and `GET /signin/:provider/callback` of
 * docs/API.md: the button sends the browser to the provider with a flow
 * cookie; the callback ends the flow (and its cookie) whatever follows, and
 * answers `303 /account`, or an error page with a sentence and a way back.
 */
export function providerRoutes({
  identities,
  providers,
  secure,
  addressOf,
}: ProviderRoutesOptions) {
  const flowCookieName = secure ? '__Host-auth_flow' : 'auth_flow';

  async function renderFailure(c: Context<AppEnv>, failure: IdentityFailure, name: string) {
    const user = c.get('user') ?? null;
    if (failure.reason === 'reauthentication_required' && user) {
      const ways = await identities.confirmationWays(user.id);
      c.header('Cache-Control', 'no-store');
      return c.html(<ReauthenticatePage user={user} ways={ways} />, 403);
    }
    const label = providers.get(name)?.label ?? name;
    const { status, message } = explain(failure, label);
    if (failure.reason === 'too_many_attempts') {
      c.header('Retry-After', String(failure.retryAfter));
    }
    if (failure.reason === 'not_found') throw new ApiError('not_found', { message });
    const back = user
      ? { href: '/account', text: 'Back to your account' }
      : { href: '/signin', text: 'Back to sign-in' };
    c.header('Cache-Control', 'no-store');
    return c.html(<ErrorPage user={user} status={status} message={message} back={back} />, status);
  }

  return new Hono<AppEnv>()
    .post('/signin/:provider', async (c) => {
      const name = c.req.param('provider');
      // The form's one field: `reauthenticate=1` from the page that asks
      // the user to confirm who it is. A post without a form body has none.
      const form = await c.req.parseBody();
      const result = await identities.begin({
        name,
        user: c.get('user'),
        session: c.get('session'),
        reauthenticate: form.reauthenticate === '1',
        address: addressOf(c),
      });
      if (!result.ok) return renderFailure(c, result, name);
      setCookie(c, flowCookieName, result.flowCookie, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure,
        maxAge: flowLifetimeMs / 1000,
      });
      return c.redirect(result.url, 303);
    })
    .get('/signin/:provider/callback', async (c) => {
      const name = c.req.param('provider');
      const flowCookie = getCookie(c, flowCookieName);
      // The flow ends here, whatever follows.
      if (flowCookie !== undefined) deleteCookie(c, flowCookieName, { path: '/', secure });
      const result = await identities.finish({
        name,
        flowCookie,
        query: new URL(c.req.url).searchParams,
        user: c.get('user'),
        session: c.get('session'),
        address: addressOf(c),
        browser: c.req.header('user-agent'),
      });
      if (!result.ok) return renderFailure(c, result, name);
      sendSessionCookie(c, result.cookie);
      if (result.outcome === 'reauthenticated') {
        return c.redirect(confirmedPath('/account', 'reauthenticated'), 303);
      }
      return c.redirect('/account', 303);
    });
}
