import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Dialect, dialects, isDialect } from './dialect.ts';

export type ForkArguments =
  | { ok: true; dialect: Dialect; target: string }
  | { ok: false; reason: string };

export const usage = `pnpm fork <${dialects.join('|')}> <dir>`;

/**
 * Checks `pnpm fork`'s two arguments before anything is written: a known
 * dialect, and a target folder that does not exist or is empty (resolved
 * from `cwd`). A refusal is one line for a person.
 *
 * @example
 * parseForkArguments(['postgres', '../my-auth'], process.cwd());
 * // { ok: true, dialect: 'postgres', target: '/home/me/my-auth' }
 */
export function parseForkArguments(args: readonly string[], cwd: string): ForkArguments {
  const [dialect, dir] = args;
  if (args.length !== 2 || !dialect || !dir) {
    return { ok: false, reason: `expected a dialect and a folder: ${usage}` };
  }
  if (!isDialect(dialect)) {
    return {
      ok: false,
      reason: `unknown dialect "${dialect}": expected one of ${dialects.join(', ')}`,
    };
  }
  const target = resolve(cwd, dir);
  const found = statSync(target, { throwIfNoEntry: false });
  if (found && !found.isDirectory()) return { ok: false, reason: `${target} is not a folder` };
  if (found && readdirSync(target).length > 0) {
    return { ok: false, reason: `${target} exists and is not empty` };
  }
  return { ok: true, dialect, target };
}
