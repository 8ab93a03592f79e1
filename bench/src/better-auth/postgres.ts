import pg from 'pg';
import { serveBetterAuth } from './serve-better-auth.ts';

// The app's pool size: pg's default of 10.
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE, max: 10 });

await serveBetterAuth({ database: pool, close: () => pool.end() });
