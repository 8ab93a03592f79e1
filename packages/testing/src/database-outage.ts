import { TcpProxy } from './tcp-proxy.ts';
import type { TestDatabase } from './test-database.ts';

/** A database that a test can take away from the app and give back. */
export interface DatabaseOutage {
  /** Where the app should connect: through the proxy (a server) or the file itself. */
  location: string;
  /**
   * The database stops answering: connections drop (a server), or another
   * process holds SQLite's write lock past the busy timeout.
   */
  begin(): Promise<void>;
  /** It answers again. */
  end(): Promise<void>;
  /** Whether reads still work meanwhile: SQLite in WAL mode reads past a writer's lock. */
  readsContinue: boolean;
}

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
