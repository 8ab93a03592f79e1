import { describe, expect, it } from 'vitest';
import { goodPassword, type Harness, uniqueUsername } from '../harness.ts';
import { jsonOf, sessionCookieOf, type TestClient } from '../test-client.ts';

/** The inputs of a page that a person fills in, with the text of their labels. */
function visibleInputs(html: string) {
  const inputs = [...html.matchAll(/<input ([^>]*)\/?>/g)]
    .map((match) => match[1] ?? '')
    .filter((attributes) => !/type="hidden"|\shidden(=""|\s|$)/.test(attributes));
  return inputs.map((attributes) => {
    const id = attributes.match(/id="([^"]+)"/)?.[1];
    const label = id ? html.match(new RegExp(`<label for="${id}">([^<]+)</label>`))?.[1] : null;
    return { id, label, autocomplete: attributes.match(/autocomplete="([^"]+)"/)?.[1] };
  });
}

/** The opaque session handles of the revoke buttons of `/account`. */
function revokeHandles(html: string): string[] {
  return [...html.matchAll(/name="session" value="([^"]+)"/g)].map((match) => match[1] ?? '');
}

export function describePages(harness: Harness) {
  async function signedUp(client: TestClient = harness.main.client()) {
    const username = uniqueUsername();
    const response = await client.postForm('/signup', { username, password: goodPassword });
    expect(response.status).toBe(303);
    return { client, username, response };
  }

  describe(`${harness.dialect.name}: pages`, () => {
    it('serves each page as HTML, never cached, under the same CSP, with a label and autocomplete for every field', async () => {
      const { client } = await signedUp();
      const expected: Record<string, Record<string, string>> = {
        '/': {},
        '/signup': { username: 'username', password: 'new-password' },
        '/signin': { username: 'username', password: 'current-password' },
        '/account': {
          currentPassword: 'current-password',
          newPassword: 'new-password',
          'delete-confirm': 'off',
          'passkey-name': 'off',
        },
      };
      for (const [path, fields] of Object.entries(expected)) {
        const response = await client.get(path);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
        expect(response.headers.get('Cache-Control')).toBe('no-store');
        expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
        // Under no-referrer a browser posts forms with `Origin: null`, which the check refuses.
        expect(response.headers.get('Referrer-Policy')).toBe('same-origin');
        const inputs = visibleInputs(await response.text());
        expect(
          Object.fromEntries(inputs.map((input) => [input.id, input.autocomplete])),
          path,
        ).toEqual(fields);
        for (const input of inputs) expect(input.label, `${path} #${input.id}`).toBeTruthy();
      }
      const css = await client.get('/style.css');
      expect(css.headers.get('Content-Type')).toMatch(/^text\/css/);
    });

    it('redirects /account to /signin without a session', async () => {
      const response = await harness.main.client().get('/account');
      expect(response.status).toBe(302);
      expect(response.headers.get('Location')).toBe('/signin');
    });

    it('refuses a form posted without the right Origin, before any work', async () => {
      const username = uniqueUsername();
      const body = () => new URLSearchParams({ username, password: goodPassword });
      const origins: Record<string, string>[] = [{ Origin: 'https://evil.example' }, {}];
      for (const headers of origins) {
        const response = await harness.main.app.request('/signup', {
          method: 'POST',
          headers,
          body: body(),
        });
        expect(response.status).toBe(403);
        expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
      }
      const users = await harness.main.db
        .selectFrom('user')
        .select('id')
        .where('username', '=', username)
        .execute();
      expect(users).toEqual([]);
    });

    it('says, when it refuses a form from another address of the app, which address to open, links to it, and logs it', async () => {
      const { app, origin, logLines } = await harness.open();
      // The app reached as http://127.0.0.1:3000 while ORIGIN names localhost.
      const response = await app.request('/signin', {
        method: 'POST',
        headers: { Origin: 'http://127.0.0.1:3000' },
        body: new URLSearchParams({ username: uniqueUsername(), password: goodPassword }),
      });
      expect(response.status).toBe(403);
      const page = await response.text();
      expect(page).toContain(`Open ${origin}`);
      // The way on is a link to ORIGIN: a relative one would stay on 127.0.0.1,
      // where every form is refused again.
      expect(page).toContain(`<a href="${origin}/">`);
      expect(page).not.toContain('<a href="/">');
      expect(logLines().map((line) => JSON.parse(line))).toContainEqual(
        expect.objectContaining({
          level: 30,
          event: 'forbidden_origin',
          origin: 'http://127.0.0.1:3000',
        }),
      );
    });

    it('signs up with a form: 303, the API’s session cookie, and an account the API knows', async () => {
      const { client, username, response } = await signedUp();
      expect(response.headers.get('Location')).toBe('/?done=signed-up');
      const cookie = sessionCookieOf(response);
      expect(cookie?.attributes.has('httponly')).toBe(true);
      expect(cookie?.attributes.get('samesite')).toBe('Lax');
      expect(cookie?.attributes.get('path')).toBe('/');
      expect(cookie?.attributes.get('max-age')).toBe(String(30 * 24 * 60 * 60));
      const me = await client.get('/api/me');
      expect((await jsonOf(me)).user.username).toBe(username);
      const home = await (await client.get('/?done=signed-up')).text();
      expect(home).toContain(username);
      expect(home).toContain('Your account is ready');
    });

    it('shows a refused sign-up again: each rule beside its field, the username kept and escaped', async () => {
      const client = harness.main.client();
      const typed = '<script>x</script>';
      const response = await client.postForm('/signup', { username: typed, password: 'short' });
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).not.toContain(typed);
      expect(html).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
      expect(html).toMatch(/id="username-error">Use 3 to 31 characters/);
      expect(html).toMatch(/id="password-error">Use at least 8 characters/);
      expect(client.cookie).toBeNull();

      const { username } = await signedUp();
      const taken = await client.postForm('/signup', { username, password: goodPassword });
      expect(taken.status).toBe(409);
      expect(await taken.text()).toMatch(/id="username-error">That username is taken/);
    });

    it('answers a wrong password and an unknown user alike, then throttles with Retry-After', async () => {
      const opened = await harness.open({ limits: { signinPerAddress: 2, signupPerAddress: 30 } });
      const username = uniqueUsername();
      await opened.client().postForm('/signup', { username, password: goodPassword });
      const client = opened.client();
      const pages = [];
      for (const attempt of [username, uniqueUsername()]) {
        const response = await client.postForm('/signin', {
          username: attempt,
          password: 'wrong password',
        });
        expect(response.status).toBe(401);
        pages.push((await response.text()).replace(attempt, 'NAME'));
      }
      expect(pages[0]).toBe(pages[1]);
      expect(pages[0]).toContain('The username or password is incorrect.');
      const throttled = await client.postForm('/signin', { username, password: goodPassword });
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await throttled.text()).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
      expect(sessionCookieOf(throttled)).toBeNull();
    });

    it('changes the password from /account: other sessions end, this one goes on', async () => {
      const { client, username } = await signedUp();
      const other = harness.main.client();
      await other.postForm('/signin', { username, password: goodPassword });
      const wrong = await client.postForm('/account/password', {
        currentPassword: 'not my password',
        newPassword: 'a brand new passphrase',
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toMatch(
        /id="currentPassword-error">That is not your current password/,
      );
      const response = await client.postForm('/account/password', {
        currentPassword: goodPassword,
        newPassword: 'a brand new passphrase',
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe('/account?done=password-changed');
      expect(sessionCookieOf(response)).not.toBeNull();
      expect((await client.get('/api/me')).status).toBe(200);
      expect((await other.get('/api/me')).status).toBe(401);
    });

    it('revokes another session by its handle, then every other one, and signs out', async () => {
      const { client, username } = await signedUp();
      const others = [harness.main.client(), harness.main.client()];
      for (const other of others)
        await other.postForm('/signin', { username, password: goodPassword });
      const page = await (await client.get('/account')).text();
      expect(page.match(/This browser/g)).toHaveLength(1);
      const handles = revokeHandles(page);
      expect(handles).toHaveLength(2);

      const revoked = await client.postForm('/account/sessions/revoke', {
        session: handles[0] ?? '',
      });
      expect(revoked.status).toBe(303);
      expect(revoked.headers.get('Location')).toBe('/account?done=session-revoked');
      const again = await client.postForm('/account/sessions/revoke', {
        session: handles[0] ?? '',
      });
      expect(again.status).toBe(404);
      const still = await Promise.all(
        others.map(async (other) => (await other.get('/api/me')).status),
      );
      expect(still.sort()).toEqual([200, 401]);

      const rest = await client.postForm('/account/sessions/revoke-others');
      expect(rest.headers.get('Location')).toBe('/account?done=others-revoked');
      for (const other of others) expect((await other.get('/api/me')).status).toBe(401);

      const signout = await client.postForm('/signout');
      expect(signout.status).toBe(303);
      expect(sessionCookieOf(signout)?.attributes.get('max-age')).toBe('0');
      expect((await client.get('/api/me')).status).toBe(401);
    });

    it('says only its own fixed confirmations, never what the query string holds', async () => {
      const response = await harness.main.client().get('/?done=%3Cb%3Ehi%3C%2Fb%3E');
      const html = await response.text();
      expect(html).not.toContain('hi');
      expect(html).not.toContain('notice');
    });

    it('answers a form of another content type with 415 and one over 16 KiB with 413', async () => {
      const client = harness.main.client();
      const json = await client.post('/signin', { username: 'someone', password: goodPassword });
      expect(json.status).toBe(415);
      const big = await client.postForm('/signin', {
        username: 'x'.repeat(17 * 1024),
        password: 'x',
      });
      expect(big.status).toBe(413);
    });
  });
}
