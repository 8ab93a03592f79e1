import { existsSync, readdirSync } from 'node:fs';

/**
 * Where Debian's packages put the engines, and which package brings each: the
 * one place the paths are written. PostgreSQL's own binaries live under a
 * versioned folder and are found by `findPostgresBin`.
 */
export const ENGINE_BINARIES = {
  pgbouncer: { path: '/usr/sbin/pgbouncer', apt: 'pgbouncer' },
  mariadbd: { path: '/usr/sbin/mariadbd', apt: 'mariadb-server' },
  mariadbInstallDb: { path: '/usr/bin/mariadb-install-db', apt: 'mariadb-server' },
  galera: { path: '/usr/lib/galera/libgalera_smm.so', apt: 'galera-4' },
  haproxy: { path: '/usr/sbin/haproxy', apt: 'haproxy' },
  rsync: { path: '/usr/bin/rsync', apt: 'rsync' },
} as const;

const POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * The folder of the highest PostgreSQL version installed that has both
 * `initdb` and `postgres`, or `null`.
 *
 * @example
 * findPostgresBin(); // '/usr/lib/postgresql/15/bin'
 */
export function findPostgresBin(): string | null {
  if (!existsSync(POSTGRES_ROOT)) return null;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = `${POSTGRES_ROOT}/${version}/bin`;
    if (existsSync(`${bin}/initdb`) && existsSync(`${bin}/postgres`)) return bin;
  }
  return null;
}
