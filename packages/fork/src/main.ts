// `pnpm fork <dialect> <dir>`: refuses bad use with one line and exit code 2,
// before anything is written; otherwise forks and says what to do next.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listDialects, loadDialect } from '@repo/testing/dialect';
import { forkApp } from './fork-app.ts';
import { parseForkArguments, usageOf } from './parse-fork-arguments.ts';

const names = listDialects();
const usage = usageOf(names);

function refuse(reason: string): never {
  console.error(`pnpm fork: ${reason}`);
  process.exit(2);
}

let positionals: string[];
let help: boolean | undefined;
try {
  ({
    positionals,
    values: { help },
  } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  refuse(`${error instanceof Error ? error.message : error}; usage: ${usage}`);
}
if (help) {
  console.log(`usage: ${usage}`);
  process.exit(0);
}

// pnpm runs the root's scripts in the root; INIT_CWD is where the user typed.
const parsed = parseForkArguments(positionals, process.env.INIT_CWD ?? process.cwd(), names);
if (!parsed.ok) refuse(parsed.reason);
const { target } = parsed;
const [dialect, ...others] = await Promise.all(
  [parsed.dialect, ...names.filter((name) => name !== parsed.dialect)].map(loadDialect),
);
if (!dialect) throw new Error(`no record of ${parsed.dialect}`);
const existed = existsSync(target);

try {
  forkApp({ dialect, others, target, root: fileURLToPath(new URL('../../..', import.meta.url)) });
} catch (error) {
  // The target was empty or absent: what is in it now is this run's.
  if (!existed) rmSync(target, { recursive: true, force: true });
  else for (const entry of readdirSync(target)) rmSync(join(target, entry), { recursive: true });
  const stderr = (error as { stderr?: unknown }).stderr;
  console.error(`pnpm fork: forking @app/${dialect.name} failed, nothing was kept.`);
  console.error(stderr ? String(stderr).trim() : error instanceof Error ? error.message : error);
  process.exit(1);
}

console.log(`Forked @app/${dialect.name} into ${target}, with a first commit. Next:

  cd ${target}
  pnpm install${dialect.server ? '\n  docker compose up -d' : ''}
  pnpm start
  pnpm test`);
