import type { Database } from '@repo/schema/database';
import type { Kysely } from 'kysely';
import type { Cookie, Session, User } from 'lucia';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import { saveFlow, takeFlow } from './auth-flows.ts';
import { deriveUsername, type NameClaims } from './derive-username.ts';
import { describeProviderError, type ProviderErrorKind } from './describe-provider-error.ts';
import { queueNotice } from './email-addresses.ts';
import {
  createProviderAccount,
  findKeyUser,
  linkIdentity,
  listKeys,
  providerKeyId,
  unlinkIdentity,
} from './identities.ts';
import type { Mailer } from './mail-delivery.ts';
import { countPasskeys } from './passkeys.ts';
import type { ProviderDirectory } from './provider-directory.ts';
import { isRecentlyAuthenticated } from './recent-authentication.ts';
import { recordEvent } from './security-events.ts';
import type { Sessions } from './sessions.ts';
import { Throttle, type ThrottleLimits } from './throttle.ts';

export interface IdentityServiceOptions {
  db: Kysely<Database>;
  logger: Logger;
  providers: ProviderDirectory;
  limits: ThrottleLimits;
  /** The public origin: the redirect URI is `<origin>/signin/<name>/callback`. */
  origin: string;
  /** The one module that makes, checks and ends sessions (sessions.ts). */
  sessions: Sessions;
  /** Sends the notice of a link; `null` when mail is not set up. */
  mailer?: Mailer | null;
}

/** Why a provider sign-in did not happen, for the route to show. */
export type IdentityFailure =
  | {
      ok: false;
      reason:
        | 'not_found'
        | 'identity_taken'
        | 'not_linked'
        | 'unauthenticated'
        | 'reauthentication_required'
        | ProviderErrorKind;
    }
  | {
      ok: false;
      reason: 'too_many_attempts';
      retryAfter: number;
      /** Which limit: accounts made (`signup`), or sign-ins started (`provider_flow`). */
      limit: 'signup' | 'provider_flow';
    };

/** The caller's ways to sign in, as `GET /api/identities` answers them. */
export interface Identities {
  password: boolean;
  identities: { provider: string; label: string; linkedAt: string | null }[];
  available: { provider: string; label: string }[];
}

/** What "Confirm it is you" offers (docs/API.md, "Recent authentication"): the ways in, and whether a passkey is one. */
export interface ConfirmationWays extends Identities {
  passkey: boolean;
}

const scope = 'openid profile email';
/** An OpenID Connect `sub`: at most 255 ASCII characters; no space, which a padding collation would fold. */
const subjectPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * Signing in through OpenID Connect providers, linking and unlinking them:
 * the flows of docs/API.md's "Signing in through a provider". openid-client
 * does the protocol; this keeps the flow's row, decides what the verified
 * subject means (a session, a new account, a link), and logs each outcome
 * without a code or a token.
 */
