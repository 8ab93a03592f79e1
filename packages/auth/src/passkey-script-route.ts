import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

/** Where the pages' one script is served: the Content-Security-Policy names this path. */
export const passkeyScriptPath = '/passkeys.js';

/**
 * `GET /passkeys.js`: the pages' one script (passkeys), read once at start,
 * served as style-route.ts serves the stylesheet.
 */
export function passkeyScriptRoute() {
  // Found as a file of this package, from the source and from an app's
  // bundle (bundle-app.ts) alike.
  const script = readFileSync(
    createRequire(import.meta.url).resolve('@repo/auth/pages/passkeys.js'),
    'utf8',
  );
  return new Hono().get(passkeyScriptPath, etag(), (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });
}
