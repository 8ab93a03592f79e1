import { describe, expect, it } from 'vitest';
import { countedAddress, usernameLockWait } from './throttle.ts';

describe('countedAddress', () => {
  it('counts an IPv4 address as it is, also when reported IPv4-mapped', () => {
    expect(countedAddress('203.0.113.5')).toBe('203.0.113.5');
    expect(countedAddress('::ffff:203.0.113.5')).toBe('203.0.113.5');
  });

  it('counts an IPv6 address by its /64', () => {
    expect(countedAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(countedAddress('2001:db8:1:2::1')).toBe(countedAddress('2001:db8:1:2:ffff::9'));
    expect(countedAddress('2001:db8:1:3::1')).not.toBe(countedAddress('2001:db8:1:2::1'));
  });

  it('counts anything else as it is', () => {
    expect(countedAddress('unknown')).toBe('unknown');
  });
});

describe('usernameLockWait', () => {
  const now = 1_000_000_000;

  it('lets the first four failures go without a wait', () => {
    for (let failures = 0; failures < 5; failures += 1) {
      expect(usernameLockWait(failures, now, now)).toBe(0);
    }
  });

  it('locks for 2^(n-5) seconds after the n-th failure, counted from that failure', () => {
    expect(usernameLockWait(5, now, now)).toBe(1);
    expect(usernameLockWait(8, now, now)).toBe(8);
    expect(usernameLockWait(8, now - 3000, now)).toBe(5);
    expect(usernameLockWait(8, now - 8000, now)).toBe(0);
  });

  it('never locks for more than 15 minutes', () => {
    expect(usernameLockWait(15, now, now)).toBe(15 * 60);
    expect(usernameLockWait(60, now, now)).toBe(15 * 60);
  });
});
