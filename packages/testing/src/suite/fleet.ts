import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildRun, startAppProcess, stopProcess, waitForServing } from '../app-process.ts';
import { countStatuses } from '../count-statuses.ts';
import { findLogLeaks } from '../find-log-leaks.ts';
import { codeOf, MailCatcher } from '../mail/mail-catcher.ts';
import { cookieHeaderOf, uniqueAddress } from '../test-client.ts';

/** Several app processes serving one database, as behind a load balancer. */
export interface Fleet {
  /** Each process's own address (`http://127.0.0.1:PORT`). */
  urls: string[];
  runs: ChildRun[];
}

/**
 * Starts the processes of a fleet on a database no process has used yet,
 * with `env` over what they get anyway (the database, `ORIGIN`). Those that
 * may start together start together.
 */
export type StartFleet = (env: Record<string, string>) => Promise<Fleet>;

/** The public origin every process of a fleet answers for. */
export const fleetOrigin = 'http://localhost:3000';
const password = 'a long enough password';
/** Failed sign-ins per client address (RATE_LIMIT_SIGNIN_IP) in the fleet's throttling cases. */
const signinPerAddress = 5;
/** Failures of one username before each one locks it (docs/API.md). */
const usernameFailuresAllowed = 5;
// Behind a balancer: the client's address is the last X-Forwarded-For hop.
const fleetEnv = { TRUST_PROXY: 'true', RATE_LIMIT_SIGNIN_IP: String(signinPerAddress) };

/**
 * Starts one process of the app at `main` per entry of `envs` (each over
 * `ORIGIN`, the fleet's origin), all at once, and waits until every one serves.
 *
 * @example
 * const fleet = await startFleetProcesses(main, [{ DATABASE_URL: url }, { DATABASE_URL: url }]);
 */
export async function startFleetProcesses(
  main: URL,
  envs: Record<string, string>[],
): Promise<Fleet> {
  const runs = envs.map((env) => startAppProcess(main, { ORIGIN: fleetOrigin, ...env }));
  const served = await Promise.all(runs.map((run) => waitForServing(run)));
  return { runs, urls: served.map(({ url }) => url) };
}

/**
 * A POST to one process, JSON, as a browser behind the balancer sends it:
 * the fleet's `Origin`, and a client `address` as the balancer's
 * `X-Forwarded-For` hop (taken only under `TRUST_PROXY`).
 */
export function post(
  url: string,
  path: string,
  body?: unknown,
  cookie = '',
  address = uniqueAddress(),
) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      Origin: fleetOrigin,
      'Content-Type': 'application/json',
      'X-Forwarded-For': address,
      Cookie: cookie,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** `GET /api/me` on one process, with a session's `Cookie` header. */
export function me(url: string, cookie: string) {
  return fetch(`${url}/api/me`, { headers: { Cookie: cookie } });
}

/**
 * What several processes on one database must agree on: the shared suite
 * runs it with two processes on each dialect's test server; a scale test may
 * run it with more, through a connection pooler or on a cluster's nodes. Each
 * request goes to one process, as a balancer would send it; the next may go
 * to another, at once.
 */
