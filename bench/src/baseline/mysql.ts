import mysql, { type RowDataPacket } from 'mysql2/promise';
import { serveBaseline } from './serve-baseline.ts';

// The app's pool: mysql2's default of 10 connections, DATETIME read as UTC.
const pool = mysql.createPool({
  uri: process.env.BENCH_DATABASE,
  timezone: 'Z',
  connectionLimit: 10,
});

serveBaseline({
  async findSession(sessionId) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT session.user_id, user.username, session.expires_at
       FROM session INNER JOIN user ON user.id = session.user_id
       WHERE session.id = ?`,
      [sessionId],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, username: row.username, expiresAt: row.expires_at } : null;
  },
  close: () => pool.end(),
});
