import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Dialect } from './dialect.ts';
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

async function serverOutage(database: TestDatabase): Promise<DatabaseOutage> {
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

function sqliteOutage(database: TestDatabase): DatabaseOutage {
  let holder: ChildProcess | null = null;
  return {
    location: database.location,
    readsContinue: true,
    async begin() {
      const script = fileURLToPath(new URL('./dialects/sqlite-lock.ts', import.meta.url));
      const child = spawn(process.execPath, [script, database.location], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      holder = child;
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk) => String(chunk).includes('locked') && resolve());
        child.on('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
    },
    async end() {
      if (!holder) return;
      const exited = once(holder, 'exit');
      holder.kill('SIGKILL');
      await exited;
      holder = null;
    },
  };
}

/** An outage to inflict on `database`, the way that suits its dialect. */
export function prepareOutage(dialect: Dialect, database: TestDatabase): Promise<DatabaseOutage> {
  return dialect === 'sqlite' ? Promise.resolve(sqliteOutage(database)) : serverOutage(database);
}
