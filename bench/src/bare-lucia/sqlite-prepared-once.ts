// The bare Lucia server on SQLite with each SQL text prepared once, through
// the app's StatementCache (serve-sqlite-bare-lucia.ts): the peer the app's
// /api/me throughput is judged against on SQLite, since the app prepares once too.
import { serveSqliteBareLucia } from './serve-sqlite-bare-lucia.ts';

await serveSqliteBareLucia({ prepareOnce: true });
