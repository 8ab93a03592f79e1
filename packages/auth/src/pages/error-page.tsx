/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { User } from 'lucia';
import { Layout } from './layout.tsx';

export interface ErrorPageProps {
  user: Pick<User, 'username'> | null;
  /** The HTTP status, as the page's title. */
  status: number;
  message: string;
  /** Where to go from here; the home page by default. */
  back?: { href: string; text: string };
}

/** What a browser shows for a refused or failed request outside `/api`. */
export function ErrorPage({ user, status, message, back }: ErrorPageProps) {
  const link = back ?? { href: '/', text: 'Back to the home page' };
  return (
    <Layout title={`Error ${status}`} user={user}>
      <h1>{status === 404 ? 'Page not found' : 'That did not work'}</h1>
      <p>{message}</p>
      <p>
        <a href={link.href}>{link.text}</a>
      </p>
    </Layout>
  );
}
