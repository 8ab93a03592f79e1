/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import { Layout } from './layout.tsx';
import { Notice } from './notice.tsx';

export interface HomePageProps {
  user: Pick<User, 'username'> | null;
  confirmation: string | null;
}

/** `/`: the way in when signed out; who you are and the way out when signed in. */
export function HomePage({ user, confirmation }: HomePageProps) {
  return (
    <Layout title="Home" user={user}>
      {confirmation && <Notice tone="success">{confirmation}</Notice>}
      {user ? (
        <>
          <h1>Hello, {user.username}</h1>
          <p>
            You are signed in as <strong>{user.username}</strong>.
          </p>
          <div class="actions">
            <a class="button" href="/account">
              Your account
            </a>
            <form method="post" action="/signout">
              <button class="button-secondary" type="submit">
                Sign out
              </button>
            </form>
          </div>
        </>
      ) : (
        <>
          <h1>Welcome</h1>
          <p>Create an account with a username and a password, or sign in to the one you have.</p>
          <div class="actions">
            <a class="button" href="/signup">
              Sign up
            </a>
            <a class="button button-secondary" href="/signin">
              Sign in
            </a>
          </div>
        </>
      )}
    </Layout>
  );
}
