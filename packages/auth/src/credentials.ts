import { z } from 'zod';

/** What a stored (lower-case) username is: `a-z 0-9 _ -`, 3 to 31 characters. */
export const usernamePattern = /^[a-z0-9_-]{3,31}$/;

/**
 * What a username may be as typed: ASCII letters of either case. Checked
 * before lowering, never after: `toLowerCase` turns U+212A KELVIN SIGN into
 * an ASCII `k`, so a rule checked on the lowered name would let `\u212Aelvin`
 * stand for `kelvin`.
 */
const typedUsernamePattern = /^[A-Za-z0-9_-]{3,31}$/;

/** The stored form of a typed username (`Alice` → `alice`), or `null` when no account can have it. */
export function normalizeUsername(typed: string): string | null {
  return typedUsernamePattern.test(typed) ? typed.toLowerCase() : null;
}

/** A username as typed, checked as typed, then lowered: `Alice` is `alice`. */
export const usernameSchema = z
  .string({ error: 'Enter a username.' })
  .regex(typedUsernamePattern, 'Use 3 to 31 characters: letters, digits, _ and -.')
  .transform((value) => value.toLowerCase());

/** Counts characters as a person does (code points), not UTF-16 units. */
function characters(value: string): number {
  return [...value].length;
}

// The common-password list of zxcvbn-ts (about 49,000 passwords, 18,000 of
// them 8 characters or longer), compared without case. Loaded at the first
// new password, not at start: it holds about 4 MB that serving sessions
// never needs.
let commonPasswords: Promise<Set<string>> | undefined;
function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then((module) => {
    // A CommonJS package: Node's import() gives its exports as the default
    // and by name, the bundle's chunk of it (bundle-app.ts) as the default only.
    const { dictionary } = module.default ?? module;
    return new Set(dictionary['passwords-common'].filter((password) => password.length >= 8));
  });
  return commonPasswords;
}

/**
 * 8 to 256 characters, any Unicode, not a common password; never trimmed or
 * truncated. Its check of the list is asynchronous: parse with `safeParseAsync`.
 */
export const newPasswordSchema = z
  .string({ error: 'Enter a password.' })
  .refine((value) => characters(value) >= 8, 'Use at least 8 characters.')
  .refine((value) => characters(value) <= 256, 'Use at most 256 characters.')
  .refine(
    async (value) => !(await loadCommonPasswords()).has(value.toLowerCase()),
    'This password is too common. Choose another.',
  );

/** The body of `POST /api/signup`. */
export const signupSchema = z.object({ username: usernameSchema, password: newPasswordSchema });

/**
 * The body of `POST /api/signin`: two strings. A username or password that
 * breaks the sign-up rules cannot belong to an account, so it is answered as
 * wrong credentials, not as invalid input that would tell the rules apart.
 */
export const signinSchema = z.object({
  username: z.string({ error: 'Enter your username.' }).max(256, 'Too long.'),
  password: z.string({ error: 'Enter your password.' }).max(1024, 'Too long.'),
});

/** The body of `POST /api/reauthenticate`: the password, checked like a sign-in's. */
export const reauthenticateSchema = z.object({
  password: z.string({ error: 'Enter your password.' }).max(1024, 'Too long.'),
});

/**
 * The body of `POST /api/password`. `currentPassword` may be left out only
 * by a user who has no password yet (one who signed up through a provider).
 */
export const passwordChangeSchema = z.object({
  currentPassword: z
    .string({ error: 'Enter your current password.' })
    .max(1024, 'Too long.')
    .optional(),
  newPassword: newPasswordSchema,
});
