import { createPool } from 'mysql2/promise';
import { serveBetterAuth } from './serve-better-auth.ts';

// The app's pool: mysql2's default of 10 connections, DATETIME read as UTC
// (better-auth's MySQL guide sets `timezone: 'Z'` too).
const pool = createPool({ uri: process.env.BENCH_DATABASE, timezone: 'Z', connectionLimit: 10 });

await serveBetterAuth({ database: pool, close: () => pool.end() });
