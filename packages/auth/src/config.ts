import { z } from 'zod';
import { type ProviderConfig, parseProviderConfig } from './provider-config.ts';
import { parseEncryptionKey } from './secret-box.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveCount = z.coerce.number().int().positive();

// zod runs a refinement even after the check before it failed, so a
// refinement parses with URL.parse (null when malformed): `new URL` would
// throw out of the parse, with the whole value (password included) in the
// error that reaches the console.

/** An origin and nothing more: `http://localhost:3000`, `https://example.com`. */
const origin = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) origin' })
  .refine((value) => {
    const url = URL.parse(value);
    return url?.pathname === '/' && !url.search && !url.hash && !value.endsWith('/');
  }, 'expected scheme://host[:port], with no path or trailing slash');

/** Where mail goes: `smtp://` (STARTTLS when offered) or `smtps://` (TLS from the start). */
const smtpUrl = z
  .url({ protocol: /^smtps?$/, error: 'expected an smtp:// or smtps:// URL' })
  .refine((value) => URL.parse(value)?.hostname, 'expected a host');

/** The sender: `Name <address>` or `address`. */
const mailFrom = z
  .string()
  .regex(
    /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/,
    'expected Name <address> or address',
  );

/** The variables of docs/API.md that every app reads. */
const commonSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ORIGIN: origin.optional(),
  TRUST_PROXY: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  RATE_LIMIT_SIGNIN_IP: positiveCount.default(10),
  RATE_LIMIT_SIGNUP_IP: positiveCount.default(30),
  RATE_LIMIT_PROVIDER_IP: positiveCount.default(60),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailFrom.optional(),
  // The key itself, once checked; never echoed in an error.
  AUTH_ENCRYPTION_KEY: z
    .string()
    .refine((value) => parseEncryptionKey(value) !== null, 'expected 32 random bytes in base64')
    .transform((value) => parseEncryptionKey(value) as Buffer)
    .optional(),
});

export type Config<Extra extends z.ZodRawShape = Record<never, never>> = z.output<
  typeof commonSchema
> &
  z.output<z.ZodObject<Extra>> & {
    /** The OpenID Connect providers of `AUTH_PROVIDERS`, in its order. */
    providers: ProviderConfig[];
  };

/** A variable that is missing or malformed: one line names it and says why. */
export class ConfigError extends Error {}

/**
 * Parses the environment with the common variables, the providers of
 * `AUTH_PROVIDERS`, and the app's own (the database's). An empty variable
 * counts as unset.
 *
 * @example
 * const config = parseConfig(process.env, { DATABASE_PATH: databasePath('data/app.db') });
 */
export function parseConfig<Extra extends z.ZodRawShape>(
  env: Record<string, string | undefined>,
  extra: Extra,
): Config<Extra> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = commonSchema.extend(extra).safeParse(set);
  if (!result.success) {
    const [issue] = result.error.issues;
    const name = String(issue?.path[0] ?? 'environment');
    // The value is not echoed: it may hold a password.
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}`);
  }
  const parsed = result.data as z.output<typeof commonSchema> & z.output<z.ZodObject<Extra>>;
  if (parsed.SMTP_URL && !parsed.MAIL_FROM) {
    throw new ConfigError('MAIL_FROM: required when SMTP_URL is set');
  }
  const providers = parseProviderConfig(set);
  if (!providers.ok) throw new ConfigError(`${providers.variable}: ${providers.message}`);
  return { ...parsed, providers: providers.providers };
}

/**
 * The public origin: `ORIGIN`, else `http://localhost:<port>` with the port
 * the server listens on, which is the one the system chose when `PORT` is 0.
 */
export function resolveOrigin(config: Pick<Config, 'ORIGIN'>, port: number): string {
  return config.ORIGIN ?? `http://localhost:${port}`;
}

/**
 * A database server's URL, of one of `protocols`, defaulting to `fallback`
 * (the server of docker-compose.yml).
 */
export function databaseUrl(fallback: string, protocols: string[]) {
  const names = protocols.map((protocol) => `${protocol}://`).join(' or ');
  return z
    .url({ error: `expected a URL such as ${fallback.replace(/:[^:@/]*@/, ':…@')}` })
    .refine((value) => protocols.includes(URL.parse(value)?.protocol.slice(0, -1) ?? ''), {
      error: `expected a ${names} URL`,
    })
    .default(fallback);
}

/** Names a database server without its password: `PostgreSQL at localhost:5432/app`. */
export function describeDatabaseUrl(kind: string, url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `${kind} at ${hostname}${port ? `:${port}` : ''}${pathname}`;
}

/** A database file's path, or `:memory:`. */
export function databasePath(fallback: string) {
  return z.string().min(1).default(fallback);
}

/** How many connections a pool may open; unset, the driver's default. */
export function poolSize() {
  return positiveCount.optional();
}
