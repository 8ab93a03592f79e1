import { createHash } from 'node:crypto';

/**
 * The handle by which `/api/sessions` names a session: a SHA-256 digest of its
 * token, so that listing sessions never reveals a token and a handle cannot
 * be turned back into one.
 */
export function sessionHandle(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);
}
