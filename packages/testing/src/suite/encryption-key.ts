import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import {
  processTestTimeoutMs,
  startAppProcess,
  stopProcess,
  waitForServing,
} from '../app-process.ts';
import type { Harness } from '../harness.ts';
import { cookieHeaderOf } from '../test-client.ts';

/**
 * docs/API.md, `AUTH_ENCRYPTION_KEY`, as a process reads it at start: a
 * malformed key stops it naming the variable, none is warned of once, and a
 * key that cannot open the stored TOTP secrets is said at start.
 */
export function describeEncryptionKey(harness: Harness) {
  const { variable } = harness.dialect;
  const main = harness.options.main;
  const password = 'a long enough password';

  /** Signs up on a process and turns TOTP on: a secret stored with the process's key. */
  async function turnTotpOn(url: string, origin: string) {
    const post = (path: string, body: unknown, cookie = '') =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/json', Cookie: cookie },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const cookie = cookieHeaderOf(await post('/api/signup', { username: 'sealed', password }));
    const { secret } = (await (await post('/api/totp', undefined, cookie)).json()) as {
      secret: string;
    };
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    expect((await post('/api/totp/confirm', { code }, cookie)).status).toBe(200);
  }

  describe(`${harness.dialect.name}: AUTH_ENCRYPTION_KEY at start`, {
    timeout: processTestTimeoutMs,
  }, () => {
    it('stops on a malformed key with one line naming the variable, never its value', async () => {
      const value = randomBytes(16).toString('base64');
      const run = startAppProcess(main, { AUTH_ENCRYPTION_KEY: value });
      expect(await run.exited).toBe(1);
      const lines = run.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('AUTH_ENCRYPTION_KEY');
      expect(run.output()).not.toContain(value);
    });

    it('warns once without a key, and says at start when the key cannot open the stored secrets', async () => {
      const database = await harness.createDatabase();
      const unset = startAppProcess(main, { [variable.name]: database.location });
      await waitForServing(unset);
      expect(unset.output().split('AUTH_ENCRYPTION_KEY is not set').length - 1).toBe(1);
      expect(await stopProcess(unset)).toBe(0);

      const key = randomBytes(32).toString('base64');
      const first = startAppProcess(main, {
        [variable.name]: database.location,
        AUTH_ENCRYPTION_KEY: key,
      });
      const { url, origin } = await waitForServing(first);
      expect(first.output()).not.toContain('AUTH_ENCRYPTION_KEY');
      await turnTotpOn(url, origin);
      expect(await stopProcess(first)).toBe(0);

      const other = startAppProcess(main, {
        [variable.name]: database.location,
        AUTH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      });
      await waitForServing(other);
      expect(other.output()).toContain('AUTH_ENCRYPTION_KEY cannot open the stored TOTP secrets');
      expect(other.output()).not.toContain(key);
      expect(await stopProcess(other)).toBe(0);
    });
  });
}
