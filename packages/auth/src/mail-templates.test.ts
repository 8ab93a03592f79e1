import { describe, expect, it } from 'vitest';
import { composeMail } from './mail-templates.tsx';
import type { MailKind } from './outbox.ts';

const kinds: MailKind[] = [
  'email_code',
  'email_taken',
  'password_reset',
  'password_changed',
  'password_reset_done',
  'email_changed',
  'email_removed',
  'provider_linked',
  'passkey_added',
  'passkey_removed',
];
const origin = 'https://auth.example.com';
const payload = {
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  clientAddress: '203.0.113.7',
  browser: 'Firefox',
};

describe('composeMail', () => {
  it.each(kinds)(
    'makes %s a subject, a text and an HTML body that name the origin, when and from where',
    (kind) => {
      const mail = composeMail(kind, { origin, payload });
      expect(mail.subject).toContain(origin);
      for (const body of [mail.text, mail.html]) {
        expect(body).toContain(origin);
        expect(body).toContain('203.0.113.7');
        expect(body).toContain('Firefox');
        expect(body).toContain('Fri, 02 Jan 2026 03:04:05 GMT');
      }
    },
  );

  it('carries the code and the link it is given, in both bodies, and escapes what it names in HTML', () => {
    const code = composeMail('email_code', { origin, payload, code: '01234567' });
    expect(code.text).toContain('01234567');
    expect(code.html).toContain('01234567');
    const link = `${origin}/reset-password?token=abc_DEF-123`;
    const reset = composeMail('password_reset', {
      origin,
      payload: { ...payload, browser: '<script>x</script>' },
      link,
    });
    expect(reset.text).toContain(link);
    expect(reset.html).toContain(`href="${link}"`);
    expect(reset.html).not.toContain('<script>');
  });
});
