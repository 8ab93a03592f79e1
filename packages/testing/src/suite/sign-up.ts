import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, sessionCookieOf } from '../test-client.ts';

export function describeSignUp(harness: Harness) {
  describe(`${harness.dialect.name}: sign-up`, () => {
    it('creates the account, signs it in, and stores an Argon2id hash', async () => {
      const { client, db } = harness.main;
      const username = uniqueUsername();
      const response = await client().post('/api/signup', { username, password: goodPassword });

      expect(response.status).toBe(201);
      const body = await jsonOf(response);
      expect(body).toEqual({ user: { id: expect.any(String), username } });
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(sessionCookieOf(response)?.value).toMatch(/^[a-z2-7]{52}$/);

      const key = await db
        .selectFrom('key')
        .selectAll()
        .where('id', '=', `username:${username}`)
        .executeTakeFirstOrThrow();
      expect(key.user_id).toBe(body.user.id);
      expect(key.hashed_password).toMatch(/^\$argon2id\$/);
      expect(parseOptions(key.hashed_password ?? '')).toMatchObject({
        memoryCost: 19456,
        timeCost: 2,
        parallelism: 1,
      });
      const sessions = await db
        .selectFrom('session')
        .select('id')
        .where('user_id', '=', body.user.id)
        .execute();
      expect(sessions).toHaveLength(1);
    });

    it('stores the username in lower case: Alice and alice are one account', async () => {
      const { client, db } = harness.main;
      const username = uniqueUsername('Mixed');
      const first = await client().post('/api/signup', { username, password: goodPassword });
      expect((await jsonOf(first)).user.username).toBe(username.toLowerCase());

      const second = await client().post('/api/signup', {
        username: username.toLowerCase(),
        password: goodPassword,
      });
      expect(second.status).toBe(409);
      expect((await jsonOf(second)).error.code).toBe('username_taken');
      const rows = await db
        .selectFrom('user')
        .select('id')
        .where('username', '=', username.toLowerCase())
        .execute();
      expect(rows).toHaveLength(1);
    });

    it.each([
      ['too short', 'ab'],
      ['too long', 'a'.repeat(32)],
      ['a space', 'al ice'],
      ['a dot', 'al.ice'],
      ['a non-ASCII letter', 'alïce'],
      // Lower-cased, U+212A KELVIN SIGN is an ASCII k: the rule is checked on what was typed.
      ['a Kelvin sign that lower-cases to k', '\u212Aelvin77'],
    ])('refuses a username with %s and writes nothing', async (_, username) => {
      const { client, db } = harness.main;
      const before = await db
        .selectFrom('user')
        .select(db.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const response = await client().post('/api/signup', { username, password: goodPassword });
      expect(response.status).toBe(400);
      const { error } = await jsonOf(response);
      expect(error).toMatchObject({
        code: 'invalid_input',
        fields: { username: expect.any(String) },
      });
      const after = await db
        .selectFrom('user')
        .select(db.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      expect(after?.n).toBe(before?.n);
    });

    it('signs no one in by a name that is an account’s only once lower-cased from outside ASCII', async () => {
      const { client } = harness.main;
      const username = uniqueUsername('kelvin');
      await client().post('/api/signup', { username, password: goodPassword });
      const lookalike = `\u212A${username.slice(1).toUpperCase()}`;
      expect(lookalike.toLowerCase()).toBe(username);
      const response = await client().post('/api/signin', {
        username: lookalike,
        password: goodPassword,
      });
      expect(response.status).toBe(401);
      expect((await jsonOf(response)).error.code).toBe('invalid_credentials');
      const typed = await client().post('/api/signin', {
        username: username.toUpperCase(),
        password: goodPassword,
      });
      expect(typed.status).toBe(200);
    });

    it('counts password length in characters: 8 emoji pass, 7 do not', async () => {
      const { client } = harness.main;
      const seven = await client().post('/api/signup', {
        username: uniqueUsername(),
        password: '🔑'.repeat(7),
      });
      expect(seven.status).toBe(400);
      expect((await jsonOf(seven)).error.fields).toHaveProperty('password');

      const eight = await client().post('/api/signup', {
        username: uniqueUsername(),
        password: '🔑'.repeat(8),
      });
      expect(eight.status).toBe(201);
    });

    it('takes a 256-character password whole and refuses 257', async () => {
      const { client } = harness.main;
      const username = uniqueUsername();
      const longest = `${'x'.repeat(255)}é`;
      expect((await client().post('/api/signup', { username, password: longest })).status).toBe(
        201,
      );
      const shortened = await client().post('/api/signin', {
        username,
        password: longest.slice(0, -1),
      });
      expect(shortened.status).toBe(401);
      const tooLong = await client().post('/api/signup', {
        username: uniqueUsername(),
        password: 'x'.repeat(257),
      });
      expect(tooLong.status).toBe(400);
    });

    it('answers missing fields with invalid_input naming each', async () => {
      const response = await harness.main.client().post('/api/signup', {});
      expect(response.status).toBe(400);
      const { error } = await jsonOf(response);
      expect(error.code).toBe('invalid_input');
      expect(Object.keys(error.fields).sort()).toEqual(['password', 'username']);
    });
  });
}
