import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { SqliteTimestamps } from './sqlite-timestamps.ts';

// Compiles queries without a database: the plugin's work is on the query tree.
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
  plugins: [new SqliteTimestamps()],
});

const moment = new Date('2026-01-02T03:04:05.678Z');
const seconds = Math.floor(moment.getTime() / 1000);

describe('SqliteTimestamps', () => {
  it('binds a Date as whole seconds, in values, comparisons and lists', () => {
    const update = db
      .updateTable('session')
      .set({ expires_at: moment })
      .where('id', '=', 'x')
      .where('created_at', '<', moment)
      .compile();
    expect(update.parameters).toEqual([seconds, 'x', seconds]);
    const list = db
      .selectFrom('session')
      .select('id')
      .where('expires_at', 'in', [moment, moment])
      .compile();
    expect(list.parameters).toEqual([seconds, seconds]);
  });

  it('leaves other values as they are', () => {
    const insert = db
      .insertInto('throttle_event')
      .values({ kind: 'signup', client_address: '203.0.113.5', at_ms: 1234, attempt_id: null })
      .compile();
    expect(insert.parameters).toEqual(['signup', '203.0.113.5', 1234, null]);
  });

  it('reads a number from a column named *_at as a Date, and nothing else', async () => {
    const result = await new SqliteTimestamps().transformResult({
      queryId: { queryId: 'q' },
      result: {
        rows: [{ created_at: seconds, expires_at: null, at_ms: 5, id: 'x', last_failure_ms: 7 }],
      },
    });
    expect(result.rows).toEqual([
      {
        created_at: new Date(seconds * 1000),
        expires_at: null,
        at_ms: 5,
        id: 'x',
        last_failure_ms: 7,
      },
    ]);
  });
});
