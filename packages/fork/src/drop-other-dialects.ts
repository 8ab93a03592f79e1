import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '@repo/testing/dialect';

/**
 * Takes out of a fork what `turbo prune` keeps though its app never uses it:
 * the other dialects' migrations (packages/schema/src/<other>) and records
 * (packages/testing/src/dialects/<other>), and the packages only they use,
 * so that a PostgreSQL fork does not install, and build, better-sqlite3, and
 * a SQLite fork installs no Testcontainers. Prune cuts whole workspace
 * packages, and these two serve every dialect; hence this step.
 */
export function dropOtherDialects(target: string, others: readonly Dialect[]): void {
  for (const other of others) {
    rmSync(join(target, 'packages/schema/src', other.name), { recursive: true });
    rmSync(join(target, 'packages/testing/src/dialects', other.name), { recursive: true });
  }
  const unused = new Set(others.flatMap((other) => other.packages));
  const path = join(target, 'packages/testing/package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (unused.has(name)) delete manifest[field][name];
    }
  }
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
