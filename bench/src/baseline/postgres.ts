import pg from 'pg';
import { serveBaseline } from './serve-baseline.ts';

// The app's pool size: pg's default of 10.
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE, max: 10 });

serveBaseline({
  async findSession(sessionId) {
    const { rows } = await pool.query<{ user_id: string; username: string; expires_at: Date }>(
      `SELECT session.user_id, "user".username, session.expires_at
       FROM session INNER JOIN "user" ON "user".id = session.user_id
       WHERE session.id = $1`,
      [sessionId],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, username: row.username, expiresAt: row.expires_at } : null;
  },
  close: () => pool.end(),
});
