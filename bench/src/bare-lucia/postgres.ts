import { NodePostgresAdapter } from '@lucia-auth/adapter-postgresql';
import pg from 'pg';
import { createBareLucia, serveBareLucia } from './serve-bare-lucia.ts';

// The app's pool size: pg's default of 10.
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE, max: 10 });
const lucia = createBareLucia(
  new NodePostgresAdapter(pool, { user: 'lucia_user', session: 'lucia_session' }),
);

await serveBareLucia({
  lucia,
  async createTables() {
    await pool.query(`CREATE TABLE IF NOT EXISTS lucia_user (
      id TEXT NOT NULL PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL
    )`);
    await pool.query(`CREATE TABLE IF NOT EXISTS lucia_session (
      id TEXT NOT NULL PRIMARY KEY,
      expires_at TIMESTAMPTZ NOT NULL,
      user_id TEXT NOT NULL REFERENCES lucia_user(id)
    )`);
  },
  async insertUser({ id, username, passwordHash }) {
    await pool.query('INSERT INTO lucia_user (id, username, password_hash) VALUES ($1, $2, $3)', [
      id,
      username,
      passwordHash,
    ]);
  },
  close: () => pool.end(),
});
