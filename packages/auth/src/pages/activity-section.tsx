/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ActivityEntry } from '../security-events.ts';
import { describeDuration } from './describe-duration.ts';

/** What each kind of event says to the person who reads it. */
const sentences: Record<string, string> = {
  signup: 'Account created',
  signin: 'Signed in',
  signin_failed: 'Failed sign-in',
  second_factor_passed: 'Second factor passed',
  second_factor_failed: 'Wrong second factor',
  signout: 'Signed out',
  signout_everywhere: 'Signed out everywhere else',
  session_revoked: 'A session was revoked',
  password_changed: 'Password changed',
  password_reset: 'Password reset by mail',
  email_added: 'Address added (code sent)',
  email_verified: 'Address verified',
  email_removed: 'Address removed',
  totp_added: 'Authenticator app added',
  totp_removed: 'Authenticator app removed',
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey removed',
  recovery_codes_made: 'New recovery codes made',
  provider_linked: 'Provider linked',
  provider_unlinked: 'Provider unlinked',
};

/** How an event's method or provider reads: "with a password", "through Google". */
function describeMethod(
  detail: ActivityEntry['detail'],
  labels: Record<string, string>,
): string | null {
  const method = typeof detail.method === 'string' ? detail.method : null;
  if (method === 'password') return 'with a password';
  if (method === 'passkey') return 'with a passkey';
  if (method === 'totp') return 'with an authenticator app';
  if (method === 'recovery_code') return 'with a recovery code';
  if (method?.startsWith('provider:')) {
    const name = method.slice('provider:'.length);
    return `through ${labels[name] ?? name}`;
  }
  if (typeof detail.provider === 'string') return labels[detail.provider] ?? detail.provider;
  return null;
}

/**
 * "Recent activity" of the account page: each event, when (as a person says
 * it, the exact time on hover), how, from which address and browser.
 */
export function ActivitySection({
  events,
  now,
  labels,
}: {
  events: ActivityEntry[];
  now: number;
  /** The configured providers' labels, by name. */
  labels: Record<string, string>;
}) {
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Recent activity</h2>
      <p class="hint">
        The last 100 security events of your account, kept 90 days. If one was not you, change your
        password and sign out everywhere else.
      </p>
      <ul class="activity">
        {events.map((event) => {
          const age = now - Date.parse(event.at);
          const method = describeMethod(event.detail, labels);
          return (
            <li class="activity-event" data-kind={event.kind}>
              <strong>{sentences[event.kind] ?? event.kind}</strong>
              {method && ` ${method}`}{' '}
              <time datetime={event.at} title={event.at}>
                {age < 60_000 ? 'less than a minute ago' : `${describeDuration(age)} ago`}
              </time>
              <span class="hint">
                {' '}
                from {event.address}, {event.browser}
              </span>
            </li>
          );
        })}
      </ul>
      <p>
        <a href="/api/account/export" download>
          Download your data
        </a>{' '}
        (JSON: your account, ways to sign in, passkeys, two-step sign-in, sessions and activity).
      </p>
    </section>
  );
}

/** Deleting the account: one button, after a box that says what it does. */
export function DeleteAccountSection() {
  return (
    <section aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      <p>
        Your account and everything stored about it are deleted at once, and cannot be brought back.
        Your username becomes free for anyone.
      </p>
      <form method="post" action="/account/delete">
        <p class="confirm-box">
          <input
            type="checkbox"
            id="delete-confirm"
            name="confirm"
            value="yes"
            autocomplete="off"
            required
          />
          <label for="delete-confirm">I want to delete my account</label>
        </p>
        <button class="button-danger" type="submit">
          Delete account
        </button>
      </form>
    </section>
  );
}
