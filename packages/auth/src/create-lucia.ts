import { type Adapter, Cookie, Lucia, TimeSpan } from 'lucia';

/** The session cookie's name over http, and its name before `__Host-` (docs/API.md). */
export const legacySessionCookieName = 'auth_session';
/** Its name when ORIGIN is https: no sibling subdomain can set or shadow a `__Host-` cookie. */
export const hostSessionCookieName = '__Host-auth_session';

/** How long a session lives from its last renewal. */
export const sessionLifetime = new TimeSpan(30, 'd');

/**
 * Lucia with this project's session policy, over any adapter: sessions live
 * 30 days and slide (Lucia renews one, and marks it `fresh`, once less than
 * half its life is left: 15 days). The cookie is `HttpOnly`, `SameSite=Lax`,
 * `Path=/`, and when the public origin is https `Secure` and named
 * `__Host-auth_session`.
 *
 * Lucia sees session ids only: the cookie carries a token, and the id is its
 * SHA-256 (session-token.ts). Give `validateSession` ids, `createSessionCookie`
 * tokens; the app writes and deletes rows itself (create-verified-session.ts,
 * end-session.ts).
 *
 * @example
 * const lucia = createLucia(new NodePostgresAdapter(pool, { user: 'user', session: 'session' }), {
 *   origin: 'https://auth.example.com',
 * });
 */
export function createLucia(adapter: Adapter, options: { origin: string }) {
  const secure = options.origin.startsWith('https://');
  return new Lucia(adapter, {
    sessionExpiresIn: sessionLifetime,
    sessionCookie: {
      name: secure ? hostSessionCookieName : legacySessionCookieName,
      attributes: { secure, sameSite: 'lax' },
    },
    // The user row as Lucia's adapter reads it (`SELECT user.*`): pick what
    // may leave the server, so no later column leaks by accident.
    getUserAttributes: (attributes) => ({ username: attributes.username }),
    // Lucia's adapters hand a session's other columns over as their driver
    // reads them: a Date from pg and mysql2, seconds from SQLite (the
    // schema's form there, as Lucia's own expires_at).
    getSessionAttributes: (attributes) => ({
      authenticatedAt:
        attributes.authenticated_at instanceof Date
          ? attributes.authenticated_at
          : new Date(Number(attributes.authenticated_at) * 1000),
    }),
  });
}

export type AppLucia = ReturnType<typeof createLucia>;

/**
 * A cookie that deletes the session cookie of the name it had before
 * `__Host-`, with the attributes it was set with (a cookie is deleted only
 * by one that matches its name, path and domain).
 */
export function deleteLegacySessionCookie(lucia: AppLucia): Cookie {
  const { attributes } = lucia.createBlankSessionCookie();
  return new Cookie(legacySessionCookieName, '', attributes);
}

declare module 'lucia' {
  interface Register {
    Lucia: AppLucia;
    DatabaseUserAttributes: { username: string };
    DatabaseSessionAttributes: { authenticated_at: Date | number };
  }
}
