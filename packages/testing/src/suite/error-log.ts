import { describe, expect, it } from 'vitest';
import { findLogLeaks } from '../find-log-leaks.ts';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';

export function describeErrorLog(harness: Harness) {
  describe(`${harness.dialect.name}: error log`, () => {
    // mysql2 gives its errors the statement with its values inlined (`sql`),
    // pg its `detail` and `where`: a whole error object in a log line would
    // carry a password hash or a username with them.
    it('logs a database error by its code and message: never its SQL, values or hash', async () => {
      const { client, db, logLines } = await harness.open();
      const owner = client();
      await owner.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      // From here on, every statement that reads or writes a password hash fails.
      await db.schema.alterTable('key').renameColumn('hashed_password', 'password_hash').execute();

      const signup = await client().post('/api/signup', {
        username: uniqueUsername(),
        password: goodPassword,
      });
      expect(signup.status).toBe(500);
      const change = await owner.post('/api/password', {
        currentPassword: goodPassword,
        newPassword: 'a new and different passphrase',
      });
      expect(change.status).toBe(500);

      const lines = logLines();
      const errors = lines.map((line) => JSON.parse(line)).filter((entry) => entry.err);
      expect(errors).toHaveLength(2);
      for (const { err, requestId } of errors) {
        expect(requestId).toEqual(expect.any(String));
        expect(err).toEqual({
          type: expect.any(String),
          code: expect.any(String),
          message: expect.stringContaining('hashed_password'),
        });
      }
      expect(findLogLeaks(lines, [])).toEqual([]);
    });
  });
}
