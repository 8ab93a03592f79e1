import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/**
 * Serves one of the bench's own servers (a peer, the baseline) on `HOST`:
 * `PORT`, logs the apps' start line (`bind`, `serving <origin>`) so that the
 * testing package's process helper finds it, and on SIGTERM stops taking
 * connections, then closes the pool and exits.
 */
export function serveBenchServer(
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its variables
  app: Hono<any>,
  close: () => Promise<void> | void,
): void {
  const hostname = process.env.HOST ?? '127.0.0.1';
  const server = serve(
    { fetch: app.fetch, hostname, port: Number(process.env.PORT ?? 0) },
    (info) =>
      console.log(
        JSON.stringify({
          bind: `${hostname}:${info.port}`,
          msg: `serving http://localhost:${info.port}`,
        }),
      ),
  );
  process.once('SIGTERM', () =>
    server.close(async () => {
      await close();
      process.exit(0);
    }),
  );
}
