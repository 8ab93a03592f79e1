import type { Database } from '@repo/schema/database';
import { type Context, Hono } from 'hono';
import type { Kysely } from 'kysely';
import { createAccount, findPasswordAccount } from './accounts.ts';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import type { AppLucia } from './create-lucia.ts';
import { signinSchema, signupSchema } from './credentials.ts';
import { hashPassword, verifyPassword } from './password-hashing.ts';
import { readJsonBody } from './read-json-body.ts';

export interface AuthRoutesOptions {
  db: Kysely<Database>;
  lucia: AppLucia;
}

/**
 * `POST /signup`, `POST /signin`, `POST /signout` and `GET /me`, to be mounted
 * under `/api` behind the origin check and the session middleware.
 */
export function authRoutes({ db, lucia }: AuthRoutesOptions) {
  /** Replaces the caller's session, if any, with a new one for `userId`. */
  async function startSession(c: Context<AppEnv>, userId: string): Promise<void> {
    const previous = c.get('session');
    if (previous) await lucia.invalidateSession(previous.id);
    const session = await lucia.createSession(userId, {});
    c.header('Set-Cookie', lucia.createSessionCookie(session.id).serialize());
  }

  function requireSession(c: Context<AppEnv>) {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) throw new ApiError('unauthenticated');
    return { user, session };
  }

  return new Hono<AppEnv>()
    .post('/signup', async (c) => {
      const { username, password } = await readJsonBody(c, signupSchema);
      const user = await createAccount(db, {
        username,
        hashedPassword: await hashPassword(password),
      });
      if (!user) throw new ApiError('username_taken');
      await startSession(c, user.id);
      return c.json({ user }, 201);
    })
    .post('/signin', async (c) => {
      const { username, password } = await readJsonBody(c, signinSchema);
      const account = await findPasswordAccount(db, username.toLowerCase());
      // Verified even when there is no account: the same time and answer.
      const valid = await verifyPassword(account?.hashedPassword ?? null, password);
      if (!account || !valid) throw new ApiError('invalid_credentials');
      await startSession(c, account.user.id);
      return c.json({ user: account.user });
    })
    .post('/signout', async (c) => {
      const { session } = requireSession(c);
      await lucia.invalidateSession(session.id);
      c.header('Set-Cookie', lucia.createBlankSessionCookie().serialize());
      return c.body(null, 204);
    })
    .get('/me', (c) => {
      const { user, session } = requireSession(c);
      return c.json({
        user: { id: user.id, username: user.username },
        session: { expiresAt: session.expiresAt.toISOString() },
      });
    });
}
