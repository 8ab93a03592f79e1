import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { fail } from './auth-routes.ts';
import type { Caller } from './auth-service.ts';
import type { PasskeyService } from './passkey-service.ts';
import type { PasskeySignIn } from './passkey-sign-in.ts';
import { readJsonBody } from './read-json-body.ts';
import { sendSessionCookie } from './sessions.ts';

/** A browser's `PublicKeyCredential.toJSON()`: its `id` is read here, the rest by the library. */
const credentialJsonSchema = z.looseObject({
  id: z.string({ error: 'Send the credential as JSON.' }).min(1).max(1400),
});

/** What a person calls a passkey: 1 to 64 characters once trimmed. */
export const passkeyNameSchema = z
  .string({ error: 'Name the passkey.' })
  .trim()
  .min(1, 'Name the passkey.')
  .max(64, 'Use at most 64 characters.');

export const passkeyRegistrationSchema = z.object({
  name: passkeyNameSchema,
  response: credentialJsonSchema,
});

export const passkeyAssertionSchema = z.object({ response: credentialJsonSchema });

/** Why the last passkey of a user without a password or a provider stays. */
export const lastPasskey =
  'This passkey is your only way to sign in: set a password, link a provider or add another passkey first.';

/** The message of a failed passkey sign-in: it names no username or password. */
const passkeyRefused = 'That passkey could not sign you in.';

export interface PasskeyRoutesOptions {
  passkeys: PasskeyService;
  /** Signing in, the second factor and a new proof of identity by passkey. */
  signIns: PasskeySignIn;
  addressOf(c: Context): string;
}

/**
 * The passkey endpoints of docs/API.md, mounted under `/api` behind the
 * origin check and the session middleware.
 */
export function passkeyRoutes({ passkeys, signIns, addressOf }: PasskeyRoutesOptions) {
  function caller(c: Context<AppEnv>): Caller {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) throw new ApiError('unauthenticated');
    return { user, session, address: addressOf(c), browser: c.req.header('user-agent') };
  }

  return new Hono<AppEnv>()
    .post('/passkeys/options', async (c) => {
      const result = await passkeys.registrationOptions(caller(c));
      if (!result.ok) fail(result);
      return c.json(result.options);
    })
    .post('/passkeys', async (c) => {
      const who = caller(c);
      const input = await readJsonBody(c, passkeyRegistrationSchema);
      const result = await passkeys.register(who, input);
      if (!result.ok) fail(result);
      return c.json(
        {
          passkey: {
            id: result.passkey.id,
            name: result.passkey.name,
            createdAt: result.passkey.createdAt,
          },
        },
        201,
      );
    })
    .get('/passkeys', async (c) => c.json({ passkeys: await passkeys.list(caller(c).user.id) }))
    .delete('/passkeys/:id', async (c) => {
      const result = await passkeys.remove(caller(c), c.req.param('id'));
      if (!result.ok && result.reason === 'last_sign_in_method') {
        throw new ApiError('last_sign_in_method', { message: lastPasskey });
      }
      if (!result.ok) throw new ApiError(result.reason);
      return c.body(null, 204);
    })
    .post('/signin/passkey/options', async (c) => c.json(await signIns.options()))
    .post('/2fa/passkey/options', async (c) => {
      // A waiting session's second factor, or a full session's new proof
      // of identity: the guard of waiting sessions lets /api/2fa/* through.
      const session = c.get('session');
      if (!session) throw new ApiError('unauthenticated');
      return c.json(await signIns.secondFactorOptions(session));
    })
    .post('/2fa/passkey', async (c) => {
      const user = c.get('user');
      const session = c.get('session');
      if (!user || !session) throw new ApiError('unauthenticated');
      const input = await readJsonBody(c, passkeyAssertionSchema);
      const result = await signIns.passSecondFactor(
        input,
        session,
        addressOf(c),
        c.req.header('user-agent'),
      );
      if (!result.ok && result.reason === 'invalid_credentials') {
        throw new ApiError('invalid_credentials', { message: passkeyRefused });
      }
      if (!result.ok) fail(result);
      sendSessionCookie(c, result.cookie);
      return c.json({ user: { id: user.id, username: user.username } });
    })
    .post('/signin/passkey', async (c) => {
      const input = await readJsonBody(c, passkeyAssertionSchema);
      const result = await signIns.signIn(
        input,
        addressOf(c),
        c.get('session'),
        c.req.header('user-agent'),
      );
      if (!result.ok && result.reason === 'invalid_credentials') {
        throw new ApiError('invalid_credentials', { message: passkeyRefused });
      }
      if (!result.ok) fail(result);
      sendSessionCookie(c, result.cookie);
      return c.json({ user: result.user });
    });
}
