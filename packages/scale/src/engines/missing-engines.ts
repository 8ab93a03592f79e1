import { existsSync } from 'node:fs';
import { ENGINE_BINARIES, findPostgresBin } from './engine-binaries.ts';

/** The command that installs every engine the scale tests start. */
export const INSTALL_ENGINES_COMMAND =
  'sudo apt-get install postgresql pgbouncer mariadb-server galera-4 haproxy rsync';

/**
 * The engines the scale tests need that this machine lacks, each named with
 * the path it was looked for at (empty when all are there).
 *
 * @example
 * findMissingEngines(); // ['haproxy (/usr/sbin/haproxy)']
 */
export function findMissingEngines(): string[] {
  const missing = Object.entries(ENGINE_BINARIES)
    .filter(([, { path }]) => !existsSync(path))
    .map(([name, { path }]) => `${name} (${path})`);
  if (!findPostgresBin()) missing.unshift('postgres (/usr/lib/postgresql/<version>/bin)');
  return missing;
}

/**
 * Thrown when an engine is missing: one paragraph saying which, and how to
 * install them.
 */
export class MissingEnginesError extends Error {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(
      `The scale tests need engines this machine does not have: ${missing.join(', ')}. ` +
        `On Debian or Ubuntu, install them with \`${INSTALL_ENGINES_COMMAND}\`. ` +
        'The tests start them as plain processes on loopback ports of their own, in temporary ' +
        'folders they delete afterwards; nothing is changed on the servers the packages set up ' +
        '(PostgreSQL on 5432, MariaDB on 3306), nor on their settings or data.',
    );
    this.name = 'MissingEnginesError';
    this.missing = missing;
  }
}

/**
 * Throws a `MissingEnginesError` unless every engine is installed.
 *
 * @example
 * beforeAll(() => assertEnginesInstalled());
 */
export function assertEnginesInstalled(): void {
  const missing = findMissingEngines();
  if (missing.length > 0) throw new MissingEnginesError(missing);
}
