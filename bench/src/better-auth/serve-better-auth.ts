// A peer of `pnpm bench`: better-auth as its documentation sets it up
// ("Installation", "Email & Password", "Hono" integration), with its defaults
// and its Kysely adapter over a driver pool like the app's. Its four tables
// are named `ba_*` beside the app's, made by its own migrations at start.
import { type BetterAuthOptions, betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { Hono } from 'hono';
import { serveBenchServer } from '../serve-bench-server.ts';

export interface ServeBetterAuthOptions {
  /** What `betterAuth({ database })` takes: a pg pool, a mysql2 pool, a better-sqlite3 database. */
  database: BetterAuthOptions['database'];
  /** Closes the pool on SIGTERM. */
  close(): Promise<void> | void;
}

/**
 * Serves better-auth's handler on `/api/auth/*` (sign-up is
 * `POST /api/auth/sign-up/email`) and `GET /api/me` behind the documented
 * Hono middleware (`auth.api.getSession`), on `HOST`:`PORT`; logs
 * the apps' start line (`bind`, `serving <origin>`). `BETTER_AUTH_SECRET` must be the same
 * for every start of a run, or the cookies it signed stop being valid.
 */
export async function serveBetterAuth({ database, close }: ServeBetterAuthOptions): Promise<void> {
  const auth = betterAuth({
    database,
    baseURL: process.env.ORIGIN,
    secret: process.env.BETTER_AUTH_SECRET,
    emailAndPassword: { enabled: true },
    user: { modelName: 'ba_user' },
    session: { modelName: 'ba_session' },
    account: { modelName: 'ba_account' },
    verification: { modelName: 'ba_verification' },
    // Off by default already; said here so that no run can send anything out.
    telemetry: { enabled: false },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();

  type SessionData = typeof auth.$Infer.Session;
  const app = new Hono<{
    Variables: { user: SessionData['user'] | null; session: SessionData['session'] | null };
  }>();
  // The documented middleware: every request asks better-auth for its session.
  app.use('*', async (c, next) => {
    const session = await auth.api.getSession({ headers: c.req.raw.headers });
    if (!session) {
      c.set('user', null);
      c.set('session', null);
      await next();
      return;
    }
    c.set('user', session.user);
    c.set('session', session.session);
    await next();
  });
  app.on(['POST', 'GET'], '/api/auth/*', (c) => auth.handler(c.req.raw));
  app.get('/api/me', (c) => {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) return c.json({ error: { code: 'unauthenticated' } }, 401);
    return c.json({
      user: { id: user.id, username: user.name },
      session: { expiresAt: session.expiresAt.toISOString() },
    });
  });
  serveBenchServer(app, close);
}
