import { type Adapter, Lucia, TimeSpan } from 'lucia';

/** The session cookie's name, as the contract fixes it. */
export const sessionCookieName = 'auth_session';

/**
 * Lucia with this project's session policy, over the adapter an app's
 * `openDatabase` made: sessions live 30 days and slide (Lucia renews one, and
 * marks it `fresh`, once less than half its life is left: 15 days). The
 * cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` exactly when
 * the public origin is https.
 *
 * @example
 * const lucia = createLucia(new NodePostgresAdapter(pool, { user: 'user', session: 'session' }), {
 *   origin: 'https://auth.example.com',
 * });
 */
export function createLucia(adapter: Adapter, options: { origin: string }) {
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(30, 'd'),
    sessionCookie: {
      name: sessionCookieName,
      attributes: { secure: options.origin.startsWith('https://'), sameSite: 'lax' },
    },
    // The user row as Lucia's adapter reads it (`SELECT user.*`): pick what
    // may leave the server, so no later column leaks by accident.
    getUserAttributes: (attributes) => ({ username: attributes.username }),
  });
}

export type AppLucia = ReturnType<typeof createLucia>;

declare module 'lucia' {
  interface Register {
    Lucia: AppLucia;
    DatabaseUserAttributes: { username: string };
  }
}
