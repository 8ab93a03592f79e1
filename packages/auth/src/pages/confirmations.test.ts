import { describe, expect, it } from 'vitest';
import { confirmations, confirmedPath, readConfirmation } from './confirmations.ts';

describe('readConfirmation', () => {
  it('answers the fixed sentence of a known key', () => {
    expect(readConfirmation('signed-in')).toBe(confirmations['signed-in']);
    expect(confirmedPath('/account', 'password-changed')).toBe('/account?done=password-changed');
  });

  it('answers nothing for a missing or unknown key, or a name of Object.prototype', () => {
    for (const done of [undefined, '', 'you-won', 'constructor', '__proto__', 'toString']) {
      expect(readConfirmation(done)).toBeNull();
    }
  });
});
