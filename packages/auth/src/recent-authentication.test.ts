import { describe, expect, it } from 'vitest';
import { isRecentlyAuthenticated } from './recent-authentication.ts';

const minute = 60_000;
const now = Date.parse('2026-12-07T12:00:00Z');

describe('isRecentlyAuthenticated', () => {
  it('takes a proof of identity within the last 10 minutes', () => {
    expect(isRecentlyAuthenticated(new Date(now - 9 * minute), now)).toBe(true);
    expect(isRecentlyAuthenticated(new Date(now - 10 * minute + 1), now)).toBe(true);
  });

  it('refuses one 10 minutes old or older', () => {
    expect(isRecentlyAuthenticated(new Date(now - 10 * minute), now)).toBe(false);
    expect(isRecentlyAuthenticated(new Date(now - 11 * minute), now)).toBe(false);
  });

  it('refuses a time in the future (a clock that cannot be trusted) and an invalid date', () => {
    expect(isRecentlyAuthenticated(new Date(now + 5 * minute), now)).toBe(false);
    expect(isRecentlyAuthenticated(new Date(Number.NaN), now)).toBe(false);
  });
});
