import { dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';

/** What a (lower-cased) username may be: `a-z 0-9 _ -`, 3 to 31 characters. */
export const usernamePattern = /^[a-z0-9_-]{3,31}$/;

/** A username, lower-cased first: `Alice` is `alice`. */
export const usernameSchema = z
  .string({ error: 'Enter a username.' })
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(usernamePattern, 'Use 3 to 31 characters: letters, digits, _ and -.'));

/** Counts characters as a person does (code points), not UTF-16 units. */
function characters(value: string): number {
  return [...value].length;
}

// The common-password list of zxcvbn-ts (about 49,000 passwords, 18,000 of
// them 8 characters or longer), compared without case.
const commonPasswords = new Set(
  dictionary['passwords-common'].filter((password) => password.length >= 8),
);

/** 8 to 256 characters, any Unicode, not a common password; never trimmed or truncated. */
export const newPasswordSchema = z
  .string({ error: 'Enter a password.' })
  .refine((value) => characters(value) >= 8, 'Use at least 8 characters.')
  .refine((value) => characters(value) <= 256, 'Use at most 256 characters.')
  .refine(
    (value) => !commonPasswords.has(value.toLowerCase()),
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
