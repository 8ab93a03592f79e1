// The baseline of `pnpm bench`: `GET /api/me` as a bare Hono route on the raw
// driver, with none of the app's layers (no Kysely, Lucia, middleware or
// logger). Each dialect's file gives it the one lookup it runs.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { serveBenchServer } from '../serve-bench-server.ts';

/** The session joined to its user, as one query returns it. */
export interface SessionRow {
  userId: string;
  username: string;
  expiresAt: Date;
}

export interface ServeBaselineOptions {
  /** The session with this id joined to its user, or `null`. */
  findSession(sessionId: string): Promise<SessionRow | null>;
  /** Closes the pool on SIGTERM. */
  close(): Promise<void> | void;
}

/**
 * Serves `GET /api/me` with the JSON shape of the app, on `HOST`:`PORT`, and
 * logs the apps' start line (`bind`, `serving <origin>`).
 */
export function serveBaseline({ findSession, close }: ServeBaselineOptions): void {
  const app = new Hono().get('/api/me', async (c) => {
    const token = getCookie(c, 'auth_session');
    // The session row is keyed by the SHA-256 of the cookie's token, as in the app.
    const sessionId = token && createHash('sha256').update(token).digest('hex');
    const row = sessionId ? await findSession(sessionId) : null;
    if (!row || row.expiresAt.getTime() <= Date.now()) {
      return c.json({ error: { code: 'unauthenticated' } }, 401);
    }
    return c.json({
      user: { id: row.userId, username: row.username },
      session: { expiresAt: row.expiresAt.toISOString() },
    });
  });
  serveBenchServer(app, close);
}
