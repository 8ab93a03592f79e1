import { describe, expect, it } from 'vitest';
import { describeDuration } from './describe-duration.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

describe('describeDuration', () => {
  it('says a duration in its largest whole unit, rounded', () => {
    expect(describeDuration(29.99 * day)).toBe('30 days');
    expect(describeDuration(day)).toBe('1 day');
    expect(describeDuration(2.4 * hour)).toBe('2 hours');
    expect(describeDuration(90 * second)).toBe('2 minutes');
    expect(describeDuration(59 * second)).toBe('59 seconds');
  });

  it('never says less than one second', () => {
    expect(describeDuration(1)).toBe('1 second');
    expect(describeDuration(0)).toBe('1 second');
  });
});
