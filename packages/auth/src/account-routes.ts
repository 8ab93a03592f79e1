import { type Context, Hono } from 'hono';
import type { AccountService } from './account-service.ts';
import { ApiError } from './api-error.ts';
import type { AppEnv } from './app-env.ts';
import type { Caller } from './auth-service.ts';
import { sendSessionCookie } from './sessions.ts';

export interface AccountRoutesOptions {
  account: AccountService;
  addressOf(c: Context): string;
}

/**
 * `GET /api/activity`, `GET /api/account/export` and `DELETE /api/account`,
 * mounted under `/api` behind the session middleware.
 */
export function accountRoutes({ account, addressOf }: AccountRoutesOptions) {
  function caller(c: Context<AppEnv>): Caller {
    const user = c.get('user');
    const session = c.get('session');
    if (!user || !session) throw new ApiError('unauthenticated');
    return { user, session, address: addressOf(c), browser: c.req.header('user-agent') };
  }

  return new Hono<AppEnv>()
    .get('/activity', async (c) => c.json({ events: await account.activity(caller(c).user.id) }))
    .get('/account/export', async (c) => {
      const who = caller(c);
      const data = await account.export(who);
      const day = data.exportedAt.slice(0, 10);
      c.header(
        'Content-Disposition',
        `attachment; filename="account-${who.user.username}-${day}.json"`,
      );
      return c.json(data);
    })
    .delete('/account', async (c) => {
      const result = await account.delete(caller(c));
      if (!result.ok) throw new ApiError(result.reason);
      sendSessionCookie(c, result.cookie);
      return c.body(null, 204);
    });
}
