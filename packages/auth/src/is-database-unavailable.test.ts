import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './is-database-unavailable.ts';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a PostgreSQL shutdown (57P01)', withCode('57P01')],
    ['a lost mysql2 connection', withCode('PROTOCOL_CONNECTION_LOST')],
    ['a busy SQLite database', withCode('SQLITE_BUSY')],
    ['pg: a connection dropped', new Error('Connection terminated unexpectedly')],
    // pg's client, at the limit on connecting that the app sets on it.
    ['pg: a connection not opened within its limit', new Error('timeout expired')],
  ])('takes %s for an unavailable database', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('ER_PARSE_ERROR')],
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['a message that only mentions a timeout', new Error('the timeout expired for the hash')],
    ['no error at all', 'timeout expired'],
  ])('does not take %s for one', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
