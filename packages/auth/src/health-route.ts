import type { Database } from '@repo/schema/database';
import { Hono } from 'hono';
import { type Kysely, sql } from 'kysely';

/** How long `/healthz` waits for the database before it answers 503. */
const timeoutMs = 2000;

/** `GET /healthz`: 200 while the database answers a query, 503 otherwise. */
export function healthRoute(db: Kysely<Database>) {
  return new Hono().get('/healthz', async (c) => {
    const ping = sql`select 1`.execute(db).then(() => true);
    const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
    const ok = await Promise.race([ping, timeout]).catch(() => false);
    return ok ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503);
  });
}
