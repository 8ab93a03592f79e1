import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import type { Caller } from './auth-service.ts';
import { readJsonBody } from './read-json-body.ts';
import type {
  SecondFactorFailure,
  SecondFactorService,
  WaitingCaller,
} from './second-factor-service.ts';
import { sendSessionCookie } from './sessions.ts';

/** A TOTP or recovery code as typed: any string is tried (and counted). */
export const secondFactorCodeSchema = z.object({
  code: z.string({ error: 'Enter the code.' }).max(64, 'Too long.'),
});

export interface SecondFactorRoutesOptions {
  secondFactors: SecondFactorService;
  addressOf(c: Context): string;
}

/** A failure as the contract's error. */
export function failSecondFactor(failure: SecondFactorFailure): never {
  if (failure.reason === 'too_many_attempts') {
    throw new ApiError('too_many_attempts', {
      headers: { 'Retry-After': String(failure.retryAfter) },
    });
  }
  throw new ApiError(failure.reason);
}

/**
 * TOTP and recovery codes under `/api` (docs/API.md, "Second factors"):
 * behind the session middleware and the guard of waiting sessions, which
 * lets only `/api/2fa/*` through for them.
 */
export function secondFactorRoutes({ secondFactors, addressOf }: SecondFactorRoutesOptions) {
  function caller(c: Context<AppEnv>): Caller {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session || session.secondFactorPending) throw new ApiError('unauthenticated');
    return { user, session, address: addressOf(c), browser: c.req.header('user-agent') };
  }
  function waiting(c: Context<AppEnv>): WaitingCaller {
    const session = c.get('session');
    if (!session?.secondFactorPending) {
      throw new ApiError('unauthenticated', {
        message: 'No sign-in is waiting for a second factor: sign in with your password first.',
      });
    }
    return { session, address: addressOf(c), browser: c.req.header('user-agent') };
  }
  function userOf(c: Context<AppEnv>) {
    const user = c.get('user');
    if (!user) throw new ApiError('unauthenticated');
    return { id: user.id, username: user.username };
  }

  return new Hono<AppEnv>()
    .post('/totp', async (c) => {
      const result = await secondFactors.start(caller(c));
      if (!result.ok) failSecondFactor(result);
      return c.json({ secret: result.secret, uri: result.uri });
    })
    .post('/totp/confirm', async (c) => {
      const who = caller(c);
      const { code } = await readJsonBody(c, secondFactorCodeSchema);
      const result = await secondFactors.confirm(who, code);
      if (!result.ok) failSecondFactor(result);
      return c.json({ recoveryCodes: result.recoveryCodes });
    })
    .delete('/totp', async (c) => {
      const result = await secondFactors.remove(caller(c));
      if (!result.ok) failSecondFactor(result);
      return c.body(null, 204);
    })
    .post('/recovery-codes', async (c) => {
      const result = await secondFactors.makeRecoveryCodes(caller(c));
      if (!result.ok) failSecondFactor(result);
      return c.json({ recoveryCodes: result.recoveryCodes });
    })
    .post('/2fa/totp', async (c) => {
      const who = waiting(c);
      const { code } = await readJsonBody(c, secondFactorCodeSchema);
      const user = userOf(c);
      const result = await secondFactors.passTotp(who, code);
      if (!result.ok) failSecondFactor(result);
      sendSessionCookie(c, result.cookie);
      return c.json({ user });
    })
    .post('/2fa/recovery', async (c) => {
      const who = waiting(c);
      const { code } = await readJsonBody(c, secondFactorCodeSchema);
      const user = userOf(c);
      const result = await secondFactors.passRecovery(who, code);
      if (!result.ok) failSecondFactor(result);
      sendSessionCookie(c, result.cookie);
      return c.json({ user });
    });
}
