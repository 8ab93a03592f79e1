import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A server file and the package folder it starts from, as `pnpm start` would:
 * each runs as `node <file>`, the app its bundle (`dist/main.js`, which
 * `buildApp` makes), the bench's own servers their TypeScript through Node's
 * type stripping.
 */
export interface ServerEntry {
  file: string;
  cwd: string;
}

/** The servers `pnpm bench` compares, each in a process of its own. */
export type ServerKind = 'app' | 'bareLucia' | 'bareLuciaOnce' | 'betterAuth' | 'baseline';

/** Every dialect's servers, and the bare Lucia server prepared once where it has one. */
export type DialectServers = Record<Exclude<ServerKind, 'bareLuciaOnce'>, ServerEntry> & {
  bareLuciaOnce?: ServerEntry;
};

/**
 * The app of a dialect (`apps/<name>/dist/main.js`, built from its
 * `src/main.ts`), its peers and the
 * baseline: the bench's own servers for that driver, each written from its
 * library's documentation (`src/bare-lucia/<name>.ts`, ...). The bare Lucia
 * server whose statements are prepared once (`bareLuciaOnce`) is there only
 * for a dialect with a `src/bare-lucia/<name>-prepared-once.ts` (SQLite, whose
 * app prepares each SQL text once). In the order the tables list them.
 */
export function serversOf(dialect: string): DialectServers {
  const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const bench = (file: string) => ({ file: path(file), cwd: path('..') });
  const preparedOnce = bench(`./bare-lucia/${dialect}-prepared-once.ts`);
  return {
    app: { file: path(`../../apps/${dialect}/dist/main.js`), cwd: path(`../../apps/${dialect}`) },
    bareLucia: bench(`./bare-lucia/${dialect}.ts`),
    ...(existsSync(preparedOnce.file) ? { bareLuciaOnce: preparedOnce } : {}),
    betterAuth: bench(`./better-auth/${dialect}.ts`),
    baseline: bench(`./baseline/${dialect}.ts`),
  };
}
