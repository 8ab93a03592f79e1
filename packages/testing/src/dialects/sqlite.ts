import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectSupport } from './dialect-support.ts';

export const support: DialectSupport = {
  // No server: a file per test file.
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
      async drop() {
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
};
