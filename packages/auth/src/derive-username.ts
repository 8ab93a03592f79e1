/** The claims a username may come from. */
export interface NameClaims {
  preferred_username?: unknown;
  email?: unknown;
}

const maxLength = 31;
const minLength = 3;

/**
 * Every character outside `A-Z a-z 0-9 _ -` dropped, then lowered: in that
 * order, so that no character outside ASCII lowers into the name (U+212A
 * KELVIN SIGN lowers to `k`; credentials.ts).
 */
function clean(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[^A-Za-z0-9_-]/g, '').toLowerCase() : '';
}

/**
 * The username a new account made through `provider` starts from: its
 * `preferred_username`, else the local part of its `email`, else the
 * provider's name; characters outside the policy dropped, lowered, the next
 * source taken when fewer than 3 remain, cut to 31. A provider name shorter
 * than 3 becomes `<name>-user`.
 *
 * @example
 * deriveUsername({ preferred_username: 'Zoë.Smith' }, 'gitlab'); // 'zosmith'
 */
export function deriveUsername(claims: NameClaims, provider: string): string {
  const email = typeof claims.email === 'string' ? claims.email : '';
  const localPart = email.includes('@') ? email.slice(0, email.lastIndexOf('@')) : '';
  for (const source of [claims.preferred_username, localPart, provider]) {
    const name = clean(source);
    if (name.length >= minLength) return name.slice(0, maxLength);
  }
  return `${clean(provider)}-user`.slice(0, maxLength);
}

/**
 * `base` made unique with `-<digits>`, the base shortened so that the
 * whole fits 31 characters.
 *
 * @example
 * withSuffix('alice', 4821); // 'alice-4821'
 */
export function withSuffix(base: string, suffix: number): string {
  const tail = `-${suffix}`;
  return `${base.slice(0, maxLength - tail.length)}${tail}`;
}
