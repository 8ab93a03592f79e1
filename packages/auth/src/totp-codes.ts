import { Secret, TOTP } from 'otpauth';

// TOTP codes (docs/API.md, "Codes"): RFC 6238 through `otpauth`, SHA-1, 6
// digits, 30 s steps, one step either side, each step accepted once per user.

const period = 30;

function totpOf(secret: string, label = 'account', issuer = 'auth'): TOTP {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period,
  });
}

/** A new 160-bit secret, in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI of a secret, for the QR code. */
export function totpUri(secret: string, username: string, issuer: string): string {
  return totpOf(secret, username, issuer).toString();
}

/**
 * The time step a code is accepted at, or `null`: it must be the code of the
 * step of `now` or of one step either side, and of a step after `lastStep`
 * (the last one accepted for this user), so that a code counts once and an
 * older one after it counts never.
 *
 * @example
 * const step = acceptedStep(secret, '123456', Date.now(), row.last_step);
 */
export function acceptedStep(
  secret: string,
  code: string,
  now: number,
  lastStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpOf(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = totp.counter({ timestamp: now }) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** The code of a secret at a step: for tests, which compute codes as an app would. */
export function codeAtStep(secret: string, step: number): string {
  return totpOf(secret).generate({ timestamp: step * period * 1000 });
}

/** The step of a moment. */
export function stepOf(now: number): number {
  return Math.floor(now / 1000 / period);
}
