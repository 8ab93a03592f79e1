import type { DatabaseOutage } from './dialect.ts';
import { TcpProxy } from './tcp-proxy.ts';
import type { TestDatabase } from './test-database.ts';

/**
 * The outage of a database server: the app connects through a TCP proxy on
 * loopback, which the test cuts (every connection dropped, new ones refused)
 * and restores, as when the server stops and starts again.
 */
export async function prepareServerOutage(database: TestDatabase): Promise<DatabaseOutage> {
  const url = new URL(database.location);
  const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
  await proxy.start();
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return {
    location: url.toString(),
    begin: () => proxy.cut(),
    end: () => proxy.start(),
    readsContinue: false,
  };
}
