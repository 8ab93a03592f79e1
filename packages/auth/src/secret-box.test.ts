import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, open, parseEncryptionKey, seal } from './secret-box.ts';

describe('secret box', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and the box does not hold the plaintext', () => {
    const box = seal(key, 'JBSWY3DPEHPK3PXP');
    expect(isSealed(box)).toBe(true);
    expect(box).not.toContain('JBSWY3DPEHPK3PXP');
    expect(open(key, box)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('seals the same text differently each time', () => {
    expect(seal(key, 'a')).not.toBe(seal(key, 'a'));
  });

  it('refuses another key and a changed box', () => {
    const box = seal(key, 'secret');
    expect(open(randomBytes(32), box)).toBeNull();
    const parts = box.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(open(key, parts.join('.'))).toBeNull();
    expect(open(key, 'JBSWY3DPEHPK3PXP')).toBeNull();
    expect(isSealed('JBSWY3DPEHPK3PXP')).toBe(false);
  });

  it('takes 32 bytes of base64 as a key, and nothing else', () => {
    expect(parseEncryptionKey(randomBytes(32).toString('base64'))?.length).toBe(32);
    expect(parseEncryptionKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseEncryptionKey(randomBytes(33).toString('base64'))).toBeNull();
    expect(parseEncryptionKey('not a key')).toBeNull();
  });
});
