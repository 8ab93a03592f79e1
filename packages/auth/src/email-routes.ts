import { type Context, Hono } from 'hono';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import { fail } from './auth-routes.ts';
import { emailCodeSchema, emailRequestSchema, resetConfirmSchema } from './email-input.ts';
import type { EmailService } from './email-service.ts';
import { readJsonBody } from './read-json-body.ts';

export interface EmailRoutesOptions {
  email: EmailService;
  /** The address throttling counts a request against. */
  addressOf(c: Context): string;
}

/**
 * The JSON API of docs/API.md, "E-mail", mounted under `/api` only when
 * `SMTP_URL` is set: without it these paths are `404 not_found`, as any
 * path the app does not serve.
 */
export function emailRoutes({ email, addressOf }: EmailRoutesOptions) {
  function requester(c: Context<AppEnv>) {
    return { address: addressOf(c), browser: c.req.header('user-agent') };
  }
  function caller(c: Context<AppEnv>) {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) throw new ApiError('unauthenticated');
    return { user, session, ...requester(c) };
  }

  return new Hono<AppEnv>()
    .post('/email', async (c) => {
      const who = caller(c);
      const input = await readJsonBody(c, emailRequestSchema);
      const result = await email.requestVerification(who, input.email);
      if (!result.ok) fail(result);
      return c.body(null, 202);
    })
    .post('/email/verify', async (c) => {
      const who = caller(c);
      const input = await readJsonBody(c, emailCodeSchema);
      const result = await email.verify(who, input.code);
      if (!result.ok) fail(result);
      return c.json({
        user: {
          id: who.user.id,
          username: who.user.username,
          email: result.email,
          emailVerified: true,
        },
      });
    })
    .delete('/email', async (c) => {
      const result = await email.remove(caller(c));
      if (!result.ok) fail(result);
      return c.body(null, 204);
    })
    .post('/password-reset', async (c) => {
      const input = await readJsonBody(c, emailRequestSchema);
      const result = await email.requestReset(requester(c), input.email);
      if (!result.ok) fail(result);
      return c.body(null, 202);
    })
    .post('/password-reset/confirm', async (c) => {
      const input = await readJsonBody(c, resetConfirmSchema);
      const result = await email.confirmReset(requester(c), input);
      if (!result.ok) fail(result);
      return c.body(null, 204);
    });
}
