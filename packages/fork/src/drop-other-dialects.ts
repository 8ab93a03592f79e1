import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
 * fork installs no Testcontainers; and the modules of packages/testing that
 * only those records import (a SQLite fork has no server to cut off, so no
 * `server-outage.ts`). Prune cuts whole workspace packages, and these serve
 * every dialect; hence this step.
 */
export function dropOtherDialects(target: string, others: readonly Dialect[]): void {
  const testing = join(target, 'packages/testing/src');
  const importedByOthers = new Set<string>();
  for (const other of others) {
    rmSync(join(target, 'packages/schema/src', other.name), { recursive: true });
    const record = join(testing, 'dialects', other.name);
    for (const name of readdirSync(record)) {
      for (const specifier of relativeImportsOf(join(record, name))) {
        importedByOthers.add(resolve(record, specifier));
      }
    }
    rmSync(record, { recursive: true });
  }
  dropUnimported([...importedByOthers], testing);
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

/** The relative imports of a TypeScript file, type-only ones too. */
function relativeImportsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) => match[1] ?? '');
}

/**
 * Deletes each of `files` that no file left under `folder` imports, and then
 * what only those imported, as far as it goes.
 */
function dropUnimported(files: string[], folder: string): void {
  const sources = (readdirSync(folder, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts') || name.endsWith('.tsx'))
    .map((name) => join(folder, name));
  const imported = new Set(
    sources.flatMap((file) =>
      relativeImportsOf(file).map((specifier) => resolve(file, '..', specifier)),
    ),
  );
  const unimported = files.filter((file) => existsSync(file) && !imported.has(file));
  if (unimported.length === 0) return;
  const next = unimported.flatMap((file) =>
    relativeImportsOf(file).map((specifier) => resolve(file, '..', specifier)),
  );
  for (const file of unimported) rmSync(file);
  dropUnimported(next, folder);
}
