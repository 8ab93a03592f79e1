import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { renderLoginPage } from './render-login-page.ts';
import { createTestProviderStore } from './test-provider-store.ts';

/** The claims an account of the test provider gives: `sub`, and whichever of the others it has. */
export interface TestAccount {
  sub: string;
  preferred_username?: string;
  email?: string;
  name?: string;
}

/**
 * What the provider does wrong on demand, to the ID token of its token
 * response: signs it for another audience, or with a key that is not in
 * its JWKS (a forgery), or answers the token request with a server error.
 */
export type Misbehaviour = 'audience' | 'signature' | 'token-error' | null;

export interface TestProviderOptions {
  /** The app's client: its id, secret and redirect URI (`ORIGIN/signin/<name>/callback`). */
  clients: { clientId: string; clientSecret: string; redirectUri: string }[];
  /** A port to listen on; a free one by default. */
  port?: number;
  /**
   * Whether the ID token carries the profile and e-mail claims (true), or
   * only `sub`, the rest coming from UserInfo (false, oidc-provider's default).
   */
  claimsInIdToken?: boolean;
  /** The claims of a login no test registered; by default `sub` alone. */
  defaultAccount?(login: string): TestAccount;
}

/** A running provider; `stop()` and `start()` take it down and back on the same port. */
export interface TestProvider {
  issuer: string;
  /** Accounts by login; the login page signs in as the one typed. */
  accounts: Map<string, TestAccount>;
  misbehave(mode: Misbehaviour): void;
  /** The body of every token response it sent, to look for in logs. */
  tokenResponses: Record<string, unknown>[];
  stop(): Promise<void>;
  start(): Promise<void>;
}

function readForm(request: NodeJS.ReadableStream): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(new URLSearchParams(body)));
    request.on('error', reject);
  });
}

/**
 * A real OpenID Provider (oidc-provider, the certified implementation) on
 * a loopback port, with the app's client registered and a login page of its
 * own: the page takes a login (the account's `sub`) or cancels
 * (`error=access_denied`), and consent is given at once. Tests and the
 * `pnpm try-provider` command drive it as a browser would.
 *
 * @example
 * const provider = await startTestProvider({
 *   clients: [{ clientId: 'app', clientSecret: 's3cret', redirectUri: 'http://localhost:3000/signin/local/callback' }],
 * });
 * provider.accounts.set('u1', { sub: 'u1', preferred_username: 'alice' });
 */
export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = {
    ...(privateKey.export({ format: 'jwk' }) as JWK),
    kid: 'test-key',
    alg: 'RS256',
    use: 'sig',
  };
  // Another key with the same id: what a forger would sign with.
  const forgedKey = {
    ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    }) as JWK),
    kid: 'test-key',
  };
  const accounts = new Map<string, TestAccount>();
  const tokenResponses: Record<string, unknown>[] = [];
  let misbehaviour: Misbehaviour = null;

  // The port is chosen first, so that the issuer (in every token) names it.
  const server: Server = createServer();
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const configuration: Configuration = {
    adapter: createTestProviderStore(),
    // Lifetimes set, so that oidc-provider does not ask for them at each use.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email'],
    },
    conformIdTokenClaims: !options.claimsInIdToken,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const account = accounts.get(id) ?? options.defaultAccount?.(id) ?? { sub: id };
      return { accountId: id, claims: async () => ({ ...account }) };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>Provider error</title><p>${String(out.error)}</p>`;
    },
  };
  const provider = new Provider(issuer, configuration);

  // The login page and the automatic consent: oidc-provider leaves the
  // interactions to the one who runs it.
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result: Parameters<typeof provider.interactionResult>[2];
    if (match[2] === '/abort' && ctx.method === 'POST') {
      result = { error: 'access_denied', error_description: 'The user cancelled.' };
    } else if (match[2] === '/login' && ctx.method === 'POST') {
      const login = (await readForm(ctx.req)).get('login') ?? '';
      result = { login: { accountId: login } };
    } else if (details.prompt.name === 'consent') {
      const { missingOIDCScope, missingOIDCClaims } = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
      };
      const grant = new provider.Grant({
        accountId: details.session?.accountId ?? '',
        clientId: String(details.params.client_id),
      });
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      result = { consent: { grantId: await grant.save() } };
    } else {
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = renderLoginPage({ uid: details.uid });
      return;
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  });

  // Misbehaviour, applied to the token response the provider made.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown>;
    tokenResponses.push({ ...body });
    if (misbehaviour === 'token-error') {
      ctx.status = 500;
      ctx.body = { error: 'server_error' };
      return;
    }
    if (!misbehaviour || typeof body.id_token !== 'string') return;
    const claims = decodeJwt(body.id_token);
    const header = decodeProtectedHeader(body.id_token);
    const audience = misbehaviour === 'audience' ? 'another-client' : claims.aud;
    const key = await importJWK(misbehaviour === 'signature' ? forgedKey : signingKey, 'RS256');
    body.id_token = await new SignJWT({ ...claims, aud: audience })
      .setProtectedHeader({ alg: 'RS256', kid: header.kid ?? 'test-key' })
      .sign(key);
  });

  const listener = provider.callback();
  server.on('request', listener);

  async function stop() {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  async function start() {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  }

  return {
    issuer,
    accounts,
    misbehave: (mode) => {
      misbehaviour = mode;
    },
    tokenResponses,
    stop,
    start,
  };
}
