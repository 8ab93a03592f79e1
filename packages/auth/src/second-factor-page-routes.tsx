/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { type Context, Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { AppEnv } from './app-env.ts';
import type { Caller } from './auth-service.ts';
import type { IdentityService } from './identity-service.ts';
import { confirmedPath, readConfirmation } from './pages/confirmations.ts';
import { describeDuration } from './pages/describe-duration.ts';
import { ReauthenticatePage } from './pages/reauthenticate-page.tsx';
import {
  SecondFactorPage,
  TwoStepPage,
  type TwoStepPageProps,
} from './pages/second-factor-pages.tsx';
import { readFormBody } from './read-form-body.ts';
import { secondFactorPagePath } from './second-factor-guard.ts';
import { secondFactorCodeSchema } from './second-factor-routes.ts';
import type { SecondFactorFailure, SecondFactorService } from './second-factor-service.ts';
import { sendSessionCookie } from './sessions.ts';

const recoveryCodeSchema = z.object({ recoveryCode: z.string().max(64) });

export interface SecondFactorPageRoutesOptions {
  secondFactors: SecondFactorService;
  identities: IdentityService;
  addressOf(c: Context): string;
}

/** What a page says of a refused code; for throttling, that the password is known. */
function sentenceOf(
  c: Context,
  failure: SecondFactorFailure,
): { status: ContentfulStatusCode; message: string } {
  if (failure.reason === 'too_many_attempts') {
    c.header('Retry-After', String(failure.retryAfter));
    const wait = describeDuration(failure.retryAfter * 1000);
    return {
      status: 429,
      message: `Too many wrong codes: try again in ${wait}. Whoever typed them knows your password: once you are in, change it.`,
    };
  }
  if (failure.reason === 'unauthenticated') {
    return { status: 401, message: 'This sign-in has ended: sign in with your password again.' };
  }
  return { status: 400, message: 'That code is wrong, used or expired.' };
}

/**
 * The pages of the second factor (plain forms, no script):
 * `/signin/second-factor` for a waiting session, and `/account/two-step`,
 * where TOTP is turned on in two steps (a QR code as inline SVG and the
 * key as text, then a code), turned off, and recovery codes are made.
 */
export function secondFactorPageRoutes({
  secondFactors,
  identities,
  addressOf,
}: SecondFactorPageRoutesOptions) {
  function render(c: Context, page: JSX.Element, status: ContentfulStatusCode = 200) {
    c.header('Cache-Control', 'no-store');
    return c.html(page, status);
  }
  function callerOf(c: Context<AppEnv>): Caller | null {
    const user = c.get('user');
    const session = c.get('session');
    return user && session && !session.secondFactorPending
      ? { user, session, address: addressOf(c), browser: c.req.header('user-agent') }
      : null;
  }
  function waitingOf(c: Context<AppEnv>) {
    const session = c.get('session');
    return session?.secondFactorPending
      ? { session, address: addressOf(c), browser: c.req.header('user-agent') }
      : null;
  }
  async function renderTwoStep(
    c: Context<AppEnv>,
    caller: Caller,
    props: Partial<TwoStepPageProps> = {},
    status: ContentfulStatusCode = 200,
  ) {
    const state = await secondFactors.status(caller.user.id);
    return render(c, <TwoStepPage user={caller.user} {...state} {...props} />, status);
  }
  /** The second-factor page, with the factors the waiting user has. */
  async function renderWaiting(
    c: Context<AppEnv>,
    waiting: { session: { userId: string } },
    error?: string,
    status: ContentfulStatusCode = 200,
  ) {
    const methods = await secondFactors.methods(waiting.session.userId);
    return render(c, <SecondFactorPage error={error} methods={methods} />, status);
  }
  async function renderReauthenticate(c: Context<AppEnv>, caller: Caller) {
    const ways = await identities.confirmationWays(caller.user.id);
    return render(
      c,
      <ReauthenticatePage user={caller.user} ways={ways} returnTo="/account/two-step" />,
      403,
    );
  }

  return new Hono<AppEnv>()
    .get(secondFactorPagePath, async (c) => {
      const waiting = waitingOf(c);
      if (!waiting) return c.redirect(c.get('session') ? '/account' : '/signin');
      return renderWaiting(c, waiting);
    })
    .post(`${secondFactorPagePath}/totp`, async (c) => {
      const waiting = waitingOf(c);
      if (!waiting) return c.redirect('/signin', 303);
      const form = await readFormBody(c, secondFactorCodeSchema);
      const result = form.ok
        ? await secondFactors.passTotp(waiting, form.data.code.trim())
        : ({ ok: false, reason: 'invalid_code' } as const);
      if (!result.ok) {
        const { status, message } = sentenceOf(c, result);
        return renderWaiting(c, waiting, message, status);
      }
      sendSessionCookie(c, result.cookie);
      return c.redirect(confirmedPath('/', 'signed-in'), 303);
    })
    .post(`${secondFactorPagePath}/recovery`, async (c) => {
      const waiting = waitingOf(c);
      if (!waiting) return c.redirect('/signin', 303);
      const form = await readFormBody(c, recoveryCodeSchema);
      const result = form.ok
        ? await secondFactors.passRecovery(waiting, form.data.recoveryCode)
        : ({ ok: false, reason: 'invalid_code' } as const);
      if (!result.ok) {
        const { status, message } = sentenceOf(c, result);
        return renderWaiting(c, waiting, message, status);
      }
      sendSessionCookie(c, result.cookie);
      return c.redirect(confirmedPath('/', 'signed-in'), 303);
    })
    .get('/account/two-step', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin');
      return renderTwoStep(c, caller, { confirmation: readConfirmation(c.req.query('done')) });
    })
    .post('/account/two-step/start', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const result = await secondFactors.start(caller);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok) return renderTwoStep(c, caller, { error: 'It is already on.' }, 409);
      const qrSvg = await QRCode.toString(result.uri, { type: 'svg', margin: 2 });
      return renderTwoStep(c, caller, { setup: { secret: result.secret, qrSvg } });
    })
    .post('/account/two-step/confirm', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, secondFactorCodeSchema);
      const result = form.ok
        ? await secondFactors.confirm(caller, form.data.code.trim())
        : ({ ok: false, reason: 'invalid_code' } as const);
      if (!result.ok) {
        return renderTwoStep(
          c,
          caller,
          {
            error: 'That code is wrong or expired: start again, and type the code your app shows.',
          },
          400,
        );
      }
      return renderTwoStep(c, caller, { recoveryCodes: result.recoveryCodes });
    })
    .post('/account/two-step/recovery-codes', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const result = await secondFactors.makeRecoveryCodes(caller);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok)
        return renderTwoStep(c, caller, { error: 'Turn on a second factor first.' }, 404);
      return renderTwoStep(c, caller, { recoveryCodes: result.recoveryCodes });
    })
    .post('/account/two-step/remove', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const result = await secondFactors.remove(caller);
      if (!result.ok) return renderReauthenticate(c, caller);
      return c.redirect('/account/two-step', 303);
    });
}
