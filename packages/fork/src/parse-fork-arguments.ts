import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type ForkArguments =
  | { ok: true; dialect: string; target: string }
  | { ok: false; reason: string };

/** How `pnpm fork` is called, with the dialects there are. */
export function usageOf(dialects: readonly string[]): string {
  return `pnpm fork <${dialects.join('|')}> <dir>`;
}

/**
 * Checks `pnpm fork`'s two arguments before anything is written: one of
 * `dialects`, and a target folder that does not exist or is empty (resolved
 * from `cwd`). A refusal is one line for a person.
 *
 * @example
 * parseForkArguments(['postgres', '../my-auth'], process.cwd(), ['postgres', 'sqlite']);
 * // { ok: true, dialect: 'postgres', target: '/home/me/my-auth' }
 */
export function parseForkArguments(
  args: readonly string[],
  cwd: string,
  dialects: readonly string[],
): ForkArguments {
  const [dialect, dir] = args;
  if (args.length !== 2 || !dialect || !dir) {
    return { ok: false, reason: `expected a dialect and a folder: ${usageOf(dialects)}` };
  }
  if (!dialects.includes(dialect)) {
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
