import type { RequestIdVariables } from 'hono/request-id';
import type { SessionVariables } from './session-middleware.ts';

/** The Hono environment of every route: the request id and the session. */
export interface AppEnv {
  Variables: RequestIdVariables & SessionVariables;
}
