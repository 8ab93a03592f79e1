import { fileURLToPath } from 'node:url';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export const dialects: Dialect[] = ['postgres', 'mysql', 'sqlite'];

/** A server file and the package folder it starts from, as `pnpm start` would. */
export interface ServerEntry {
  file: string;
  cwd: string;
}

/** The app's `src/main.ts`, and the baseline of the same dialect. */
export function serversOf(dialect: Dialect): { app: ServerEntry; baseline: ServerEntry } {
  const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  return {
    app: { file: path(`../../apps/${dialect}/src/main.ts`), cwd: path(`../../apps/${dialect}`) },
    baseline: { file: path(`./baseline/${dialect}.ts`), cwd: path('..') },
  };
}
