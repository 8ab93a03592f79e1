import { createAccount, passwordKeyId, replacePassword } from '@repo/auth/accounts';
import type { AppDatabase } from '@repo/auth/app-database';
import { createLogger } from '@repo/auth/create-logger';
import { unlinkIdentity } from '@repo/auth/identities';
import { createVerifiedSession } from '@repo/auth/sessions';
import { migrateToLatest } from '@repo/schema/migrate-to-latest';
import { migrations } from '@repo/schema/mysql/migrations';
import { stopProcess } from '@repo/testing/app-process';
import { countStatuses } from '@repo/testing/count-statuses';
import { describeFleet, type Fleet, me, post } from '@repo/testing/fleet';
import { cookieHeaderOf } from '@repo/testing/test-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../apps/mysql/src/database.ts';
import { type GaleraCluster, startGaleraCluster } from '../src/engines/galera.ts';
import { assertEnginesInstalled } from '../src/engines/missing-engines.ts';
import { appMain, startAppFleet } from './app-fleet.ts';

// A three-node MariaDB Galera cluster, HAProxy in front: app process i
// reaches node i through a frontend that keeps the other two as backups, so
// that the processes write on three nodes at once, and each fails over.
let cluster: GaleraCluster;
beforeAll(async () => {
  assertEnginesInstalled();
  cluster = await startGaleraCluster();
  console.log(`Galera cluster and HAProxy started in ${cluster.startMs} ms`);
});
afterAll(() => cluster?.stop());

let databases = 0;
async function startOnThreeNodes(
  env: Record<string, string>,
): Promise<{ fleet: Fleet; name: string }> {
  databases += 1;
  const name = `fleet_${databases}`;
  await cluster.createDatabase(name);
  const urls = [0, 1, 2].map((i) => cluster.preferringUrl(i, name));
  return { fleet: await startAppFleet(appMain.mysql, urls, env), name };
}

type Db = AppDatabase['db'];

/**
 * Runs `work` with the MySQL app's own pool (its `openDatabase`) on node 1
 * and on node 3 of a new database, migrated, and closes both.
 */
async function onTwoNodes(
  name: string,
  work: (first: Db, third: Db) => Promise<void>,
): Promise<void> {
  await cluster.createDatabase(name);
  const logger = createLogger('silent');
  const first = openDatabase({ url: cluster.nodeUrl(0, name), logger });
  const third = openDatabase({ url: cluster.nodeUrl(2, name), logger });
  try {
    await migrateToLatest(first.db, migrations);
    await work(first.db, third.db);
  } finally {
    await first.close();
    await third.close();
  }
}

describe("mysql: the app's pool on a Galera cluster", () => {
  it('reads on one node what another committed a moment before (wsrep_sync_wait), 300 times of 300', async () => {
    await onTwoNodes('read_your_writes', async (writer, reader) => {
      let stale = 0;
      for (let i = 0; i < 300; i += 1) {
        const user = { id: `ryw${i}`, username: `ryw${i}` };
        await writer.insertInto('user').values(user).execute();
        const row = await reader
          .selectFrom('user')
          .select('id')
          .where('id', '=', user.id)
          .executeTakeFirst();
        if (!row) stale += 1;
      }
      expect(stale).toBe(0);
    });
  });

  it('never leaves a session made with the old password, a sign-in and a change on two nodes at once (docs/API.md: password change is final), 100 races of 100', async () => {
    await onTwoNodes('final_change', async (signingIn, changing) => {
      let survived = 0;
      for (let i = 0; i < 100; i += 1) {
        // The hashes are any strings here: what counts is which one is stored.
        const user = await createAccount(signingIn, {
          username: `race${i}`,
          hashedPassword: 'old hash',
        });
        if (!user) throw new Error(`race${i} exists already`);
        const checked = { keyId: passwordKeyId(user.username), hashedPassword: 'old hash' };
        // A sign-in that checked the old password, and the change, at once.
        const [, changed] = await Promise.all([
          createVerifiedSession(signingIn, {
            userId: user.id,
            credential: checked,
            sessionId: `race${i}`,
            expiresAt: new Date(Date.now() + 86_400_000),
            authenticatedAt: new Date(),
          }),
          replacePassword(changing, user.id, checked, 'new hash'),
        ]);
        expect(changed).toBe(true);
        const left = await signingIn
          .selectFrom('session')
          .select('id')
          .where('user_id', '=', user.id)
          .execute();
        if (left.length > 0) survived += 1;
      }
      expect(survived).toBe(0);
    });
  });

  it("never unlinks both of a user's last two providers, two unlinks on two nodes at once, 50 races of 50", async () => {
    await onTwoNodes('last_method', async (one, other) => {
      let stranded = 0;
      for (let i = 0; i < 50; i += 1) {
        // A user who signed up through one provider and linked a second.
        const userId = `twoways${i}`;
        await one.insertInto('user').values({ id: userId, username: userId }).execute();
        await one
          .insertInto('key')
          .values(
            ['alpha', 'beta'].map((provider) => ({
              id: `${provider}:${userId}`,
              user_id: userId,
              hashed_password: null,
              created_at_ms: Date.now(),
            })),
          )
          .execute();
        await Promise.all([
          unlinkIdentity(one, { userId, provider: 'alpha', origin: { address: '192.0.2.1' } }),
          unlinkIdentity(other, { userId, provider: 'beta', origin: { address: '192.0.2.2' } }),
        ]);
        const keys = await one
          .selectFrom('key')
          .select('id')
          .where('user_id', '=', userId)
          .execute();
        if (keys.length === 0) stranded += 1;
      }
      expect(stranded).toBe(0);
    });
  });
});

