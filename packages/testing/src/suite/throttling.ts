import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countStatuses } from '../count-statuses.ts';
import { countingHasher } from '../counting-hasher.ts';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, TestClient, uniqueAddress } from '../test-client.ts';

const limits = { signinPerAddress: 3, signupPerAddress: 2 };

export function describeThrottling(harness: Harness) {
  async function throttledApp(options: { trustProxy?: boolean } = {}) {
    const passwords = countingHasher();
    const opened = await harness.open({ limits, passwords, ...options });
    const username = uniqueUsername();
    await opened.client().post('/api/signup', { username, password: goodPassword });
    return { ...opened, passwords, username };
  }

  async function expectTooMany(response: Response, retryAfter: number) {
    expect(response.status).toBe(429);
    expect((await jsonOf(response)).error.code).toBe('too_many_attempts');
    const seconds = Number(response.headers.get('Retry-After'));
    expect(seconds).toBe(retryAfter);
  }

  describe(`${harness.dialect.name}: throttling`, () => {
    // The app's clock stands still unless a test moves it: a Retry-After is
    // then the window's whole length, however long a loaded machine took
    // between the first attempt and the refusal (it came back 597 of 600).
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('refuses an address after RATE_LIMIT_SIGNIN_IP failures, a correct password too, without hashing', async () => {
      const { client, passwords, username } = await throttledApp();
      const attacker = client();
      for (let i = 0; i < limits.signinPerAddress; i += 1) {
        const wrong = await attacker.post('/api/signin', {
          username: uniqueUsername(),
          password: 'nope',
        });
        expect(wrong.status).toBe(401);
      }
      const verifies = passwords.verifies;
      await expectTooMany(
        await attacker.post('/api/signin', { username, password: goodPassword }),
        600,
      );
      expect(passwords.verifies).toBe(verifies);
      // Another address is not affected.
      expect(
        (await client().post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(200);
    });

    it('lets the address in again once the oldest failure leaves the 10-minute window', async () => {
      const { client, username } = await throttledApp();
      const attacker = client();
      for (let i = 0; i < limits.signinPerAddress; i += 1) {
        await attacker.post('/api/signin', { username: uniqueUsername(), password: 'nope' });
        vi.setSystemTime(Date.now() + 60_000);
      }
      await expectTooMany(
        await attacker.post('/api/signin', { username, password: goodPassword }),
        420,
      );
      vi.setSystemTime(Date.now() + 421_000);
      expect(
        (await attacker.post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(200);
    });

    it('locks a username for 2^(n-5) seconds after its n-th consecutive failure, from any address', async () => {
      const { client, passwords, username } = await throttledApp();
      const failFrom = async () => {
        const response = await client().post('/api/signin', { username, password: 'wrong guess' });
        expect(response.status).toBe(401);
      };
      for (let i = 0; i < 5; i += 1) await failFrom();
      const verifies = passwords.verifies;
      await expectTooMany(
        await client().post('/api/signin', { username, password: goodPassword }),
        1,
      );
      expect(passwords.verifies).toBe(verifies);
      vi.setSystemTime(Date.now() + 1000);
      await failFrom(); // the 6th: 2 seconds
      await expectTooMany(
        await client().post('/api/signin', { username, password: goodPassword }),
        2,
      );
      vi.setSystemTime(Date.now() + 2000);
      await failFrom(); // the 7th: 4 seconds
      await expectTooMany(
        await client().post('/api/signin', { username, password: goodPassword }),
        4,
      );
      vi.setSystemTime(Date.now() + 4000);
      // A success resets the count: one more failure locks nothing.
      expect(
        (await client().post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(200);
      await failFrom();
      expect(
        (await client().post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(200);
    });

    it('locks a username for at most 15 minutes', async () => {
      const { client, db, username } = await throttledApp();
      await db
        .insertInto('username_throttle')
        .values({ username, failures: 40, last_failure_ms: Date.now() })
        .execute();
      await expectTooMany(
        await client().post('/api/signin', { username, password: goodPassword }),
        900,
      );
    });

    it('refuses an address after RATE_LIMIT_SIGNUP_IP accounts in an hour, without hashing', async () => {
      const { client, passwords } = await throttledApp();
      const signer = client();
      for (let i = 0; i < limits.signupPerAddress; i += 1) {
        const created = await signer.post('/api/signup', {
          username: uniqueUsername(),
          password: goodPassword,
        });
        expect(created.status).toBe(201);
      }
      const hashes = passwords.hashes;
      await expectTooMany(
        await signer.post('/api/signup', { username: uniqueUsername(), password: goodPassword }),
        3600,
      );
      expect(passwords.hashes).toBe(hashes);
    });

    it('counts a sign-up of a taken name as an attempt, and refuses it before any hash', async () => {
      const { client, passwords, username } = await throttledApp();
      const signer = client();
      const hashes = passwords.hashes;
      for (let i = 0; i < limits.signupPerAddress; i += 1) {
        const taken = await signer.post('/api/signup', { username, password: goodPassword });
        expect(taken.status).toBe(409);
        expect((await jsonOf(taken)).error.code).toBe('username_taken');
      }
      expect(passwords.hashes).toBe(hashes);
      await expectTooMany(
        await signer.post('/api/signup', { username: uniqueUsername(), password: goodPassword }),
        3600,
      );
      expect(passwords.hashes).toBe(hashes);
    });

    // A check that reads the counts, then hashes, then writes would let every
    // attempt of a burst pass before the first one is counted: each attempt
    // counts as a failure from the moment it is let through.
    it('counts attempts in flight: a burst from one address verifies at most RATE_LIMIT_SIGNIN_IP', async () => {
      const { client, passwords } = await throttledApp();
      const attacker = client();
      const verifies = passwords.verifies;
      const burst = await Promise.all(
        Array.from({ length: 4 * limits.signinPerAddress }, () =>
          attacker.post('/api/signin', { username: uniqueUsername(), password: 'nope' }),
        ),
      );
      // Attempts that see each other may all be refused: never more let through.
      const verified = passwords.verifies - verifies;
      expect(countStatuses(burst, [401, 429])).toEqual({
        401: verified,
        429: burst.length - verified,
      });
      expect(verified).toBeLessThanOrEqual(limits.signinPerAddress);
      // What was refused was not counted: the address's failures are the verified ones.
      const left = limits.signinPerAddress - verified;
      for (let i = 0; i < left; i += 1) {
        expect(
          (await attacker.post('/api/signin', { username: uniqueUsername(), password: 'nope' }))
            .status,
        ).toBe(401);
      }
      expect(
        (await attacker.post('/api/signin', { username: uniqueUsername(), password: 'nope' }))
          .status,
      ).toBe(429);
    });

    it('counts attempts in flight: a burst on one username from many addresses verifies one past the fifth failure', async () => {
      const { client, passwords, username } = await throttledApp();
      for (let i = 0; i < 4; i += 1) {
        await client().post('/api/signin', { username, password: 'wrong guess' });
      }
      const verifies = passwords.verifies;
      const burst = await Promise.all(
        Array.from({ length: 10 }, () =>
          client().post('/api/signin', { username, password: 'another guess' }),
        ),
      );
      expect(countStatuses(burst, [401, 429])).toEqual({ 401: 1, 429: 9 });
      expect(passwords.verifies - verifies).toBe(1);
    });

    it('counts sign-ups in flight: a burst from one address creates at most RATE_LIMIT_SIGNUP_IP accounts', async () => {
      const { client, passwords, username } = await throttledApp();
      const signer = client();
      const hashes = passwords.hashes;
      const burst = await Promise.all(
        Array.from({ length: 4 * limits.signupPerAddress }, () =>
          signer.post('/api/signup', { username: uniqueUsername(), password: goodPassword }),
        ),
      );
      const created = passwords.hashes - hashes;
      expect(countStatuses(burst, [201, 429])).toEqual({
        201: created,
        429: burst.length - created,
      });
      expect(created).toBeLessThanOrEqual(limits.signupPerAddress);
      // A name already taken counts as an attempt too.
      const taken = await signer.post('/api/signup', { username, password: goodPassword });
      expect(taken.status).toBe(created < limits.signupPerAddress ? 409 : 429);
      const attempts = created + (taken.status === 409 ? 1 : 0);
      for (let i = attempts; i < limits.signupPerAddress; i += 1) {
        const more = await signer.post('/api/signup', {
          username: uniqueUsername(),
          password: goodPassword,
        });
        expect(more.status).toBe(201);
      }
      await expectTooMany(
        await signer.post('/api/signup', { username: uniqueUsername(), password: goodPassword }),
        3600,
      );
    });

    it('counts an IPv6 client by its /64, and an IPv4-mapped address as its IPv4 address', async () => {
      const { app, origin, username } = await throttledApp();
      const from = (address: string) => new TestClient(app, origin, harness.received, address);
      const fail = (address: string) =>
        from(address).post('/api/signin', { username: uniqueUsername(), password: 'nope' });
      for (let i = 1; i <= limits.signinPerAddress; i += 1) {
        expect((await fail(`2001:db8:1:2::${i}`)).status).toBe(401);
      }
      const rightPassword = { username, password: goodPassword };
      // Another address of the same /64: the same client.
      await expectTooMany(
        await from('2001:db8:1:2:ffff::9').post('/api/signin', rightPassword),
        600,
      );
      // The next /64 is someone else.
      expect((await from('2001:db8:1:3::1').post('/api/signin', rightPassword)).status).toBe(200);

      // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d.
      const v4 = uniqueAddress();
      for (let i = 0; i < limits.signinPerAddress; i += 1) {
        expect((await fail(`::ffff:${v4}`)).status).toBe(401);
      }
      await expectTooMany(await from(v4).post('/api/signin', rightPassword), 600);
    });

    it('shares its counts between two apps on one database', async () => {
      const first = await throttledApp();
      const second = await harness.open({ limits, database: first.database });
      const address = uniqueAddress();
      for (let i = 0; i < limits.signinPerAddress; i += 1) {
        await new TestClient(first.app, first.origin, harness.received, address).post(
          '/api/signin',
          {
            username: first.username,
            password: 'nope',
          },
        );
      }
      const elsewhere = new TestClient(second.app, second.origin, harness.received, address);
      await expectTooMany(
        await elsewhere.post('/api/signin', { username: first.username, password: goodPassword }),
        600,
      );
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY, and then takes its last hop', async () => {
      const untrusted = await throttledApp();
      const attacker = untrusted.client();
      for (let i = 0; i <= limits.signinPerAddress; i += 1) {
        const response = await attacker.request('POST', '/api/signin', {
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': uniqueAddress() },
          body: JSON.stringify({ username: uniqueUsername(), password: 'nope' }),
        });
        expect(response.status).toBe(i < limits.signinPerAddress ? 401 : 429);
      }

      const trusted = await throttledApp({ trustProxy: true });
      const proxy = trusted.client();
      const client = uniqueAddress();
      for (let i = 0; i <= limits.signinPerAddress; i += 1) {
        const response = await proxy.request('POST', '/api/signin', {
          // A client can put anything first; the proxy appends the address it saw.
          headers: {
            'Content-Type': 'application/json',
            'X-Forwarded-For': `${uniqueAddress()}, ${client}`,
          },
          body: JSON.stringify({ username: uniqueUsername(), password: 'nope' }),
        });
        expect(response.status).toBe(i < limits.signinPerAddress ? 401 : 429);
      }
      // The proxy's own address is not what was counted.
      const direct = await proxy.post('/api/signin', {
        username: trusted.username,
        password: goodPassword,
      });
      expect(direct.status).toBe(200);
    });

    it('refuses an X-Forwarded-For hop that is no IP address under TRUST_PROXY with 400, never a 500', async () => {
      const { client, db, username } = await throttledApp({ trustProxy: true });
      const proxy = client();
      const from = (hop: string, path: string, body: unknown) =>
        proxy.request('POST', path, {
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': hop },
          body: JSON.stringify(body),
        });
      for (const hop of [
        'x'.repeat(300),
        'not-an-address',
        "203.0.113.7' OR '1'='1",
        '1.2.3.4.5',
      ]) {
        for (const path of ['/api/signin', '/api/signup']) {
          const response = await from(`198.51.100.1, ${hop}`, path, {
            username: uniqueUsername(),
            password: goodPassword,
          });
          expect(response.status, `${path} from ${hop.slice(0, 20)}`).toBe(400);
          expect((await jsonOf(response)).error.code).toBe('invalid_input');
        }
      }
      // A hop with a port, as some proxies write it, is the address without it.
      const withPort = await from('203.0.113.9:4711', '/api/signin', {
        username,
        password: 'wrong password',
      });
      expect(withPort.status).toBe(401);
      const counted = await db
        .selectFrom('throttle_event')
        .select('client_address')
        .where('client_address', 'like', '203.0.113.9%')
        .execute();
      expect(counted).toEqual([{ client_address: '203.0.113.9' }]);
    });
  });
}
