import { z } from 'zod';

/** One OpenID Connect provider of `AUTH_PROVIDERS`, as its `AUTH_<NAME>_*` variables say. */
export interface ProviderConfig {
  /** Lower case `a-z0-9`: in key ids (`google:<sub>`), URLs and forms. */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The name a person reads on buttons. */
  label: string;
}

/** Hosts whose issuer may be plain `http://`: a provider on the developer's machine. */
const loopbackHosts = new Set(['localhost', '127.0.0.1']);

// `username` is the password keys' prefix (`username:alice`): a provider of
// that name would put its subjects among the passwords' keys.
const providerName = z
  .string()
  .regex(/^[a-z0-9]{1,32}$/, 'expected names of 1 to 32 characters a-z 0-9, comma-separated')
  .refine((name) => name !== 'username', '"username" is reserved for password keys');

// zod runs a refinement even after the check before it failed: each one
// parses with URL.parse (null when malformed), never `new URL`, which would
// throw out of the parse and stop the app with a stack trace (config.ts).
const issuer = z
  .url({ protocol: /^https?$/, error: 'expected an https:// URL' })
  .refine((value) => {
    const url = URL.parse(value);
    return url !== null && (url.protocol === 'https:' || loopbackHosts.has(url.hostname));
  }, 'expected an https:// URL (http:// only for localhost and 127.0.0.1)')
  .refine((value) => {
    const url = URL.parse(value);
    return url !== null && !url.search && !url.hash;
  }, 'expected no query or fragment');

const required = z.string({ error: 'required for each name in AUTH_PROVIDERS' }).min(1);

/** Whether a provider may be reached over plain http: only on this machine. */
export function isLoopbackIssuer(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'http:' && loopbackHosts.has(url.hostname);
}

/** `google` → `Google`: the default label. */
function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Reads `AUTH_PROVIDERS` and each name's `AUTH_<NAME>_ISSUER`,
 * `_CLIENT_ID`, `_CLIENT_SECRET` and `_LABEL`. A problem comes back as
 * `{ variable, message }` for the start-up error line; the value is never
 * echoed (a secret may be in it).
 *
 * @example
 * parseProviderConfig({ AUTH_PROVIDERS: 'gitlab', AUTH_GITLAB_ISSUER: 'https://gitlab.com', ... });
 */
export function parseProviderConfig(
  env: Record<string, string | undefined>,
): { ok: true; providers: ProviderConfig[] } | { ok: false; variable: string; message: string } {
  const list = env.AUTH_PROVIDERS?.trim();
  if (!list) return { ok: true, providers: [] };
  const names = list.split(',').map((name) => name.trim());
  const providers: ProviderConfig[] = [];
  for (const name of names) {
    const parsed = providerName.safeParse(name);
    if (!parsed.success) {
      return {
        ok: false,
        variable: 'AUTH_PROVIDERS',
        message: parsed.error.issues[0]?.message ?? 'invalid',
      };
    }
    if (providers.some((provider) => provider.name === name)) {
      return { ok: false, variable: 'AUTH_PROVIDERS', message: `"${name}" is listed twice` };
    }
    const prefix = `AUTH_${name.toUpperCase()}_`;
    const fields = {
      ISSUER: issuer,
      CLIENT_ID: required,
      CLIENT_SECRET: required,
      LABEL: z.string().max(64, 'expected at most 64 characters').optional(),
    };
    const values: Record<string, string> = {};
    for (const [field, schema] of Object.entries(fields)) {
      const value = env[`${prefix}${field}`] || undefined;
      const result = schema.safeParse(value);
      if (!result.success) {
        const message = result.error.issues[0]?.message ?? 'invalid';
        return { ok: false, variable: `${prefix}${field}`, message };
      }
      if (result.data !== undefined) values[field] = result.data;
    }
    providers.push({
      name,
      // The issuer as the provider's discovery document spells it, which
      // openid-client compares exactly; a trailing slash is the provider's.
      issuer: values.ISSUER ?? '',
      clientId: values.CLIENT_ID ?? '',
      clientSecret: values.CLIENT_SECRET ?? '',
      label: values.LABEL ?? capitalise(name),
    });
  }
  return { ok: true, providers };
}
