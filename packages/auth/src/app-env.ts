import type { RequestIdVariables } from 'hono/request-id';
import type { ResponseHeaderVariables } from './response-headers.ts';
import type { SessionVariables } from './session-middleware.ts';

/** The Hono environment of every route: the request id, the headers decided so far, the session. */
export interface AppEnv {
  Variables: RequestIdVariables & ResponseHeaderVariables & SessionVariables;
}