describeFleet('mysql: three processes on three Galera nodes, through HAProxy', async (env) => {
  return (await startOnThreeNodes(env)).fleet;
});

const password = 'a long enough password';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signUp(url: string, username: string) {
  return post(url, '/api/signup', { username, password });
}

/** What a request of the steady load got: its process, when it left and was answered, and its status (0: no answer). */
interface Answer {
  process: number;
  at: number;
  done: number;
  status: number;
  kind: 'me' | 'signup';
}

describe('mysql: a Galera node killed with SIGKILL under steady load', () => {
  it('loses no account or session, answers 503 at worst, serves again through HAProxy, and the node rejoins with every row', async () => {
    // Sign-ups at up to 30 per address and hour: the load makes fewer.
    const { fleet, name } = await startOnThreeNodes({ RATE_LIMIT_SIGNUP_IP: '1000' });
    try {
      // Sessions made before the loss, one on each process (each node).
      const before: string[] = [];
      for (const [i, url] of fleet.urls.entries()) {
        const response = await signUp(url, `before${i}`);
        expect(response.status).toBe(201);
        before.push(cookieHeaderOf(response));
      }

      // Steady load: each process reads a session in a loop, and signs up
      // a new account every fifth request.
      const answers: Answer[] = [];
      const made: { username: string; cookie: string }[] = [];
      let running = true;
      const workers = fleet.urls.map(async (url, process) => {
        for (let n = 0; running; n += 1) {
          const kind = n % 5 === 4 ? 'signup' : 'me';
          const at = Date.now();
          const username = `load${process}x${n}`;
          const response = await (kind === 'signup'
            ? signUp(url, username)
            : me(url, before[process] as string)
          ).catch(() => null);
          answers.push({ process, at, done: Date.now(), status: response?.status ?? 0, kind });
          if (response?.status === 201) made.push({ username, cookie: cookieHeaderOf(response) });
          await pause(20);
        }
      });
      await pause(1500);
      const killedAt = Date.now();
      await cluster.kill(0);
      await pause(10_000);
      running = false;
      await Promise.all(workers);

      // Every request had an answer, and none was a 500: 200/201, or 503
      // while the node went (any number of each; any other status, 0 for no
      // answer, shows beside them).
      const statuses = countStatuses(
        answers.map((answer) => answer.status),
        [200, 201, 503],
      );
      // A 500 is logged with its error: shown here when there is one.
      const unexpected = fleet.runs.flatMap((run) =>
        run
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"unexpected error"')),
      );
      expect({ statuses, unexpected }).toEqual({
        statuses: { 200: expect.any(Number), 201: expect.any(Number), 503: expect.any(Number) },
        unexpected: [],
      });
      // Each process serves again: from the kill to the first success it
      // answered to a request sent after its last 503.
      const recoveryMs = [0, 1, 2].map((process) => {
        const own = answers.filter(
          (answer) => answer.process === process && answer.done >= killedAt,
        );
        const lastFailure = Math.max(
          killedAt,
          ...own.filter((answer) => answer.status === 503).map((answer) => answer.at),
        );
        const recovered = own.find((answer) => answer.at >= lastFailure && answer.status < 300);
        return recovered ? recovered.done - killedAt : Number.POSITIVE_INFINITY;
      });
      const failures = answers.filter((answer) => answer.status === 503).length;
      const longestAnswer = Math.max(
        ...answers.filter((answer) => answer.done >= killedAt).map((a) => a.done - a.at),
      );
      console.log(
        `node 1 killed: the processes served again after ${recoveryMs.join(', ')} ms; ` +
          `${failures} answers 503 of ${answers.length}; longest answer ${longestAnswer} ms; ${made.length} sign-ups`,
      );
      for (const ms of recoveryMs) expect(ms).toBeLessThan(8_000);

      // No session or account lost: every one is valid on every process.
      for (const url of fleet.urls) {
        for (const cookie of [...before, ...made.map((account) => account.cookie)]) {
          expect((await me(url, cookie)).status).toBe(200);
        }
      }

      // Node 1 rejoins (by IST) and has every row.
      const restartedAt = Date.now();
      await cluster.restart(0);
      console.log(`node 1 rejoined in ${Date.now() - restartedAt} ms`);
      const counts = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const [row] = await cluster.query<{ users: number; sessions: number; keys: number }>(
            i,
            `select (select count(*) from \`${name}\`.user) as users,
                    (select count(*) from \`${name}\`.session) as sessions,
                    (select count(*) from \`${name}\`.\`key\`) as \`keys\``,
          );
          return row;
        }),
      );
      expect(counts[0]).toEqual(counts[1]);
      expect(counts[0]).toEqual(counts[2]);
      // Every account a sign-up was answered 201 for is on the node that was gone.
      const onRejoined = await cluster.query<{ username: string }>(
        0,
        `select username from \`${name}\`.user`,
      );
      const usernames = new Set(onRejoined.map((row) => row.username));
      const expected = [...[0, 1, 2].map((i) => `before${i}`), ...made.map((a) => a.username)];
      expect(expected.filter((username) => !usernames.has(username))).toEqual([]);
    } finally {
      for (const run of fleet.runs) await stopProcess(run);
    }
  });
});
