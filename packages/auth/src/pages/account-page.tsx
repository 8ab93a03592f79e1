/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import type { Identities } from '../identity-service.ts';
import type { PasskeyInfo } from '../passkeys.ts';
import type { ActivityEntry } from '../security-events.ts';
import type { SessionInfo } from '../sessions.ts';
import { ActivitySection, DeleteAccountSection } from './activity-section.tsx';
import { describeDuration } from './describe-duration.ts';
import { EmailSection, type EmailSectionProps } from './email-section.tsx';
import { Field } from './field.tsx';
import { Layout } from './layout.tsx';
import { NewPasswordField } from './new-password-field.tsx';
import { Notice } from './notice.tsx';
import { PasskeyScript, PasskeySection } from './passkey-section.tsx';
import { SignInMethods } from './sign-in-methods.tsx';

export interface AccountPageProps {
  user: Pick<User, 'username'>;
  /** The user's sessions, newest first, as `listSessions` gives them. */
  sessions: SessionInfo[];
  /** The time the page describes the sessions from (ms). */
  now: number;
  /** The user's password and providers (`GET /api/identities`). */
  identities: Identities;
  confirmation?: string | null;
  /** Why an unlink did nothing. */
  identitiesError?: string;
  /** Why a revocation did nothing. */
  sessionsError?: string;
  /** The address and its forms; `null` (or absent) when mail is not set up. */
  email?: EmailSectionProps | null;
  /** The password form after a refused post: a message per field, or one for the form. */
  password?: { fields?: Record<string, string>; error?: string };
  /** The last security events, newest first (`GET /api/activity`). */
  activity?: ActivityEntry[];
  /** The user's passkeys (`GET /api/passkeys`). */
  passkeys?: PasskeyInfo[];
  /** Why a passkey's removal did nothing. */
  passkeysError?: string;
}

function SessionSummary({ session, now }: { session: SessionInfo; now: number }) {
  const age = now - Date.parse(session.createdAt);
  return (
    <div class="session-summary">
      <p class="session-title">
        {session.current ? (
          <strong class="badge">This browser</strong>
        ) : (
          'Another browser or device'
        )}
      </p>
      <p class="session-times">
        Signed in{' '}
        <time datetime={session.createdAt} title={session.createdAt}>
          {age < 60_000 ? 'less than a minute ago' : `${describeDuration(age)} ago`}
        </time>
      </p>
      <p class="session-times">
        Ends in{' '}
        <time datetime={session.expiresAt} title={session.expiresAt}>
          {describeDuration(Date.parse(session.expiresAt) - now)}
        </time>
      </p>
    </div>
  );
}

/**
 * `/account`: the ways to sign in (password, providers) with Link and
 * Unlink; the sessions, the current one marked with a sign-out button and
 * each other with a revoke button; signing out everywhere else; changing
 * the password, or setting a first one for a user who signed up through a
 * provider.
 */
export function AccountPage(props: AccountPageProps) {
  const { user, sessions, now, identities, confirmation, sessionsError, password = {} } = props;
  const fields = password.fields ?? {};
  // This browser's first, then the others newest first.
  const listed = [...sessions].sort((a, b) => Number(b.current) - Number(a.current));
  const others = sessions.filter((session) => !session.current).length;
  return (
    <Layout title="Account" user={user} head={<PasskeyScript />}>
      {confirmation && <Notice tone="success">{confirmation}</Notice>}
      <h1>Your account</h1>
      <p>
        You are signed in as <strong>{user.username}</strong>.
      </p>

      <SignInMethods
        identities={identities}
        error={props.identitiesError}
        passkeys={props.passkeys?.length ?? 0}
      />
      <PasskeySection passkeys={props.passkeys ?? []} now={now} error={props.passkeysError} />

      {props.email ? (
        <EmailSection {...props.email} />
      ) : (
        <section aria-labelledby="email-title">
          <h2 id="email-title">E-mail address</h2>
          <p class="hint">
            This app sends no mail: there is no address to add, and a forgotten password cannot be
            reset by mail.
          </p>
        </section>
      )}

      <section aria-labelledby="two-step-title">
        <h2 id="two-step-title">Two-step sign-in</h2>
        <p>
          <a href="/account/two-step">
            Set up an authenticator app, or manage it and your recovery codes
          </a>
        </p>
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        {sessionsError && <Notice tone="error">{sessionsError}</Notice>}
        <ul class="sessions">
          {listed.map((session) => (
            <li key={session.id} class={session.current ? 'session session-current' : 'session'}>
              <SessionSummary session={session} now={now} />
              {session.current ? (
                <form method="post" action="/signout">
                  <button class="button-secondary" type="submit">
                    Sign out
                  </button>
                </form>
              ) : (
                <form method="post" action="/account/sessions/revoke">
                  <input type="hidden" name="session" value={session.id} />
                  <button class="button-secondary" type="submit">
                    Revoke
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        {others > 0 ? (
          <form method="post" action="/account/sessions/revoke-others">
            <button class="button-danger" type="submit">
              Sign out everywhere else
            </button>
          </form>
        ) : (
          <p class="hint">No other browser or device is signed in.</p>
        )}
      </section>

      <section aria-labelledby="password-title">
        <h2 id="password-title">{identities.password ? 'Change password' : 'Set a password'}</h2>
        {!identities.password && (
          <p>
            Then you can also sign in with your username, <strong>{user.username}</strong>, and this
            password.
          </p>
        )}
        <form class="card" method="post" action="/account/password">
          {password.error && <Notice tone="error">{password.error}</Notice>}
          {/* For password managers: the account whose password this changes. */}
          <input
            type="text"
            name="username"
            autocomplete="username"
            value={user.username}
            readonly
            hidden
          />
          {identities.password && (
            <Field
              name="currentPassword"
              label="Current password"
              type="password"
              autocomplete="current-password"
              error={fields.currentPassword}
              autofocus={Boolean(fields.currentPassword || password.error)}
            />
          )}
          <NewPasswordField
            name="newPassword"
            label="New password"
            consequence="Every other session is signed out."
            error={fields.newPassword}
            autofocus={Boolean(fields.newPassword && !fields.currentPassword)}
          />
          <button type="submit">{identities.password ? 'Change password' : 'Set password'}</button>
        </form>
        {props.email && identities.password && (
          <p>
            <a href="/forgot-password">Forgot your password?</a>
          </p>
        )}
      </section>

      <ActivitySection
        events={props.activity ?? []}
        now={now}
        labels={Object.fromEntries(
          [...identities.identities, ...identities.available].map((way) => [
            way.provider,
            way.label,
          ]),
        )}
      />
      <DeleteAccountSection />
    </Layout>
  );
}
