/**
 * How recent a proof of identity the sensitive changes need (docs/API.md,
 * "Recent authentication"): setting a first password, linking or unlinking
 * a provider, and the later ones the contract lists.
 */
export const reauthenticationWindowMs = 10 * 60 * 1000;

/**
 * Whether a session's user proved who it is (a sign-in, or
 * `POST /api/reauthenticate`) within the last 10 minutes, so that a stolen
 * session cookie, used later, cannot make a change that would outlast it
 * (a password of the thief's, a provider of the thief's). A time ahead of
 * `now` is not taken: only this server writes it, so it cannot be honest.
 *
 * @example
 * if (!isRecentlyAuthenticated(session.authenticatedAt, Date.now())) return { ok: false, reason: 'reauthentication_required' };
 */
export function isRecentlyAuthenticated(authenticatedAt: Date, now: number): boolean {
  const at = authenticatedAt.getTime();
  return at <= now && now - at < reauthenticationWindowMs;
}
