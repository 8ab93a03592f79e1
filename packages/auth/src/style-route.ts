import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { etag } from 'hono/etag';

/**
 * `GET /style.css`: the pages' one stylesheet, read once at start. It is the
 * same for everyone, so a browser may keep it and ask again with its ETag.
 */
export function styleRoute() {
  const css = readFileSync(new URL('./pages/style.css', import.meta.url), 'utf8');
  return new Hono().get('/style.css', etag(), (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
}
