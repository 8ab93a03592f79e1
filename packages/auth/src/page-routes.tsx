/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Each .tsx file names its JSX runtime: tsx applies tsconfig.json only to the
// files of the app it starts, not to this package's.
import { type Context, Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { AccountService } from './account-service.ts';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import type { AuthService, Caller, Failure } from './auth-service.ts';
import {
  passwordChangeSchema,
  reauthenticateSchema,
  signinSchema,
  signupSchema,
} from './credentials.ts';
import { emailCodeSchema, emailRequestSchema, resetConfirmSchema } from './email-input.ts';
import type { EmailService } from './email-service.ts';
import type { IdentityService } from './identity-service.ts';
import { AccountPage, type AccountPageProps } from './pages/account-page.tsx';
import { confirmedPath, readConfirmation } from './pages/confirmations.ts';
import { describeDuration } from './pages/describe-duration.ts';
import { ForgotPasswordPage } from './pages/forgot-password-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import type { ProviderChoice } from './pages/provider-buttons.tsx';
import { ReauthenticatePage, type ReturnPage, returnPages } from './pages/reauthenticate-page.tsx';
import { ResetPasswordPage } from './pages/reset-password-page.tsx';
import { SigninPage } from './pages/signin-page.tsx';
import { SignupPage } from './pages/signup-page.tsx';
import { lastPasskey } from './passkey-routes.ts';
import type { PasskeyService } from './passkey-service.ts';
import { readFormBody } from './read-form-body.ts';
import { sendSessionCookie } from './sessions.ts';

/** The page's form: the password, and the page to go back to (one of a fixed few, never a URL). */
const reauthenticateFormSchema = reauthenticateSchema.extend({
  'return-to': z.enum(returnPages).catch('/account'),
});

export interface PageRoutesOptions {
  service: AuthService;
  identities: IdentityService;
  /** The providers of `AUTH_PROVIDERS`, for the "Continue with" buttons. */
  providers: ProviderChoice[];
  /** The address throttling counts a request against. */
  addressOf(c: Context): string;
  /** The mail flows; `null` when mail is not set up (`SMTP_URL`). */
  email?: EmailService | null;
  /** The activity and the deletion of the account. */
  account: AccountService;
  /** The account page's passkeys. */
  passkeys: PasskeyService;
}

const revokeSchema = z.object({ session: z.string().max(64) });
const unlinkSchema = z.object({ provider: z.string().max(64) });
const deleteSchema = z.object({ confirm: z.literal('yes') });
const removePasskeySchema = z.object({ passkey: z.string().max(64) });

/** A page, never kept by a cache: it depends on who asks and may show what they typed. */
function render(c: Context, page: JSX.Element, status: ContentfulStatusCode = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(page, status);
}

/**
 * The one place where an expected failure becomes what a page says: the
 * contract's status and sentence, and for throttling a `Retry-After` and how
 * long to wait.
 */
function explain(c: Context, failure: Failure): { status: ContentfulStatusCode; message: string } {
  const { status, message } = new ApiError(failure.reason);
  if (failure.reason === 'invalid_input') {
    return { status, message: Object.values(failure.fields).join(' ') };
  }
  if (failure.reason !== 'too_many_attempts') return { status, message };
  c.header('Retry-After', String(failure.retryAfter));
  const wait = describeDuration(failure.retryAfter * 1000);
  return { status, message: `Too many attempts. Try again in ${wait}.` };
}

/**
 * The flows of docs/API.md as HTML pages with plain forms (no script):
 * `/`, `/signup`, `/signin`, `/account`. Every post goes through the same
 * origin check, schemas, service and cookies as the JSON API, then
 * redirects (303) to a page that confirms it; a refused form is shown again
 * with each message beside its field and the username as typed.
 */
export function pageRoutes(options: PageRoutesOptions) {
  const { service, identities, providers, addressOf, account, passkeys } = options;
  const email = options.email ?? null;
  const mail = email !== null;

  function callerOf(c: Context<AppEnv>): Caller | null {
    const user = c.get('user');
    const session = c.get('session');
    return user && session
      ? { user, session, address: addressOf(c), browser: c.req.header('user-agent') }
      : null;
  }

  async function renderAccount(
    c: Context<AppEnv>,
    caller: Caller,
    props: Partial<AccountPageProps> & {
      emailForm?: { fields?: Record<string, string>; error?: string };
    } = {},
    status: ContentfulStatusCode = 200,
  ) {
    const { emailForm, ...page } = props;
    const [sessions, ways, address, activity, keys] = await Promise.all([
      service.listSessions(caller),
      identities.list(caller.user.id),
      email ? email.status(caller.user.id) : null,
      account.activity(caller.user.id),
      passkeys.list(caller.user.id),
    ]);
    return render(
      c,
      <AccountPage
        user={caller.user}
        sessions={sessions}
        identities={ways}
        now={Date.now()}
        email={address && { ...address, ...emailForm }}
        activity={activity}
        passkeys={keys}
        {...page}
      />,
      status,
    );
  }

  /** A page of the mail flows when mail is not set up: it says so, as a 404. */
  function renderNoMail(c: Context<AppEnv>) {
    return render(c, <ForgotPasswordPage user={c.get('user')} mail={false} />, 404);
  }

  /** The password or a provider again, before a change that needs recent authentication. */
  async function renderReauthenticate(
    c: Context<AppEnv>,
    caller: Caller,
    error?: string,
    status: ContentfulStatusCode = 403,
    returnTo: ReturnPage = '/account',
  ) {
    const ways = await identities.confirmationWays(caller.user.id);
    return render(
      c,
      <ReauthenticatePage user={caller.user} ways={ways} error={error} returnTo={returnTo} />,
      status,
    );
  }

  return new Hono<AppEnv>()
    .get('/', (c) =>
      render(
        c,
        <HomePage user={c.get('user')} confirmation={readConfirmation(c.req.query('done'))} />,
      ),
    )
    .get('/signup', (c) => render(c, <SignupPage user={c.get('user')} providers={providers} />))
    .post('/signup', async (c) => {
      const form = await readFormBody(c, signupSchema);
      const page = { user: c.get('user'), providers, username: form.values.username };
      if (!form.ok) return render(c, <SignupPage {...page} fields={form.fields} />, 400);
      const result = await service.signUp(
        form.data,
        addressOf(c),
        c.get('session'),
        c.req.header('user-agent'),
      );
      if (!result.ok) {
        const { status, message } = explain(c, result);
        const shown =
          result.reason === 'username_taken'
            ? { fields: { username: message } }
            : { error: message };
        return render(c, <SignupPage {...page} {...shown} />, status);
      }
      sendSessionCookie(c, result.cookie);
      return c.redirect(confirmedPath('/', 'signed-up'), 303);
    })
    .get('/signin', (c) =>
      render(c, <SigninPage user={c.get('user')} providers={providers} mail={mail} />),
    )
    .post('/signin', async (c) => {
      const form = await readFormBody(c, signinSchema);
      const page = { user: c.get('user'), providers, mail, username: form.values.username };
      if (!form.ok) {
        const error = Object.values(form.fields).join(' ');
        return render(c, <SigninPage {...page} error={error} />, 400);
      }
      const result = await service.signIn(
        form.data,
        addressOf(c),
        c.get('session'),
        c.req.header('user-agent'),
      );
      if (!result.ok) {
        const { status, message } = explain(c, result);
        return render(c, <SigninPage {...page} error={message} />, status);
      }
      sendSessionCookie(c, result.cookie);
      if (result.methods.length > 0) return c.redirect('/signin/second-factor', 303);
      return c.redirect(confirmedPath('/', 'signed-in'), 303);
    })
    .post('/signout', async (c) => {
      const caller = callerOf(c);
      if (caller) sendSessionCookie(c, await service.signOut(caller));
      return c.redirect(confirmedPath('/', 'signed-out'), 303);
    })
    .get('/account', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin');
      return renderAccount(c, caller, { confirmation: readConfirmation(c.req.query('done')) });
    })
    .post('/account/password', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, passwordChangeSchema);
      if (!form.ok) return renderAccount(c, caller, { password: { fields: form.fields } }, 400);
      const result = await service.changePassword(caller, form.data);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok) {
        const { status, message } = explain(c, result);
        const password =
          result.reason === 'invalid_credentials'
            ? { fields: { currentPassword: 'That is not your current password.' } }
            : result.reason === 'invalid_input'
              ? { fields: result.fields }
              : { error: message };
        return renderAccount(c, caller, { password }, status);
      }
      sendSessionCookie(c, result.cookie);
      const done = form.data.currentPassword === undefined ? 'password-set' : 'password-changed';
      return c.redirect(confirmedPath('/account', done), 303);
    })
    .post('/account/sessions/revoke', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, revokeSchema);
      const result = form.ok
        ? await service.revokeSession(caller, form.data.session)
        : ({ ok: false, reason: 'not_found' } as const);
      if (!result.ok) {
        const sessionsError = 'That session had already ended.';
        return renderAccount(c, caller, { sessionsError }, 404);
      }
      sendSessionCookie(c, result.cookie);
      // The caller's own session: they are signed out now.
      if (result.cookie) return c.redirect(confirmedPath('/', 'signed-out'), 303);
      return c.redirect(confirmedPath('/account', 'session-revoked'), 303);
    })
    .post('/account/identities/unlink', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, unlinkSchema);
      const result = form.ok
        ? await identities.unlink(caller, form.data.provider, caller.address)
        : ({ ok: false, reason: 'not_found' } as const);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok) {
        const { status, message } = new ApiError(result.reason);
        const identitiesError =
          result.reason === 'not_found' ? 'That provider is not linked to your account.' : message;
        return renderAccount(c, caller, { identitiesError }, status);
      }
      return c.redirect(confirmedPath('/account', 'provider-unlinked'), 303);
    })
    .post('/account/passkeys/remove', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, removePasskeySchema);
      const result = form.ok
        ? await passkeys.remove(caller, form.data.passkey)
        : ({ ok: false, reason: 'not_found' } as const);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok) {
        const { status } = new ApiError(result.reason);
        const passkeysError =
          result.reason === 'not_found' ? 'That passkey is not one of yours.' : lastPasskey;
        return renderAccount(c, caller, { passkeysError }, status);
      }
      return c.redirect(confirmedPath('/account', 'passkey-removed'), 303);
    })
    .post('/account/passkeys/confirm', async (c) => {
      // Adding a passkey is a script's call; when it needs recent
      // authentication, its "Confirm it is you" button posts here.
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      return renderReauthenticate(c, caller, undefined, 200);
    })
    .post('/account/delete', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, deleteSchema);
      if (!form.ok) return renderAccount(c, caller, {}, 400);
      const result = await account.delete(caller);
      if (!result.ok) return renderReauthenticate(c, caller);
      sendSessionCookie(c, result.cookie);
      return c.redirect(confirmedPath('/', 'account-deleted'), 303);
    })
    .post('/account/reauthenticate', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, reauthenticateFormSchema);
      if (!form.ok) return renderReauthenticate(c, caller, 'Enter your password.', 400);
      const returnTo = form.data['return-to'];
      const result = await service.reauthenticate(caller, form.data.password);
      if (!result.ok) {
        const { status, message } = explain(c, result);
        const error =
          result.reason === 'invalid_credentials' ? 'That is not your password.' : message;
        return renderReauthenticate(c, caller, error, status, returnTo);
      }
      return c.redirect(confirmedPath(returnTo, 'reauthenticated'), 303);
    })
    .post('/account/sessions/revoke-others', async (c) => {
      const caller = callerOf(c);
      if (!caller) return c.redirect('/signin', 303);
      await service.revokeOtherSessions(caller);
      return c.redirect(confirmedPath('/account', 'others-revoked'), 303);
    })
    .post('/account/email', async (c) => {
      const caller = callerOf(c);
      if (!email) return renderNoMail(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, emailRequestSchema);
      if (!form.ok) return renderAccount(c, caller, { emailForm: { fields: form.fields } }, 400);
      const result = await email.requestVerification(caller, form.data.email);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok) {
        const { status, message } = explain(c, result);
        return renderAccount(c, caller, { emailForm: { error: message } }, status);
      }
      return c.redirect(confirmedPath('/account', 'email-code-sent'), 303);
    })
    .post('/account/email/verify', async (c) => {
      const caller = callerOf(c);
      if (!email) return renderNoMail(c);
      if (!caller) return c.redirect('/signin', 303);
      const form = await readFormBody(c, emailCodeSchema);
      const result = form.ok
        ? await email.verify(caller, form.data.code)
        : ({ ok: false, reason: 'invalid_code' } as const);
      if (!result.ok) {
        const { status, message } = explain(c, result);
        return renderAccount(c, caller, { emailForm: { fields: { code: message } } }, status);
      }
      return c.redirect(confirmedPath('/account', 'email-verified'), 303);
    })
    .post('/account/email/remove', async (c) => {
      const caller = callerOf(c);
      if (!email) return renderNoMail(c);
      if (!caller) return c.redirect('/signin', 303);
      const result = await email.remove(caller);
      if (!result.ok && result.reason === 'reauthentication_required') {
        return renderReauthenticate(c, caller);
      }
      if (!result.ok) {
        const { status, message } = explain(c, result);
        return renderAccount(c, caller, { emailForm: { error: message } }, status);
      }
      return c.redirect(confirmedPath('/account', 'email-removed'), 303);
    })
    .get('/forgot-password', (c) => {
      if (!email) return renderNoMail(c);
      return render(c, <ForgotPasswordPage user={c.get('user')} mail />);
    })
    .post('/forgot-password', async (c) => {
      if (!email) return renderNoMail(c);
      const user = c.get('user');
      const form = await readFormBody(c, emailRequestSchema);
      if (!form.ok) {
        return render(c, <ForgotPasswordPage user={user} mail fields={form.fields} />, 400);
      }
      const requester = { address: addressOf(c), browser: c.req.header('user-agent') };
      const result = await email.requestReset(requester, form.data.email);
      if (!result.ok) {
        const { status, message } = explain(c, result);
        return render(c, <ForgotPasswordPage user={user} mail error={message} />, status);
      }
      return render(c, <ForgotPasswordPage user={user} mail sent />);
    })
    .get('/reset-password', (c) => {
      // The address holds the token: no request from this page may name it.
      c.header('Referrer-Policy', 'no-referrer');
      if (!email) return renderNoMail(c);
      return render(c, <ResetPasswordPage token={c.req.query('token') ?? null} />);
    })
    .post('/reset-password', async (c) => {
      c.header('Referrer-Policy', 'no-referrer');
      if (!email) return renderNoMail(c);
      const form = await readFormBody(c, resetConfirmSchema);
      const token = form.values.token ?? null;
      if (!form.ok) {
        return render(c, <ResetPasswordPage token={token} fields={form.fields} />, 400);
      }
      const requester = { address: addressOf(c), browser: c.req.header('user-agent') };
      const result = await email.confirmReset(requester, form.data);
      if (!result.ok) {
        const { status, message } = explain(c, result);
        return render(c, <ResetPasswordPage token={token} error={message} />, status);
      }
      return c.redirect(confirmedPath('/', 'password-reset'), 303);
    });
}
