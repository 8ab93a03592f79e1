import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { StatementCache } from './statement-cache.ts';

// A real SQLite database in memory, through Node.js's own driver (node:sqlite),
// since this package depends on no driver; the apps' suite runs the cache
// under Kysely and Lucia with better-sqlite3.
function openCache(limit?: number) {
  const connection = new DatabaseSync(':memory:');
  connection.exec('create table t (id integer primary key, name text)');
  return { connection, cache: new StatementCache(connection, { limit }) };
}

describe('StatementCache', () => {
  it('hands out one statement per SQL text, and it runs again with new values', () => {
    const { cache } = openCache();
    const insert = cache.prepare('insert into t (name) values (?)');
    expect(cache.prepare('insert into t (name) values (?)')).toBe(insert);
    insert.run('a');
    cache.prepare('insert into t (name) values (?)').run('b');
    const select = cache.prepare('select name from t where id = ?');
    expect(select).not.toBe(insert);
    expect(select.get(2)).toEqual({ name: 'b' });
    expect(cache.prepare('select name from t where id = ?').get(1)).toEqual({ name: 'a' });
    expect(cache.size).toBe(2);
  });

  it('keeps statements across a transaction, and SQLite re-prepares one after a schema change', () => {
    const { cache } = openCache();
    const count = () => cache.prepare('select count(*) as n from t').get();
    cache.prepare('begin').run();
    cache.prepare('insert into t (name) values (?)').run('a');
    cache.prepare('rollback').run();
    expect(count()).toEqual({ n: 0 });
    cache.prepare('begin').run();
    cache.prepare('insert into t (name) values (?)').run('b');
    cache.prepare('commit').run();
    expect(count()).toEqual({ n: 1 });
    cache.prepare('alter table t add column extra integer').run();
    expect(cache.prepare('select * from t').all()).toEqual([{ id: 1, name: 'b', extra: null }]);
  });

  it('keeps at most `limit` statements, dropping the least recently used', () => {
    const { cache } = openCache(2);
    const first = cache.prepare('select 1');
    const second = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(first);
    cache.prepare('select 3');
    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(first);
    expect(cache.prepare('select 2')).not.toBe(second);
  });

  it('closes the connection', () => {
    const { connection, cache } = openCache();
    cache.prepare('select 1');
    cache.close();
    expect(connection.isOpen).toBe(false);
    expect(cache.size).toBe(0);
  });
});
