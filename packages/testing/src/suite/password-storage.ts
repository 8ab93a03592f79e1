import { hash, parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { countingHasher } from '../counting-hasher.ts';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';

export function describePasswordStorage(harness: Harness) {
  describe(`${harness.dialect.name}: password storage`, () => {
    it('rehashes a hash made with weaker parameters at the next successful sign-in', async () => {
      const { client, db } = harness.main;
      const username = uniqueUsername();
      await client().post('/api/signup', { username, password: goodPassword });
      const weak = await hash(goodPassword, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
      const key = `username:${username}`;
      await db.updateTable('key').set({ hashed_password: weak }).where('id', '=', key).execute();

      expect(
        (await client().post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(200);
      const { hashed_password } = await db
        .selectFrom('key')
        .select('hashed_password')
        .where('id', '=', key)
        .executeTakeFirstOrThrow();
      expect(hashed_password).not.toBe(weak);
      expect(parseOptions(hashed_password ?? '')).toMatchObject({ memoryCost: 19456, timeCost: 2 });
      expect(
        (await client().post('/api/signin', { username, password: goodPassword })).status,
      ).toBe(200);
    });

    it('costs an unknown username one Argon2 verification, as a known one', async () => {
      const passwords = countingHasher();
      const { client } = await harness.open({ passwords });
      const username = uniqueUsername();
      await client().post('/api/signup', { username, password: goodPassword });

      const before = passwords.verifies;
      await client().post('/api/signin', { username, password: 'wrong password' });
      expect(passwords.verifies - before).toBe(1);
      await client().post('/api/signin', {
        username: uniqueUsername('ghost'),
        password: 'whatever',
      });
      expect(passwords.verifies - before).toBe(2);
      await client().post('/api/signin', { username: '!!', password: 'whatever' });
      expect(passwords.verifies - before).toBe(3);
    });

    it('refuses a password from the common-password list', async () => {
      for (const password of ['password1', 'qwertyuiop', 'Iloveyou123']) {
        const response = await harness.main
          .client()
          .post('/api/signup', { username: uniqueUsername(), password });
        expect(response.status).toBe(400);
      }
    });
  });
}
