import { createServer, type Server } from 'node:net';

/**
 * `count` distinct loopback ports the system reports free: each is listened
 * on (port 0), read, and closed only once all are held, so none repeats.
 * Another process could take one before the engine binds it; the engines'
 * start then fails with "address in use" in its log.
 *
 * @example
 * const [mysql, galera, ist, sst] = await findFreePorts(4);
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no port was given');
      return address.port;
    });
  } finally {
    await Promise.all(
      servers.map((server) => new Promise((resolve) => server.close(() => resolve(null)))),
    );
  }
}
