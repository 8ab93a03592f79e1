import { describe, expect, it } from 'vitest';
import { isWriteConflict, retryOnConflict } from './retry-on-conflict.ts';

// The errors as the drivers shape them: pg's SQLSTATE, mysql2's code (1213 is
// also a Galera node's answer to a COMMIT that lost certification).
const galeraConflict = Object.assign(new Error('WSREP detected deadlock/conflict'), {
  code: 'ER_LOCK_DEADLOCK',
  errno: 1213,
});
const postgresDeadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
const duplicate = Object.assign(new Error('duplicate key'), { code: '23505' });

describe('isWriteConflict', () => {
  it('knows the conflicts of both servers, and nothing else', () => {
    expect(isWriteConflict(galeraConflict)).toBe(true);
    expect(isWriteConflict(postgresDeadlock)).toBe(true);
    expect(isWriteConflict({ code: '40001' })).toBe(true);
    expect(isWriteConflict(duplicate)).toBe(false);
    expect(isWriteConflict(new Error('no code'))).toBe(false);
    expect(isWriteConflict(null)).toBe(false);
  });
});

describe('retryOnConflict', () => {
  it('runs the work again while it loses conflicts', async () => {
    let runs = 0;
    const result = await retryOnConflict(async () => {
      runs += 1;
      if (runs < 3) throw galeraConflict;
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(runs).toBe(3);
  });

  it('throws any other error at once', async () => {
    let runs = 0;
    await expect(
      retryOnConflict(async () => {
        runs += 1;
        throw duplicate;
      }),
    ).rejects.toBe(duplicate);
    expect(runs).toBe(1);
  });

  it('gives up after six runs, with the last conflict', async () => {
    let runs = 0;
    await expect(
      retryOnConflict(async () => {
        runs += 1;
        throw postgresDeadlock;
      }),
    ).rejects.toBe(postgresDeadlock);
    expect(runs).toBe(6);
  });
});
