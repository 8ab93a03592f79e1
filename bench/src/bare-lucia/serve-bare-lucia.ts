// A peer of `pnpm bench`: the smallest Lucia 3.2.2 server its documentation
// gives for Hono ("Validating session cookies: Hono", "Username and
// password"), on the official adapter of each dialect and a pool like the
// app's. Its own two tables (the guide's schema, named `lucia_user` and
// `lucia_session` beside the app's), its own user.
import { hash } from '@node-rs/argon2';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import {
  type Adapter,
  generateIdFromEntropySize,
  Lucia,
  type Session,
  type User,
  verifyRequestOrigin,
} from 'lucia';
import { serveBenchServer } from '../serve-bench-server.ts';

export function createBareLucia(adapter: Adapter) {
  return new Lucia(adapter, {
    sessionCookie: { attributes: { secure: false } },
    getUserAttributes: (attributes) => ({ username: attributes.username }),
  });
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createBareLucia>;
    DatabaseUserAttributes: { username: string };
  }
}

export interface ServeBareLuciaOptions {
  lucia: ReturnType<typeof createBareLucia>;
  /** Creates the guide's tables if they are missing. */
  createTables(): Promise<void>;
  insertUser(user: { id: string; username: string; passwordHash: string }): Promise<void>;
  /** Closes the pool on SIGTERM. */
  close(): Promise<void> | void;
}

/**
 * Serves `POST /api/signup` and `GET /api/me` on `HOST`:`PORT` with the
 * guide's two middlewares (the origin check, the session cookie), and logs
 * the apps' start line (`bind`, `serving <origin>`).
 */
export async function serveBareLucia({
  lucia,
  createTables,
  insertUser,
  close,
}: ServeBareLuciaOptions): Promise<void> {
  await createTables();
  const app = new Hono<{ Variables: { user: User | null; session: Session | null } }>();
  // The guide's CSRF protection.
  app.use('*', async (c, next) => {
    if (c.req.method === 'GET') return next();
    const originHeader = c.req.header('Origin') ?? null;
    const hostHeader = c.req.header('Host') ?? null;
    if (!originHeader || !hostHeader || !verifyRequestOrigin(originHeader, [hostHeader])) {
      return c.body(null, 403);
    }
    return next();
  });
  // The guide's session middleware, as written there.
  app.use('*', async (c, next) => {
    const sessionId = getCookie(c, lucia.sessionCookieName) ?? null;
    if (!sessionId) {
      c.set('user', null);
      c.set('session', null);
      return next();
    }
    const { session, user } = await lucia.validateSession(sessionId);
    if (session?.fresh) {
      c.header('Set-Cookie', lucia.createSessionCookie(session.id).serialize(), { append: true });
    }
    if (!session) {
      c.header('Set-Cookie', lucia.createBlankSessionCookie().serialize(), { append: true });
    }
    c.set('user', user);
    c.set('session', session);
    return next();
  });
  app.post('/api/signup', async (c) => {
    const { username, password } = await c.req.json<{ username: string; password: string }>();
    if (!/^[a-z0-9_-]{3,31}$/.test(username) || password.length < 6 || password.length > 255) {
      return c.json({ error: 'invalid input' }, 400);
    }
    const passwordHash = await hash(password, {
      memoryCost: 19456,
      timeCost: 2,
      outputLen: 32,
      parallelism: 1,
    });
    const userId = generateIdFromEntropySize(10);
    await insertUser({ id: userId, username, passwordHash });
    const session = await lucia.createSession(userId, {});
    c.header('Set-Cookie', lucia.createSessionCookie(session.id).serialize(), { append: true });
    return c.json({ user: { id: userId, username } }, 201);
  });
  app.get('/api/me', (c) => {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) return c.json({ error: { code: 'unauthenticated' } }, 401);
    return c.json({
      user: { id: user.id, username: user.username },
      session: { expiresAt: session.expiresAt.toISOString() },
    });
  });
  serveBenchServer(app, close);
}
