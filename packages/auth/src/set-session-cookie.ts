import type { Context } from 'hono';
import type { Cookie } from 'lucia';

/**
 * Sends the session cookie a flow of the auth service returned (a new one, or
 * one that deletes it), for the JSON API and the pages alike: its attributes
 * are Lucia's, set once in create-lucia.ts.
 */
export function setSessionCookie(c: Context, cookie: Cookie | null): void {
  if (cookie) c.header('Set-Cookie', cookie.serialize(), { append: true });
}
