import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import ipaddr from 'ipaddr.js';
import { ApiError } from './api-error.ts';

/** A hop written `address:port` (IPv4) or `[address]:port` (IPv6), as some proxies do. */
const withPort = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}|\[([^\]]+)\](?::\d{1,5})?)$/;

/**
 * The address throttling counts a request against. Without `trustProxy` it
 * is the socket's peer, and `X-Forwarded-For` is ignored: anyone can send it.
 * Behind one trusted proxy (`TRUST_PROXY=true`) it is the header's last hop,
 * the one that proxy appended, without a port; a last hop that is no IP
 * address is refused as invalid input (`400`), since it reaches the
 * database as the throttling's key.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header('X-Forwarded-For')?.split(',') ?? [];
    const last = hops.at(-1)?.trim();
    if (last) return parseHop(last);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket: a request built in process (app.request) without bindings.
    return 'unknown';
  }
}

/**
 * The address of a hop: an IPv4 address in four decimal parts, or an IPv6
 * address without a zone, as a proxy writes them (ipaddr.js alone would also
 * take `127.1`, `0x7f000001` and `fe80::1%<anything>`).
 */
function parseHop(hop: string): string {
  const match = withPort.exec(hop);
  const address = match ? (match[1] ?? match[2] ?? '') : hop;
  const valid =
    ipaddr.IPv4.isValidFourPartDecimal(address) ||
    (ipaddr.IPv6.isValid(address) && !address.includes('%'));
  if (valid) return address;
  throw new ApiError('invalid_input', {
    message: 'The client address is not an IP address.',
    fields: { 'X-Forwarded-For': 'Its last hop must be an IP address.' },
  });
}
