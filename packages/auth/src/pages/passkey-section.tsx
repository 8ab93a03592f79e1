/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PasskeyInfo } from '../passkeys.ts';
import { describeDuration } from './describe-duration.ts';
import { Field } from './field.tsx';
import { Notice } from './notice.tsx';

/** The script that runs the passkey controls, for a page's `head` (the CSP allows it alone). */
export function PasskeyScript() {
  return <script type="module" src="/passkeys.js" />;
}

function ago(at: string, now: number): string {
  const age = now - Date.parse(at);
  return age < 60_000 ? 'less than a minute ago' : `${describeDuration(age)} ago`;
}

export interface PasskeySectionProps {
  passkeys: PasskeyInfo[];
  now: number;
  /** Why a removal did nothing. */
  error?: string | undefined;
}

/**
 * The account's passkeys, each with Remove (a plain form); and adding one
 * under a name, which needs the browser's WebAuthn API, so that form shows
 * only once /passkeys.js runs.
 */
export function PasskeySection({ passkeys, now, error }: PasskeySectionProps) {
  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      {error && <Notice tone="error">{error}</Notice>}
      {passkeys.length === 0 ? (
        <p class="hint">
          No passkey yet. A passkey signs you in with this device's screen lock or a security key,
          without a password.
        </p>
      ) : (
        <p class="hint">
          A passkey signs you in on its own; signing in with your password or a provider also asks
          for one.
        </p>
      )}
      {passkeys.length > 0 && (
        <ul class="methods">
          {passkeys.map((passkey) => (
            <li key={passkey.id} class="method">
              <span class="method-name">{passkey.name}</span>
              <span class="method-state">
                Added{' '}
                <time datetime={passkey.createdAt} title={passkey.createdAt}>
                  {ago(passkey.createdAt, now)}
                </time>
                {passkey.lastUsedAt && (
                  <>
                    , last used{' '}
                    <time datetime={passkey.lastUsedAt} title={passkey.lastUsedAt}>
                      {ago(passkey.lastUsedAt, now)}
                    </time>
                  </>
                )}
              </span>
              <form method="post" action="/account/passkeys/remove">
                <input type="hidden" name="passkey" value={passkey.id} />
                <button class="button-secondary" type="submit">
                  Remove {passkey.name}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <div data-passkey hidden>
        <form class="card" data-passkey-register>
          <Field
            name="passkey-name"
            label="Name of the new passkey"
            hint="So that you can tell it apart, e.g. the device it is on."
            autocomplete="off"
            maxlength={64}
          />
          <button type="submit">Add a passkey</button>
        </form>
        <p class="hint" aria-live="polite" data-passkey-message />
        <form method="post" action="/account/passkeys/confirm" data-passkey-reauthenticate hidden>
          <button class="button-secondary" type="submit">
            Confirm it is you
          </button>
        </form>
      </div>
      <noscript>
        <p class="hint">Adding a passkey needs JavaScript in this browser.</p>
      </noscript>
    </section>
  );
}

/** "Sign in with a passkey", shown once /passkeys.js finds a browser that can. */
export function PasskeySignIn() {
  return (
    <div data-passkey hidden>
      <button class="button-secondary" type="button" data-passkey-signin>
        Sign in with a passkey
      </button>
      <p class="hint" aria-live="polite" data-passkey-message />
    </div>
  );
}

/**
 * A passkey as a proof of identity: the second factor of a waiting
 * sign-in, or a new proof from a full session (`POST /api/2fa/passkey`);
 * then the browser goes to `next`. Shown once /passkeys.js runs.
 */
export function PasskeyConfirm({ label, next }: { label: string; next: string }) {
  return (
    <div data-passkey hidden>
      <button class="button-secondary" type="button" data-passkey-confirm data-passkey-next={next}>
        {label}
      </button>
      <p class="hint" aria-live="polite" data-passkey-message />
    </div>
  );
}
