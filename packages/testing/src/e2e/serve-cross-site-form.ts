import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another site, on another port of this machine: one page with a form that
 * posts to `action` on the app, as a cross-site request forgery would.
 */
export async function serveCrossSiteForm(action: string) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(
      `<!DOCTYPE html><title>Another site</title><form method="post" action="${action}"><button>Claim your prize</button></form>`,
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
