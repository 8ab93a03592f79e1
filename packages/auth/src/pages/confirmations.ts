/**
 * What a page says after a change it redirected to (`?done=<key>`). The page
 * shows one of these fixed sentences or nothing: the query string is never
 * echoed, so a link cannot make the site say something of its own.
 */
export const confirmations = {
  'signed-up': 'Your account is ready, and you are signed in.',
  'signed-in': 'You are signed in.',
  'signed-out': 'You are signed out.',
  'password-changed': 'Your password is changed. Every other session is signed out.',
  'session-revoked': 'That session is signed out.',
  'others-revoked': 'Every other session is signed out.',
  'password-set': 'Your password is set: you can sign in with your username and it too.',
  'provider-unlinked': 'That provider is unlinked.',
  'email-code-sent':
    'A code is on its way to that address: enter it below within 10 minutes of its arrival.',
  'email-verified': 'Your address is verified.',
  'email-removed': 'Your address is removed.',
  'password-reset': 'Your password is reset and every session ended: sign in with the new one.',
  'account-deleted': 'Your account is deleted, with everything stored about it.',
  'passkey-added': 'Your passkey is added: you can sign in with it.',
  'passkey-removed': 'That passkey is removed.',
  reauthenticated:
    'You confirmed it is you: for the next 10 minutes you can change how you sign in.',
} as const;

export type Confirmation = keyof typeof confirmations;

const sentences: Readonly<Record<string, string>> = confirmations;

/** The sentence for a `done` query value, or `null` for a missing or unknown one. */
export function readConfirmation(done: string | undefined): string | null {
  // hasOwn: `?done=constructor` must not find Object.prototype's.
  if (!done || !Object.hasOwn(sentences, done)) return null;
  return sentences[done] ?? null;
}

/** The pages a change redirects to, which show its confirmation. */
export const confirmedPages = ['/', '/account', '/account/two-step'] as const;
export type ConfirmedPage = (typeof confirmedPages)[number];

/** The path to redirect to after a change, with its confirmation. */
export function confirmedPath(path: ConfirmedPage, done: Confirmation): string {
  return `${path}?done=${done}`;
}
