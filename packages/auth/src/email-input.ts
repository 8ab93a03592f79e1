import { z } from 'zod';
import { newPasswordSchema } from './credentials.ts';

/**
 * An e-mail address, at most 254 characters (the SMTP path's limit), of the
 * ASCII form zod checks, stored and compared in lower case.
 */
export const emailSchema = z
  .email({ error: 'Enter an e-mail address such as name@example.com.' })
  .max(254, 'Use at most 254 characters.')
  .transform((value) => value.toLowerCase());

/** The body of `POST /api/email` and of `POST /api/password-reset`. */
export const emailRequestSchema = z.object({ email: emailSchema });

/** The body of `POST /api/email/verify`: any string is tried as a code (and counted). */
export const emailCodeSchema = z.object({
  code: z.string({ error: 'Enter the code from the mail.' }).max(64, 'Too long.'),
});

/** The body of `POST /api/password-reset/confirm`: the password follows the sign-up policy. */
export const resetConfirmSchema = z.object({
  token: z.string({ error: 'The link is incomplete.' }).max(256, 'Too long.'),
  newPassword: newPasswordSchema,
});
