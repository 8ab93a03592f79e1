import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Dialect, dialects } from './dialect.ts';

/** The packages in packages/testing that only one dialect's tests import. */
const testPackages: Record<Dialect, string[]> = {
  postgres: ['pg', '@types/pg', '@testcontainers/postgresql'],
  mysql: ['mysql2', '@testcontainers/mysql'],
  sqlite: ['better-sqlite3', '@types/better-sqlite3'],
};

/**
 * Takes out of a fork what `turbo prune` keeps though its app never uses it:
 * the other dialects' migrations (packages/schema) and test modules
 * (packages/testing/src/dialects), and the packages only those modules
 * import, so that a PostgreSQL fork does not install, and build,
 * better-sqlite3, and a SQLite fork installs no Testcontainers. Prune cuts
 * whole workspace packages, and these two serve every dialect; hence this
 * step. Returns the packages it took out of packages/testing's manifest.
 */
export function dropOtherDialects(target: string, dialect: Dialect): string[] {
  const others = dialects.filter((other) => other !== dialect);
  for (const other of others) {
    rmSync(join(target, 'packages/schema/src', other), { recursive: true });
    rmSync(join(target, 'packages/testing/src/dialects', `${other}.ts`));
  }
  if (dialect !== 'sqlite') rmSync(join(target, 'packages/testing/src/dialects/sqlite-lock.ts'));

  const unused = others.flatMap((other) => testPackages[other]);
  // SQLite's tests start no container.
  if (dialect === 'sqlite') unused.push('testcontainers');
  const path = join(target, 'packages/testing/package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  for (const name of unused) {
    delete manifest.dependencies?.[name];
    delete manifest.devDependencies?.[name];
  }
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return unused;
}
