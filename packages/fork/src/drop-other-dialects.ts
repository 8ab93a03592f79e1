import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '@repo/testing/dialect';

/** The shared packages whose manifests name a dialect's driver or adapter. */
const sharedPackages = ['packages/testing', 'packages/auth'];

/**
 * Takes out of a fork what `turbo prune` keeps though its app never uses it:
 * the other dialects' migrations (packages/schema/src/<other>) and records
 * (packages/testing/src/dialects/<other>), the packages only they use, and
 * the unit tests of packages/auth that run on one of them (sessions.test.ts
 * runs the sessions module on an in-memory SQLite database), so that a
 * PostgreSQL fork does not install, and build, better-sqlite3, and a SQLite
 * fork installs no Testcontainers. Prune cuts whole workspace packages, and
 * these serve every dialect; hence this step.
 */
export function dropOtherDialects(target: string, others: readonly Dialect[]): void {
  for (const other of others) {
    rmSync(join(target, 'packages/schema/src', other.name), { recursive: true });
    rmSync(join(target, 'packages/testing/src/dialects', other.name), { recursive: true });
  }
  const unused = new Set(others.flatMap((other) => other.packages));
  for (const folder of sharedPackages) {
    const path = join(target, folder, 'package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        if (unused.has(name)) delete manifest[field][name];
      }
    }
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const tests = join(target, 'packages/auth/src');
  for (const name of readdirSync(tests).filter((each) => each.endsWith('.test.ts'))) {
    const source = readFileSync(join(tests, name), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '');
    const usesOther = imports.some(
      (specifier) =>
        unused.has(specifier) ||
        others.some((other) => specifier.startsWith(`@repo/schema/${other.name}/`)),
    );
    if (usesOther) rmSync(join(tests, name));
  }
}
