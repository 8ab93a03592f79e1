// `@simplewebauthn/server`, loaded at the first passkey request rather than
// at start: with the ASN.1 and X.509 parsers it brings, loading it at start
// cost the SQLite app about 6 MB of idle memory and 50 ms of start-up
// (measured side by side), for a feature a process may never use. In the
// bundle it is a chunk of its own (bundle-app.ts), read only then.

export type WebAuthnLibrary = typeof import('@simplewebauthn/server');

let library: Promise<WebAuthnLibrary> | undefined;

/**
 * The library, loaded once.
 *
 * @example
 * const { verifyAuthenticationResponse } = await loadWebAuthn();
 */
export function loadWebAuthn(): Promise<WebAuthnLibrary> {
  library ??= import('@simplewebauthn/server');
  return library;
}
