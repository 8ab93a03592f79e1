/** @jsxRuntime automatic @jsxImportSource hono/jsx */

import { raw } from 'hono/html';
import type { User } from 'lucia';
import type { SecondFactorMethod } from '../second-factor-methods.ts';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { Notice } from './notice.tsx';
import { PasskeyConfirm, PasskeyScript } from './passkey-section.tsx';

/**
 * `/signin/second-factor`: the user's second factors: a passkey button, a
 * TOTP form, a recovery-code form.
 */
export function SecondFactorPage({
  error,
  methods = ['totp', 'recovery_code'],
}: {
  error?: string | undefined;
  /** The user's second factors (`secondFactorMethodsOf`). */
  methods?: SecondFactorMethod[];
}) {
  const totp = methods.includes('totp');
  return (
    <Layout
      title="Second factor"
      user={null}
      head={methods.includes('passkey') ? <PasskeyScript /> : undefined}
    >
      <h1>One more step</h1>
      <p>
        {totp
          ? 'The first step is done. Now give the code of your authenticator app.'
          : 'The first step is done. Now confirm it is you with your passkey.'}
      </p>
      {error && <Notice tone="error">{error}</Notice>}
      {methods.includes('passkey') && (
        <PasskeyConfirm label="Use a passkey" next="/?done=signed-in" />
      )}
      {totp && (
        <form class="card" method="post" action="/signin/second-factor/totp">
          <Field
            name="code"
            label="Code from your authenticator app"
            autocomplete="one-time-code"
            inputmode="numeric"
            autofocus
          />
          <button type="submit">Continue</button>
        </form>
      )}
      {methods.includes('recovery_code') && (
        <>
          <h2>Lost your authenticator?</h2>
          <form class="card" method="post" action="/signin/second-factor/recovery">
            <Field name="recoveryCode" label="A recovery code" autocomplete="one-time-code" />
            <button type="submit">Use a recovery code</button>
          </form>
        </>
      )}
      <form method="post" action="/signout">
        <button type="submit" class="button-secondary">
          Cancel and sign out
        </button>
      </form>
    </Layout>
  );
}

/** What a person needs about the two-step sign-in, on its own page. */
export interface TwoStepPageProps {
  user: Pick<User, 'username'>;
  /** Whether TOTP is on, and how many recovery codes are left. */
  totp: boolean;
  codesLeft: number;
  /** Step 2 of turning it on: the secret, as text and as a QR code (inline SVG). */
  setup?: { secret: string; qrSvg: string; error?: string | undefined };
  /** Recovery codes just made: shown this once. */
  recoveryCodes?: string[];
  error?: string | undefined;
  /** What the change this page redirected after did (`?done=`), as fixed text. */
  confirmation?: string | null;
}

/** `/account/two-step`: turn TOTP on (two steps), off, and make recovery codes. */
export function TwoStepPage({
  user,
  totp,
  codesLeft,
  setup,
  recoveryCodes,
  error,
  confirmation,
}: TwoStepPageProps) {
  return (
    <Layout title="Two-step sign-in" user={user}>
      <h1>Two-step sign-in</h1>
      {confirmation && <Notice tone="success">{confirmation}</Notice>}
      {error && <Notice tone="error">{error}</Notice>}
      {recoveryCodes && (
        <section aria-labelledby="codes-title">
          <h2 id="codes-title">Your recovery codes</h2>
          <p>
            Keep these somewhere safe: each one signs you in once when your authenticator is not at
            hand. They are shown only now.
          </p>
          <ul class="recovery-codes">
            {recoveryCodes.map((code) => (
              <li>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      {setup ? (
        <section aria-labelledby="setup-title">
          <h2 id="setup-title">Step 2: add it to your authenticator app</h2>
          <p>Scan this code with your authenticator app, or type the key below into it.</p>
          <div class="qr-code">{raw(setup.qrSvg)}</div>
          <p>
            Key: <code id="totp-secret">{setup.secret}</code>
          </p>
          <form class="card" method="post" action="/account/two-step/confirm">
            {setup.error && <Notice tone="error">{setup.error}</Notice>}
            <Field
              name="code"
              label="The code your app shows now"
              autocomplete="one-time-code"
              inputmode="numeric"
              autofocus
            />
            <button type="submit">Turn on</button>
          </form>
        </section>
      ) : totp ? (
        <section aria-labelledby="on-title">
          <h2 id="on-title">An authenticator app is on</h2>
          <p>
            Signing in asks for its code after your password. {codesLeft} recovery codes are left.
          </p>
          <form method="post" action="/account/two-step/recovery-codes">
            <button type="submit">Make new recovery codes</button>
          </form>
          <form method="post" action="/account/two-step/remove">
            <button type="submit" class="button-danger">
              Turn off
            </button>
          </form>
        </section>
      ) : (
        <section aria-labelledby="off-title">
          <h2 id="off-title">Step 1: start</h2>
          <p>
            With an authenticator app, signing in asks for a code from your phone after your
            password, so that a password alone signs no one in.
          </p>
          <form method="post" action="/account/two-step/start">
            <button type="submit">Set up an authenticator app</button>
          </form>
        </section>
      )}
      <p>
        <a href="/account">Back to your account</a>
      </p>
    </Layout>
  );
}
