import type { Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { SessionVariables } from './session-middleware.ts';

/** Headers decided while a request is handled (request id, cookies, caching), by lower-case name. */
export type HeaderBag = Record<string, string | string[]>;

/** What `responseHeaders` (response-headers.ts) keeps on the context. */
export interface ResponseHeaderVariables {
  responseHeaders: HeaderBag;
  /** This request's Content-Security-Policy. */
  contentSecurityPolicy: string;
  /** The response `sendJson` built with every header: the middleware leaves it as it is. */
  builtWhole: Response | undefined;
  /** Hono's own `c.header()`, for headers set once the response exists. */
  setOnResponse: Context['header'];
}

/** The Hono environment of every route: the request id, the headers decided so far, the session. */
export interface AppEnv {
  Variables: RequestIdVariables & ResponseHeaderVariables & SessionVariables;
}
