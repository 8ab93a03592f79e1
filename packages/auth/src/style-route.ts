import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

/**
 * `GET /style.css`: the pages' one stylesheet, read once at start. It is the
 * same for everyone, so a browser may keep it and ask again with its ETag.
 */
export function styleRoute() {
  // Found as a file of this package, from the source and from an app's
  // bundle (bundle-app.ts) alike.
  const css = readFileSync(
    createRequire(import.meta.url).resolve('@repo/auth/pages/style.css'),
    'utf8',
  );
  return new Hono().get('/style.css', etag(), (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
}
