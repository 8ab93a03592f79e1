import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../../dialect.ts';

/** SQLite through `better-sqlite3`: no server, a file per test file. */
export const dialect: Dialect = {
  name: 'sqlite',
  title: 'SQLite',
  variable: {
    name: 'DATABASE_PATH',
    unreachable: '/nonexistent-folder/app.db',
    unreachableNamed: '/nonexistent-folder/',
    // Any path is a well-formed database path: there is no malformed one.
    malformed: [],
  },
  async createDatabase() {
    const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-'));
    const location = join(folder, 'app.db');
    return {
      location,
      // SQLite has no server to ask: each connection holds the file open once,
      // so this process's descriptors of the file count its connections.
      async countConnections() {
        return readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === location;
          } catch {
            return false;
          }
        }).length;
      },
      async serverVersion() {
        const { default: Sqlite } = await import('better-sqlite3');
        const memory = new Sqlite(':memory:');
        const { version } = memory.prepare('select sqlite_version() as version').get() as {
          version: string;
        };
        memory.close();
        return `SQLite ${version}`;
      },
      async drop() {
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
  // Another process holds the write lock past the app's busy timeout, as a
  // long migration or the sqlite3 shell might.
  async prepareOutage(database) {
    let holder: ChildProcess | null = null;
    return {
      location: database.location,
      readsContinue: true,
      async begin() {
        const script = fileURLToPath(new URL('./hold-write-lock.ts', import.meta.url));
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
  },
  packages: ['better-sqlite3', '@types/better-sqlite3', '@lucia-auth/adapter-sqlite'],
  terms: [],
};
