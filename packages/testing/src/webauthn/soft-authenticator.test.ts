import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticatorData, flags } from './soft-authenticator.ts';

describe('authenticatorData', () => {
  it('lays out the RP id hash, the flags and a big-endian counter (WebAuthn §6.1)', () => {
    const data = authenticatorData('localhost', flags.UP | flags.UV, 0x01020304);
    expect(data).toHaveLength(37);
    expect(data.subarray(0, 32)).toEqual(createHash('sha256').update('localhost').digest());
    expect(data[32]).toBe(0x05);
    expect([...data.subarray(33, 37)]).toEqual([1, 2, 3, 4]);
  });

  it('appends the attested credential data after the counter', () => {
    const attested = new Uint8Array([9, 8, 7]);
    const data = authenticatorData('example.test', flags.AT, 0, attested);
    expect(data).toHaveLength(40);
    expect([...data.subarray(37)]).toEqual([9, 8, 7]);
  });
});
