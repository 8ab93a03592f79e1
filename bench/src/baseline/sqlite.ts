import Sqlite from 'better-sqlite3';
import { serveBaseline } from './serve-baseline.ts';

// A connection like the app's: one, in WAL mode, waiting 500 ms for a lock.
const database = new Sqlite(process.env.BENCH_DATABASE, { timeout: 500 });
database.pragma('journal_mode = WAL');
const findSession = database.prepare<
  [string],
  { user_id: string; username: string; expires_at: number }
>(
  `SELECT session.user_id, user.username, session.expires_at
   FROM session INNER JOIN user ON user.id = session.user_id
   WHERE session.id = ?`,
);

serveBaseline({
  async findSession(sessionId) {
    const row = findSession.get(sessionId);
    // expires_at holds seconds since the epoch, as Lucia's SQLite adapter writes it.
    return row
      ? { userId: row.user_id, username: row.username, expiresAt: new Date(row.expires_at * 1000) }
      : null;
  },
  close: () => {
    database.close();
  },
});
