import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, TestClient } from '../test-client.ts';

const endpoints = [
  ['POST', '/api/signup'],
  ['POST', '/api/signin'],
  ['POST', '/api/password'],
  ['POST', '/api/signout'],
  ['GET', '/api/me'],
  ['GET', '/api/sessions'],
  ['DELETE', '/api/sessions'],
  ['DELETE', '/api/sessions/x7Jd0aQ'],
] as const;

/** A header value a client can send: printable ASCII. */
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);

/** Bodies that are mostly almost right: the right keys with wrong values, and worse. */
const bodies = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        username: fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.stringMatching(/^[a-z]{3,8}$/),
          // Control characters (a NUL byte) and any code point: what a
          // database may refuse, pad or fold.
          fc.string({ unit: 'binary-ascii', maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.stringMatching(/^[a-z]{3,8}$/).map((name) => `${name}\u0000`),
        ),
        password: fc.oneof(fc.string(), fc.array(fc.string()), fc.constant({})),
        currentPassword: fc.oneof(fc.string(), fc.boolean()),
        newPassword: fc.string({ maxLength: 300 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

export function describeBadInput(harness: Harness) {
  async function counts() {
    const { db } = harness.main;
    const count = async (table: 'user' | 'key' | 'session') =>
      (
        await db
          .selectFrom(table)
          .select(db.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    return { user: await count('user'), key: await count('key'), session: await count('session') };
  }

  describe(`${harness.dialect.name}: bad input`, () => {
    it('answers random bodies, headers and content types on every JSON endpoint without a 5xx, and a refused one changes nothing', async () => {
      const signedIn = harness.main.client();
      await signedIn.post('/api/signup', { username: uniqueUsername(), password: goodPassword });
      const cookie = signedIn.cookie;

      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...endpoints),
          contentTypes,
          bodies,
          fc.boolean(),
          fc.constantFrom('http://localhost:3000', 'https://evil.example', ''),
          fc.dictionary(
            fc.constantFrom(
              'X-Forwarded-For',
              'Accept',
              'Content-Length-Hint',
              'Cookie',
              'X-Request-Id',
            ),
            headerValue,
          ),
          async ([method, path], contentType, body, withCookie, origin, extra) => {
            const client = new TestClient(
              harness.main.app,
              'http://localhost:3000',
              harness.received,
            );
            client.cookie = withCookie ? cookie : null;
            const headers: Record<string, string> = { ...extra, Origin: origin };
            if (contentType) headers['Content-Type'] = contentType;
            const before = await counts();
            const response = await client.request(method, path, {
              headers,
              body: method === 'GET' ? undefined : body,
            });
            expect(response.status).toBeLessThan(500);
            if (response.status >= 400) {
              expect(await counts()).toEqual(before);
              expect((await jsonOf(response)).error.code).toEqual(expect.any(String));
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}
