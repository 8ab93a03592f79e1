import { describe, expect, it } from 'vitest';
import { countingHasher } from '../counting-hasher.ts';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, sessionCookieOf, sessionRowId } from '../test-client.ts';

export function describeSignIn(harness: Harness) {
  async function signUp(username = uniqueUsername(), password = goodPassword) {
    const response = await harness.main.client().post('/api/signup', { username, password });
    expect(response.status).toBe(201);
    return { username, password, id: (await jsonOf(response)).user.id as string };
  }

  describe(`${harness.dialect.name}: sign-in`, () => {
    it('signs in with the right password and sets a new session cookie', async () => {
      const account = await signUp();
      const client = harness.main.client();
      const response = await client.post('/api/signin', {
        username: account.username.toUpperCase(),
        password: account.password,
      });
      expect(response.status).toBe(200);
      expect(await jsonOf(response)).toEqual({
        user: { id: account.id, username: account.username },
      });
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(client.cookie).toMatch(/^[a-z2-7]{52}$/);
      expect((await client.get('/api/me')).status).toBe(200);
    });

    it('answers an unknown user exactly like a wrong password', async () => {
      const account = await signUp();
      const wrong = await harness.main
        .client()
        .post('/api/signin', { username: account.username, password: 'not the password' });
      const unknown = await harness.main
        .client()
        .post('/api/signin', { username: uniqueUsername('nobody'), password: 'not the password' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const wrongBody = await wrong.text();
      expect(await unknown.text()).toBe(wrongBody);
      expect(JSON.parse(wrongBody).error.code).toBe('invalid_credentials');
      expect(sessionCookieOf(wrong)).toBeNull();
    });

    it('answers a username that breaks the rules as wrong credentials, not invalid input', async () => {
      const response = await harness.main
        .client()
        .post('/api/signin', { username: 'no', password: goodPassword });
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).error.code).toBe('invalid_credentials');
    });

    // MySQL's binary collation pads spaces ('alice ' = 'alice'), PostgreSQL
    // refuses a NUL byte: a name outside the policy must never reach a lookup.
    it('never lets a name outside the policy reach an account: answered like a wrong password, at one verification', async () => {
      const passwords = countingHasher();
      const opened = await harness.open({ passwords });
      const username = uniqueUsername();
      await opened.client().post('/api/signup', { username, password: goodPassword });
      const wrong = await opened
        .client()
        .post('/api/signin', { username, password: 'not the password' });
      const answer = await wrong.text();
      for (const variant of [
        `${username} `,
        `${username}   `,
        `${username.toUpperCase()} `,
        `${username}\u0000`,
        `${username}\t`,
        ` ${username}`,
        `${username}\u00a0`,
      ]) {
        const client = opened.client();
        const verifies = passwords.verifies;
        const response = await client.post('/api/signin', {
          username: variant,
          password: goodPassword,
        });
        expect(response.status, JSON.stringify(variant)).toBe(401);
        expect(await response.text()).toBe(answer);
        expect(passwords.verifies - verifies).toBe(1);
        expect(client.cookie).toBeNull();
      }
    });

    it('does not trim the password', async () => {
      const account = await signUp(uniqueUsername(), '  padded password  ');
      const trimmed = await harness.main
        .client()
        .post('/api/signin', { username: account.username, password: 'padded password' });
      expect(trimmed.status).toBe(401);
      const exact = await harness.main
        .client()
        .post('/api/signin', { username: account.username, password: account.password });
      expect(exact.status).toBe(200);
    });

    it('ends the session it replaces', async () => {
      const account = await signUp();
      const client = harness.main.client();
      await client.post('/api/signin', { username: account.username, password: account.password });
      const first = client.cookie;
      await client.post('/api/signin', { username: account.username, password: account.password });
      expect(client.cookie).not.toBe(first);
      const rows = await harness.main.db
        .selectFrom('session')
        .select('id')
        .where('user_id', '=', account.id)
        .execute();
      expect(rows.map((row) => row.id)).not.toContain(sessionRowId(first));
      expect(rows.map((row) => row.id)).toContain(sessionRowId(client.cookie));
    });
  });
}