export function createIdentityService(options: IdentityServiceOptions) {
  const { db, providers, origin, sessions } = options;
  const throttle = new Throttle(db, options.limits);
  const audit = options.logger.child({ audit: true });

  function redirectUri(name: string): string {
    return `${origin}/signin/${name}/callback`;
  }

  function fail(
    reason: ProviderErrorKind | 'identity_taken' | 'not_linked',
    fields: Record<string, unknown>,
  ): IdentityFailure {
    audit.warn({ event: 'provider_signin_failed', reason, ...fields }, 'provider sign-in failed');
    return { ok: false, reason };
  }

  /** The claims a username comes from: the ID token's, else UserInfo's. */
  async function readNameClaims(
    configuration: client.Configuration,
    tokens: client.TokenEndpointResponse,
    claims: client.IDToken,
  ): Promise<NameClaims> {
    const { preferred_username, email } = claims;
    if (preferred_username !== undefined || email !== undefined)
      return { preferred_username, email };
    if (!configuration.serverMetadata().userinfo_endpoint) return {};
    const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
    return { preferred_username: info.preferred_username, email: info.email };
  }

  /** The user's ways to sign in: the password, the linked providers, the others configured. */
  async function listWays(userId: string): Promise<Identities> {
    const keys = await listKeys(db, userId);
    const linked = keys.filter((key) => key.provider !== 'username');
    return {
      password: keys.some((key) => key.provider === 'username' && key.hasPassword),
      identities: linked.map((key) => ({
        provider: key.provider,
        label: providers.get(key.provider)?.label ?? key.provider,
        linkedAt: key.createdAtMs === null ? null : new Date(key.createdAtMs).toISOString(),
      })),
      available: providers
        .list()
        .filter((provider) => !linked.some((key) => key.provider === provider.name))
        .map((provider) => ({ provider: provider.name, label: provider.label })),
    };
  }

  return {
    /**
     * `POST /signin/:provider`: keeps a new flow and answers the provider's
     * authorization URL and the flow's cookie value. From a signed-in user
     * it is a link of that user, which needs recent authentication; with
     * `reauthenticate` it is that user confirming who it is. An address
     * starts at most `RATE_LIMIT_PROVIDER_IP` flows in 10 minutes.
     */
    async begin(input: {
      name: string;
      user: User | null;
      session: Session | null;
      reauthenticate: boolean;
      address: string;
    }): Promise<{ ok: true; url: string; flowCookie: string } | IdentityFailure> {
      const { name, user, session, reauthenticate, address } = input;
      const provider = providers.get(name);
      if (!provider) return { ok: false, reason: 'not_found' };
      if (reauthenticate && !user) return { ok: false, reason: 'unauthenticated' };
      if (
        user &&
        !reauthenticate &&
        !(session && isRecentlyAuthenticated(session.authenticatedAt, Date.now()))
      ) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      const { wait } = await throttle.beginProviderFlow(address, Date.now());
      if (wait > 0) {
        audit.warn(
          {
            event: 'provider_flow_throttled',
            provider: name,
            clientAddress: address,
            retryAfter: wait,
          },
          'throttled',
        );
        return { ok: false, reason: 'too_many_attempts', retryAfter: wait, limit: 'provider_flow' };
      }
      let configuration: client.Configuration;
      try {
        configuration = await provider.discover();
      } catch (error) {
        // Whatever went wrong, the provider cannot be used now; the next try asks again.
        const { code } = describeProviderError(error);
        return fail('unavailable', { provider: name, step: 'discovery', code });
      }
      const flow = {
        provider: name,
        state: client.randomState(),
        codeVerifier: client.randomPKCECodeVerifier(),
        nonce: client.randomNonce(),
        linkUserId: user?.id ?? null,
        reauthenticate,
      };
      const flowCookie = await saveFlow(db, flow, Date.now());
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri(name),
        scope,
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { ok: true, url: url.href, flowCookie };
    },

    /**
     * `GET /signin/:provider/callback`: takes the flow (ending it, whatever
     * follows), checks the answer, and signs in, signs up or links. `cookie`
     * is the new session's, or `null` for a link.
     */
    async finish(input: {
      name: string;
      flowCookie: string | undefined;
      query: URLSearchParams;
      user: User | null;
      session: Session | null;
      address: string;
      /** The request's `User-Agent`, for the notice of a link. */
      browser?: string | undefined;
    }): Promise<
      | {
          ok: true;
          outcome: 'signed_in' | 'signed_up' | 'linked' | 'reauthenticated';
          cookie: Cookie | null;
        }
      | IdentityFailure
    > {
      const { name, query, address } = input;
      const provider = providers.get(name);
      if (!provider) return { ok: false, reason: 'not_found' };
      const logged = { provider: name, clientAddress: address };
      const flow = input.flowCookie ? await takeFlow(db, input.flowCookie, Date.now()) : null;
      if (!flow || flow.provider !== name) return fail('no_flow', logged);
      if (query.get('state') !== flow.state) return fail('state_mismatch', logged);
      const denied = query.get('error');
      if (denied !== null) {
        // The provider's own code, logged only when it looks like one.
        const code = /^[\w.-]{1,64}$/.test(denied) ? denied : 'other';
        return fail('denied', { ...logged, code });
      }
      if (flow.linkUserId && flow.linkUserId !== input.user?.id) {
        return fail('link_mismatch', { ...logged, userId: input.user?.id ?? null });
      }

      let configuration: client.Configuration;
      let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
      let claims: client.IDToken | undefined;
      try {
        configuration = await provider.discover();
        const callback = new URL(redirectUri(name));
        callback.search = query.toString();
        tokens = await client.authorizationCodeGrant(configuration, callback, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (error) {
        const { kind, code } = describeProviderError(error);
        return fail(kind, { ...logged, code });
      }
      if (!claims || !subjectPattern.test(claims.sub)) {
        return fail('invalid_token', { ...logged, code: 'unusable_sub' });
      }
      const subject = claims.sub;

      const keyId = providerKeyId(name, subject);
      const now = Date.now();
      if (flow.reauthenticate) {
        // The proof counts only for an identity the caller already has.
        const owner = await findKeyUser(db, keyId);
        if (!owner || owner.id !== flow.linkUserId || !input.session) {
          return fail('not_linked', { ...logged, userId: flow.linkUserId });
        }
        await sessions.markAuthenticated(input.session.id, new Date(now));
        audit.info(
          { event: 'reauthenticated', userId: owner.id, ...logged, method: `provider:${name}` },
          'identity confirmed',
        );
        return { ok: true, outcome: 'reauthenticated', cookie: null };
      }
      if (flow.linkUserId) {
        const userId = flow.linkUserId;
        const { mailer } = options;
        const notice = {
          at: now,
          clientAddress: address,
          browser: input.browser?.slice(0, 200),
          provider: provider.label,
        };
        const linked = await linkIdentity(
          db,
          { userId, provider: name, keyId, now },
          async (trx) => {
            await recordEvent(trx, {
              userId,
              kind: 'provider_linked',
              origin: { address, browser: input.browser },
              detail: { provider: name },
              at: now,
            });
            if (mailer) await queueNotice(trx, userId, 'provider_linked', notice);
          },
        );
        if (linked === 'linked') mailer?.nudge();
        if (linked === 'taken')
          return fail('identity_taken', { ...logged, userId: flow.linkUserId });
        audit.info(
          {
            event: 'provider_linked',
            userId: flow.linkUserId,
            ...logged,
            already: linked === 'already',
          },
          'provider linked',
        );
        return { ok: true, outcome: 'linked', cookie: null };
      }

      // A session is made only while this key exists: not for an identity
      // unlinked in the moment since (then no cookie, and no session).
      const providerKey = { keyId, hashedPassword: null };
      const origin = { address, browser: input.browser };
      const signin = {
        kind: 'signin' as const,
        origin,
        detail: { method: `provider:${name}` },
      };
      const existing = await findKeyUser(db, keyId);
      if (existing) {
        audit.info({ event: 'provider_signin', userId: existing.id, ...logged }, 'signed in');
        return {
          ok: true,
          outcome: 'signed_in',
          // A second factor is asked after a provider too (second-factor-methods.ts).
          cookie:
            (
              await sessions.signIn(existing.id, providerKey, {
                previous: input.session,
                event: signin,
              })
            )?.cookie ?? null,
        };
      }
      // An attempt counts from here on, whether or not it makes the account.
      const { wait } = await throttle.beginSignUp(address, now);
      if (wait > 0) {
        audit.warn({ event: 'signup_throttled', ...logged, retryAfter: wait }, 'throttled');
        return { ok: false, reason: 'too_many_attempts', retryAfter: wait, limit: 'signup' };
      }
      // Only a new account needs a name, and maybe a UserInfo request for it.
      let nameClaims: NameClaims;
      try {
        nameClaims = await readNameClaims(configuration, tokens, claims);
      } catch (error) {
        const { kind, code } = describeProviderError(error);
        return fail(kind, { ...logged, code, step: 'userinfo' });
      }
      const account = await createProviderAccount(db, {
        keyId,
        base: deriveUsername(nameClaims, name),
        now,
        origin,
      });
      const event = account.created ? 'provider_signup' : 'provider_signin';
      audit.info(
        { event, userId: account.user.id, ...logged },
        account.created ? 'account created' : 'signed in',
      );
      return {
        ok: true,
        outcome: account.created ? 'signed_up' : 'signed_in',
        // A sign-up is recorded with its account; a sign-in with its session.
        cookie:
          (
            await sessions.signIn(account.user.id, providerKey, {
              previous: input.session,
              ...(account.created ? {} : { event: signin }),
            })
          )?.cookie ?? null,
      };
    },

    /** `GET /api/identities`. */
    list: listWays,

    /** What the page that asks "Confirm it is you" offers: the password, a passkey, a linked provider. */
    async confirmationWays(userId: string): Promise<ConfirmationWays> {
      const [ways, passkeys] = await Promise.all([listWays(userId), countPasskeys(db, userId)]);
      return { ...ways, passkey: passkeys > 0 };
    },

    /**
     * Unlinks a provider from the user, unless it is the user's last way to
     * sign in. Needs recent authentication: a thief must not remove the
     * owner's way back in.
     */
    async unlink(
      { user, session, browser }: { user: User; session: Session; browser?: string | undefined },
      name: string,
      address: string,
    ): Promise<
      | { ok: true }
      | { ok: false; reason: 'not_found' | 'last_sign_in_method' | 'reauthentication_required' }
    > {
      if (!isRecentlyAuthenticated(session.authenticatedAt, Date.now())) {
        return { ok: false, reason: 'reauthentication_required' };
      }
      const result = await unlinkIdentity(db, {
        userId: user.id,
        provider: name,
        origin: { address, browser },
      });
      if (result !== 'unlinked') return { ok: false, reason: result };
      audit.info(
        { event: 'provider_unlinked', userId: user.id, provider: name, clientAddress: address },
        'provider unlinked',
      );
      return { ok: true };
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
