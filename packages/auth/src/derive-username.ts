/** The claims a username may come from. */
export interface NameClaims {
  preferred_username?: unknown;
  email?: unknown;
}

const maxLength = 31;
const minLength = 3;

/** Lowered, and every character outside `a-z 0-9 _ -` dropped. */
function clean(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase().replace(/[^a-z0-9_-]/g, '') : '';
}

/**
 * The username a new account made through `provider` starts from: its
 * `preferred_username`, else the local part of its `email`, else the
 * provider's name; lowered, characters outside the policy dropped, the next
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
