// The pages' one script: passkeys, through the browser's own WebAuthn JSON
// methods (no client library). Served as /passkeys.js, the only script the
// Content-Security-Policy allows. Every passkey control is `hidden` until
// this script finds a browser that can use it; the rest of every page works
// without it.

const supported =
  typeof window.PublicKeyCredential === 'function' &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

/** Posts JSON (or nothing) to the API; the answer's body, or throws its error message. */
async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const error = new Error(data?.error?.message ?? 'Something went wrong.');
    error.code = data?.error?.code;
    throw error;
  }
  return data;
}

function say(section, text) {
  const message = section.querySelector('[data-passkey-message]');
  if (message) message.textContent = text;
}

/** What a person is told when the browser's ceremony did not finish. */
function describe(error) {
  if (error?.name === 'NotAllowedError') return 'The passkey was not used: nothing changed.';
  if (error?.name === 'InvalidStateError') return 'This passkey is registered already.';
  return error?.message ?? 'Something went wrong.';
}

async function signIn(section) {
  say(section, '');
  try {
    const options = await post('/api/signin/passkey/options');
    const credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    });
    await post('/api/signin/passkey', { response: credential.toJSON() });
    window.location.assign('/account');
  } catch (error) {
    say(section, describe(error));
  }
}

/** A passkey of the signed-in (or half signed-in) user, then on to `next`. */
async function confirm(section, next) {
  say(section, '');
  try {
    const options = await post('/api/2fa/passkey/options');
    const credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    });
    await post('/api/2fa/passkey', { response: credential.toJSON() });
    window.location.assign(next);
  } catch (error) {
    say(section, describe(error));
  }
}

async function register(section, form) {
  say(section, '');
  const name = new FormData(form).get('passkey-name');
  try {
    const options = await post('/api/passkeys/options');
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
    await post('/api/passkeys', { name, response: credential.toJSON() });
    window.location.assign('/account?done=passkey-added');
  } catch (error) {
    say(section, describe(error));
    if (error?.code === 'reauthentication_required') {
      for (const hint of section.querySelectorAll('[data-passkey-reauthenticate]')) {
        hint.hidden = false;
      }
    }
  }
}

if (supported) {
  for (const section of document.querySelectorAll('[data-passkey]')) {
    section.hidden = false;
    for (const button of section.querySelectorAll('[data-passkey-signin]')) {
      button.addEventListener('click', () => signIn(section));
    }
    for (const button of section.querySelectorAll('[data-passkey-confirm]')) {
      // Only a path of this site: the page names it.
      const next = button.dataset.passkeyNext?.startsWith('/') ? button.dataset.passkeyNext : '/';
      button.addEventListener('click', () => confirm(section, next));
    }
    for (const form of section.querySelectorAll('form[data-passkey-register]')) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        register(section, form);
      });
    }
  }
}
