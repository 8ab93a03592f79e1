import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address throttling counts a request against. Without `trustProxy` it
 * is the socket's peer, and `X-Forwarded-For` is ignored: anyone can send it.
 * Behind one trusted proxy (`TRUST_PROXY=true`) it is the header's last hop,
 * the one that proxy appended.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header('X-Forwarded-For')?.split(',') ?? [];
    const last = hops.at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket: a request built in process (app.request) without bindings.
    return 'unknown';
  }
}
