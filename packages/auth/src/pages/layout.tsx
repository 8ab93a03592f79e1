/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { User } from 'lucia';

export interface LayoutProps {
  /** The page's own title, before the site's name. */
  title: string;
  /** Who is signed in, for the header; `null` when no one is. */
  user: Pick<User, 'username'> | null;
  /** More of the document's head (a page's own `<meta>`). */
  head?: Child;
  children?: Child;
}

/**
 * The document every page shares: one stylesheet from this origin (the CSP
 * allows no inline style or script) and a header that says who is signed in.
 */
export function Layout({ title, user, head, children }: LayoutProps) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <title>{`${title} · Password auth`}</title>
          <link rel="stylesheet" href="/style.css" />
          {head}
        </head>
        <body>
          <header class="site-header">
            <a class="brand" href="/">
              Password auth
            </a>
            <nav aria-label="Account">
              {user ? (
                <>
                  <span class="who">{user.username}</span>
                  <a href="/account">Account</a>
                </>
              ) : (
                <>
                  <a href="/signin">Sign in</a>
                  <a href="/signup">Sign up</a>
                </>
              )}
            </nav>
          </header>
          <main>{children}</main>
        </body>
      </html>
    </>
  );
}
