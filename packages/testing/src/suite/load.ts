import { describe, expect, it } from 'vitest';
import { countStatuses } from '../count-statuses.ts';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';

/** Runs `task` `count` times, at most `concurrency` at once. */
async function runMany(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export function describeLoad(harness: Harness) {
  describe(`${harness.dialect.name}: under load`, () => {
    it('takes 40 concurrent sign-ups of one username: exactly one 201, the others 409, no 5xx', async () => {
      const { client } = harness.main;
      const username = uniqueUsername('race');
      const responses = await Promise.all(
        Array.from({ length: 40 }, () =>
          client().post('/api/signup', { username, password: goodPassword }),
        ),
      );
      expect(countStatuses(responses, [201, 409])).toEqual({ 201: 1, 409: 39 });
      const users = await harness.main.db
        .selectFrom('user')
        .select('id')
        .where('username', '=', username)
        .execute();
      expect(users).toHaveLength(1);
    });

    it('holds no more connections than its pool after 5,000 requests', async () => {
      const poolSize = 4;
      const opened = await harness.open({ poolSize });
      const me = opened.client();
      await me.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const statuses: number[] = [];
      // Four requests per connection at once: enough to queue, not so many
      // that a starved CI machine keeps one waiting past /healthz's 2 s.
      await runMany(5000, 16, async (i) => {
        const response = i % 2 ? await me.get('/api/me') : await opened.app.request('/healthz');
        statuses.push(response.status);
      });
      expect(countStatuses(statuses, [200])).toEqual({ 200: 5000 });
      expect(await opened.database.countConnections()).toBeLessThanOrEqual(poolSize);
      // A count, not a timing: on two shared cores, beside two other suites,
      // the 5,000 requests can take well over the default 30 s.
    }, 180_000);
  });
}
