import { execFileSync } from 'node:child_process';

/** Whether this process runs as root (CI and this machine do; developers do not). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * `command` run as `user` when this process is root (PostgreSQL and PgBouncer
 * refuse to run as root), as is otherwise. `setpriv` rather than `runuser`:
 * it execs the command in place, so the pid we hold is the engine's own and a
 * SIGKILL reaches it, where `runuser` stays as a parent that would outlive it.
 *
 * @example
 * const [cmd, args] = asEngineUser('postgres', `${bin}/initdb`, ['-D', data]);
 */
export function asEngineUser(
  user: string,
  command: string,
  args: readonly string[],
): [string, string[]] {
  if (!isRoot()) return [command, [...args]];
  return [
    'setpriv',
    [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', command, ...args],
  ];
}

/**
 * Gives `paths` (and what is in them) to `user` and its group when this
 * process is root, so that the engine run as it can write there.
 */
export function giveToEngineUser(user: string, ...paths: string[]): void {
  // `chown` rather than `fs.chownSync`: node cannot look another user's ids up.
  if (isRoot()) execFileSync('chown', ['-R', `${user}:`, ...paths]);
}
