/** Escapes text for HTML: the uid is the provider's, but a page escapes what it prints. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.codePointAt(0)};`);
}

/**
 * The test provider's login page: any login signs in as the account of that
 * `sub`, no password asked; Cancel answers the app with `access_denied`.
 */
export function renderLoginPage({ uid }: { uid: string }): string {
  const base = `/interaction/${escapeHtml(uid)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Local OpenID Provider</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1c2024; }
h1 { font-size: 1.5rem; }
p { color: #5b636b; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input { display: block; width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; margin-bottom: 1rem; }
button { padding: .6rem 1.1rem; font: inherit; font-weight: 600; border-radius: 8px; border: 2px solid #6b3fa0; background: #6b3fa0; color: #fff; }
.cancel { background: transparent; color: #6b3fa0; }
form { margin: 0 0 .75rem; }
</style>
</head>
<body>
<h1>Local OpenID Provider</h1>
<p>A test provider on this machine. Type any login: it is the account's subject (<code>sub</code>). No password is asked.</p>
<form method="post" action="${base}/login">
<label for="login">Login</label>
<input id="login" name="login" required autofocus autocomplete="off">
<button type="submit">Sign in</button>
</form>
<form method="post" action="${base}/abort">
<button class="cancel" type="submit">Cancel</button>
</form>
</body>
</html>`;
}
