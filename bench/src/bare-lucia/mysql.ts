import { Mysql2Adapter } from '@lucia-auth/adapter-mysql';
import mysql from 'mysql2/promise';
import { createBareLucia, serveBareLucia } from './serve-bare-lucia.ts';

// The app's pool: mysql2's default of 10 connections, DATETIME read as UTC.
const pool = mysql.createPool({
  uri: process.env.BENCH_DATABASE,
  timezone: 'Z',
  connectionLimit: 10,
});
const lucia = createBareLucia(
  new Mysql2Adapter(pool, { user: 'lucia_user', session: 'lucia_session' }),
);

await serveBareLucia({
  lucia,
  async createTables() {
    await pool.query(`CREATE TABLE IF NOT EXISTS lucia_user (
      id VARCHAR(255) NOT NULL PRIMARY KEY,
      username VARCHAR(255) NOT NULL UNIQUE,
      password_hash VARCHAR(255) NOT NULL
    )`);
    await pool.query(`CREATE TABLE IF NOT EXISTS lucia_session (
      id VARCHAR(255) NOT NULL PRIMARY KEY,
      expires_at DATETIME NOT NULL,
      user_id VARCHAR(255) NOT NULL REFERENCES lucia_user(id)
    )`);
  },
  async insertUser({ id, username, passwordHash }) {
    await pool.execute('INSERT INTO lucia_user (id, username, password_hash) VALUES (?, ?, ?)', [
      id,
      username,
      passwordHash,
    ]);
  },
  close: () => pool.end(),
});