export function describeFleet(title: string, startFleet: StartFleet) {
  describe(title, () => {
    let fleet: Fleet;
    /** The process the `i`-th request goes to, round the fleet. */
    const at = (i: number) => fleet.urls[i % fleet.urls.length] as string;
    /** Every session token the processes gave, which their logs must not carry. */
    const received = new Set<string>();
    /** The `Cookie` header of the session a response sets, its token recorded. */
    const sessionOf = (response: Response) => cookieHeaderOf(response, received);

    /** Where every process of the fleet sends its mail. */
    const catcher = new MailCatcher();

    // One fleet for these cases, started on a new database.
    beforeAll(async () => {
      await catcher.resume();
      fleet = await startFleet({
        ...fleetEnv,
        SMTP_URL: catcher.url,
        MAIL_FROM: 'Fleet <auth@example.test>',
      });
    });
    afterAll(async () => {
      for (const run of fleet?.runs ?? []) expect(await stopProcess(run)).toBe(0);
      await catcher.pause();
      // No process answered a 500 (it would have logged it), or logged a secret.
      for (const run of fleet?.runs ?? []) expect(run.output()).not.toContain('unexpected error');
      const lines = (fleet?.runs ?? []).flatMap((run) => run.output().split('\n'));
      expect(findLogLeaks(lines, received), 'what the processes logged').toEqual([]);
    });

    it('starts together on a new database: one process applies the migrations, the others find them applied', async () => {
      // What each process did, compared whole, so that a failure shows every one.
      const outcomes = fleet.runs.map((run) => {
        const log = run.output();
        if (/"msg":"applied 0001/.test(log)) return 'applied';
        return log.includes('"msg":"schema is current"') ? 'found them applied' : 'neither';
      });
      expect(outcomes.sort()).toEqual([
        'applied',
        ...Array<string>(fleet.runs.length - 1).fill('found them applied'),
      ]);
    });

    it('knows a session on every process at once, and signing out ends it everywhere at once', async () => {
      const signup = await post(at(0), '/api/signup', { username: 'everywhere', password });
      expect(signup.status).toBe(201);
      const cookie = sessionOf(signup);
      for (const url of fleet.urls) expect((await me(url, cookie)).status).toBe(200);
      expect((await post(at(1), '/api/signout', undefined, cookie)).status).toBe(204);
      for (const url of fleet.urls) expect((await me(url, cookie)).status).toBe(401);

      // Each step on the next process, right after the last one answered: a
      // database that applies a write on a replica a moment later (a Galera
      // node without wsrep_sync_wait) fails here.
      for (let i = 0; i < 20; i += 1) {
        const signin = await post(at(i), '/api/signin', { username: 'everywhere', password });
        expect(signin.status).toBe(200);
        const session = sessionOf(signin);
        expect((await me(at(i + 1), session)).status).toBe(200);
        expect((await post(at(i + 2), '/api/signout', undefined, session)).status).toBe(204);
        expect((await me(at(i + 3), session)).status).toBe(401);
      }
    });

    it('ends every other session on every process at once when the password changes', async () => {
      const signup = await post(at(0), '/api/signup', { username: 'changing', password });
      const first = sessionOf(signup);
      const signin = await post(at(1), '/api/signin', { username: 'changing', password });
      expect(signin.status).toBe(200);
      const second = sessionOf(signin);

      const newPassword = 'another long password';
      const change = await post(
        at(2),
        '/api/password',
        { currentPassword: password, newPassword },
        second,
      );
      expect(change.status).toBe(204);
      const renewed = sessionOf(change);
      for (const url of fleet.urls) {
        expect((await me(url, first)).status).toBe(401);
        expect((await me(url, second)).status).toBe(401);
        expect((await me(url, renewed)).status).toBe(200);
      }
      const old = await post(at(3), '/api/signin', { username: 'changing', password });
      expect(old.status).toBe(401);
      const fresh = await post(at(4), '/api/signin', {
        username: 'changing',
        password: newPassword,
      });
      expect(fresh.status).toBe(200);
    });

    it('holds both sign-in throttles across processes under bursts, never with a 500', async () => {
      await post(at(0), '/api/signup', { username: 'burst', password });
      // One client address, wrong passwords for many usernames, all at once.
      const client = uniqueAddress();
      const byAddress = await Promise.all(
        Array.from({ length: 4 * signinPerAddress }, (_, i) =>
          post(at(i), '/api/signin', { username: `nobody${i}`, password: 'wrong!!!' }, '', client),
        ),
      );
      // 401 for at most the limit (attempts at once may also all see each
      // other and be refused), 429 for the rest; compared whole, so that a
      // failure shows every answer.
      const addressCounts = countStatuses(byAddress, [401, 429]);
      const verified = Math.min(addressCounts[401] ?? 0, signinPerAddress);
      expect(addressCounts).toEqual({ 401: verified, 429: byAddress.length - verified });

      // One username, wrong passwords from many addresses, all at once.
      const byUsername = await Promise.all(
        Array.from({ length: 4 * usernameFailuresAllowed }, (_, i) =>
          post(at(i), '/api/signin', { username: 'burst', password: 'wrong!!!' }),
        ),
      );
      // 401 for at least one and at most the failures allowed, 429 for the rest.
      const usernameCounts = countStatuses(byUsername, [401, 429]);
      const failed = Math.min(Math.max(usernameCounts[401] ?? 0, 1), usernameFailuresAllowed);
      expect(usernameCounts).toEqual({ 401: failed, 429: byUsername.length - failed });
    });

    it('holds the second-factor throttle across processes under a burst of wrong codes', async () => {
      const signup = await post(at(0), '/api/signup', { username: 'twostep', password });
      const cookie = sessionOf(signup);
      const started = await post(at(1), '/api/totp', undefined, cookie);
      const { secret } = (await started.json()) as { secret: string };
      const totp = new TOTP({ secret: Secret.fromBase32(secret) });
      const code = totp.generate();
      expect((await post(at(0), '/api/totp/confirm', { code }, cookie)).status).toBe(200);
      const waiting = sessionOf(
        await post(at(1), '/api/signin', { username: 'twostep', password }),
      );
      // Wrong codes at once on every process: one user's count, in the database.
      const burst = await Promise.all(
        Array.from({ length: 4 * usernameFailuresAllowed }, (_, i) =>
          post(at(i), '/api/2fa/totp', { code: 'wrong' }, waiting),
        ),
      );
      const counts = countStatuses(burst, [400, 429]);
      const failed = Math.min(Math.max(counts[400] ?? 0, 1), usernameFailuresAllowed);
      expect(counts).toEqual({ 400: failed, 429: burst.length - failed });
    });

    it('makes one account of 40 sign-ups of one name at once across processes', async () => {
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          post(at(i), '/api/signup', { username: 'onlyone', password: `${password} ${i}` }),
        ),
      );
      expect(countStatuses(responses, [201, 409])).toEqual({ 201: 1, 409: 39 });
      // The one that made it signs in on every process; no other password does.
      const winner = responses.findIndex((response) => response.status === 201);
      for (const [i, url] of fleet.urls.entries()) {
        const own = await post(url, '/api/signin', {
          username: 'onlyone',
          password: `${password} ${winner}`,
        });
        expect(own.status).toBe(200);
        const other = await post(url, '/api/signin', {
          username: 'onlyone',
          password: `${password} ${(winner + 1 + i) % 40}`,
        });
        expect(other.status).toBe(401);
      }
    });

    it('sends one mail per change across processes: each delivered once, by whichever process claimed it', async () => {
      const users = 12;
      const cookies: string[] = [];
      for (let i = 0; i < users; i += 1) {
        const signup = await post(at(i), '/api/signup', { username: `mailing${i}`, password });
        expect(signup.status).toBe(201);
        cookies.push(sessionOf(signup));
      }
      const addresses = cookies.map((_, i) => `fleet${i}@example.test`);
      // At once, through every process: each is nudged, and claims rows the
      // others queued as well as its own.
      const answers = await Promise.all(
        cookies.map((cookie, i) => post(at(i + 1), '/api/email', { email: addresses[i] }, cookie)),
      );
      expect(countStatuses(answers, [202])).toEqual({ 202: users });
      for (const address of addresses) await catcher.waitFor(address, { timeoutMs: 30_000 });
      // A mail sent twice would come within the next poll (5 s).
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(addresses.map((address) => catcher.to(address).length)).toEqual(
        addresses.map(() => 1),
      );
      const sent = fleet.runs.map((run) => run.output().split('"msg":"mail sent"').length - 1);
      expect(sent.reduce((sum, count) => sum + count, 0)).toBe(users);
      // A code works on any process.
      const [mail] = catcher.to('fleet0@example.test');
      if (!mail) throw new Error('no mail to fleet0@example.test');
      const code = codeOf(mail);
      const verified = await post(at(2), '/api/email/verify', { code }, cookies[0]);
      expect(verified.status).toBe(200);
    });
  });
}
