import { type Context, Hono } from 'hono';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import type { AuthService, Caller, Failure } from './auth-service.ts';
import {
  passwordChangeSchema,
  reauthenticateSchema,
  signinSchema,
  signupSchema,
} from './credentials.ts';
import type { IdentityService } from './identity-service.ts';
import { readJsonBody } from './read-json-body.ts';
import { sendSessionCookie } from './sessions.ts';

export interface AuthRoutesOptions {
  service: AuthService;
  identities: IdentityService;
  /** The address throttling counts a request against. */
  addressOf(c: Context): string;
}

/** The one place where an expected failure becomes the contract's error. */
export function fail(failure: Failure): never {
  if (failure.reason === 'too_many_attempts') {
    throw new ApiError('too_many_attempts', {
      headers: { 'Retry-After': String(failure.retryAfter) },
    });
  }
  if (failure.reason === 'invalid_input') {
    throw new ApiError('invalid_input', { fields: failure.fields });
  }
  throw new ApiError(failure.reason);
}

/**
 * The JSON API of docs/API.md, mounted under `/api` behind the origin check
 * and the session middleware.
 */
export function authRoutes({ service, identities, addressOf }: AuthRoutesOptions) {
  function signedIn(c: Context<AppEnv>) {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) throw new ApiError('unauthenticated');
    return { user, session };
  }
  function caller(c: Context<AppEnv>): Caller {
    return { ...signedIn(c), address: addressOf(c), browser: c.req.header('user-agent') };
  }

  return new Hono<AppEnv>()
    .post('/signup', async (c) => {
      const input = await readJsonBody(c, signupSchema);
      const result = await service.signUp(
        input,
        addressOf(c),
        c.get('session'),
        c.req.header('user-agent'),
      );
      if (!result.ok) fail(result);
      sendSessionCookie(c, result.cookie);
      return c.json({ user: result.user }, 201);
    })
    .post('/signin', async (c) => {
      const input = await readJsonBody(c, signinSchema);
      const result = await service.signIn(
        input,
        addressOf(c),
        c.get('session'),
        c.req.header('user-agent'),
      );
      if (!result.ok) fail(result);
      sendSessionCookie(c, result.cookie);
      if (result.methods.length > 0) return c.json({ secondFactor: { methods: result.methods } });
      return c.json({ user: result.user });
    })
    .post('/signout', async (c) => {
      sendSessionCookie(c, await service.signOut(caller(c)));
      return c.body(null, 204);
    })
    .get('/me', (c) => {
      const { user, session } = signedIn(c);
      return c.json({
        user: {
          id: user.id,
          username: user.username,
          email: user.email,
          emailVerified: user.email !== null,
        },
        session: {
          expiresAt: session.expiresAt.toISOString(),
          authenticatedAt: session.authenticatedAt.toISOString(),
        },
      });
    })
    .post('/reauthenticate', async (c) => {
      const who = caller(c);
      const { password } = await readJsonBody(c, reauthenticateSchema);
      const result = await service.reauthenticate(who, password);
      if (!result.ok) fail(result);
      return c.body(null, 204);
    })
    .post('/password', async (c) => {
      const who = caller(c);
      const input = await readJsonBody(c, passwordChangeSchema);
      const result = await service.changePassword(who, input);
      if (!result.ok) fail(result);
      sendSessionCookie(c, result.cookie);
      return c.body(null, 204);
    })
    .get('/sessions', async (c) => c.json({ sessions: await service.listSessions(caller(c)) }))
    .delete('/sessions/:id', async (c) => {
      const result = await service.revokeSession(caller(c), c.req.param('id'));
      if (!result.ok) fail(result);
      sendSessionCookie(c, result.cookie);
      return c.body(null, 204);
    })
    .delete('/sessions', async (c) => {
      await service.revokeOtherSessions(caller(c));
      return c.body(null, 204);
    })
    .get('/identities', async (c) => c.json(await identities.list(caller(c).user.id)))
    .delete('/identities/:provider', async (c) => {
      const who = caller(c);
      const result = await identities.unlink(who, c.req.param('provider'), who.address);
      if (!result.ok) throw new ApiError(result.reason);
      return c.body(null, 204);
    });
}
