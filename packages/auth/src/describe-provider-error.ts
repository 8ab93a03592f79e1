import * as client from 'openid-client';

/** What went wrong at the provider, as the error page tells it. */
export type ProviderErrorKind =
  /** The provider cannot be reached, or answered with a server error (503). */
  | 'unavailable'
  /** No flow, an expired or used one, or one of another provider. */
  | 'no_flow'
  | 'state_mismatch'
  /** The provider's own `error=` answer (`access_denied`). */
  | 'denied'
  /** The link was started by another user than the one signed in now. */
  | 'link_mismatch'
  /** The token endpoint refused the code. */
  | 'exchange_failed'
  /** A token or answer that does not verify: signature, issuer, audience, expiry, nonce. */
  | 'invalid_token';

/** Node's and undici's ways of saying a connection failed. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** A code from the provider, logged only when it looks like one. */
function safeCode(code: string): string {
  return /^[\w.-]{1,64}$/.test(code) ? code : 'other';
}

function isNetworkFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth += 1) {
    if (typeof cause !== 'object') return false;
    const { name, code, message } = cause as { name?: string; code?: string; message?: string };
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (code && networkCodes.has(code)) return true;
    if (cause instanceof TypeError && message === 'fetch failed') return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Sorts an error of openid-client into what the callback answers, with a
 * code safe to log: openid-client's own (`OAUTH_JWT_CLAIM_COMPARISON_FAILED`)
 * or the provider's OAuth error (`invalid_grant`), never a message that could
 * quote a token or a response body.
 */
export function describeProviderError(error: unknown): { kind: ProviderErrorKind; code: string } {
  if (isNetworkFailure(error)) return { kind: 'unavailable', code: 'network' };
  if (error instanceof client.ResponseBodyError) {
    return {
      kind: error.status >= 500 ? 'unavailable' : 'exchange_failed',
      code: safeCode(error.error),
    };
  }
  if (error instanceof client.AuthorizationResponseError) {
    return { kind: 'denied', code: safeCode(error.error) };
  }
  if (error instanceof client.ClientError) {
    const cause = error.cause;
    // A status the token endpoint should not answer: a server error is an outage.
    if (cause instanceof Response) {
      return {
        kind: cause.status >= 500 ? 'unavailable' : 'exchange_failed',
        code: `http_${cause.status}`,
      };
    }
    return { kind: 'invalid_token', code: error.code ?? 'client_error' };
  }
  return { kind: 'invalid_token', code: error instanceof Error ? error.name : 'unknown' };
}
