import { fileURLToPath } from 'node:url';

/** A server file and the package folder it starts from, as `pnpm start` would. */
export interface ServerEntry {
  file: string;
  cwd: string;
}

/** The servers `pnpm bench` compares, each in a process of its own. */
export type ServerKind = 'app' | 'bareLucia' | 'betterAuth' | 'baseline';

/**
 * The app of a dialect (`apps/<name>/src/main.ts`), its two peers and the
 * baseline: the bench's own servers for that driver, each written from its
 * library's documentation (`src/bare-lucia/<name>.ts`, ...).
 */
export function serversOf(dialect: string): Record<ServerKind, ServerEntry> {
  const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const bench = (file: string) => ({ file: path(file), cwd: path('..') });
  return {
    app: { file: path(`../../apps/${dialect}/src/main.ts`), cwd: path(`../../apps/${dialect}`) },
    bareLucia: bench(`./bare-lucia/${dialect}.ts`),
    betterAuth: bench(`./better-auth/${dialect}.ts`),
    baseline: bench(`./baseline/${dialect}.ts`),
  };
}
