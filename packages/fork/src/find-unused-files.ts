import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

/** A file name pattern of what something runs by itself: no import leads to it. */
const entryPattern = /(^|\/)(vitest(\.[a-z]+)?\.config\.ts|[^/]+\.test\.ts|src\/main\.ts)$/;
/** `new URL('./file.ts', import.meta.url)`: a file named to a tool (vitest's `globalSetup`, a process to start). */
const fileUrlPattern = /new URL\(\s*'(\.{1,2}\/[^']+\.tsx?)',\s*import\.meta\.url\s*\)/g;
/** An import's specifier; esbuild drops type-only imports before it resolves them, so they are read here. */
const specifierPattern = /\bfrom\s+'([^']+)'/g;
/** A TypeScript file a package.json script or bin runs. */
const scriptFilePattern = /[\w./-]+\.ts\b/g;

interface PackageJson {
  name?: string;
  exports?: Record<string, string>;
  scripts?: Record<string, string>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The TypeScript files of a project that nothing uses: neither an entry
 * (a test, a vitest configuration, an app's `src/main.ts`, a file a script
 * or bin runs) nor imported, however indirectly, by one. `files` are the
 * project's files (relative to `root`, as `git ls-files` lists them); its
 * dependencies must be installed, since workspace imports are followed
 * through `node_modules` and the exports of each package.json.
 *
 * esbuild follows the imports (static, dynamic with a template, `.tsx`); a
 * loop adds, until nothing new is found, what no bundler follows: type-only
 * imports, and files named with `new URL(..., import.meta.url)`.
 */
export async function findUnusedFiles(root: string, files: readonly string[]): Promise<string[]> {
  const sources = files.filter((file) => /\.tsx?$/.test(file));
  const packageJsons = files.filter((file) => file.endsWith('package.json'));
  const external = new Set<string>();
  const entries = new Set(sources.filter((file) => entryPattern.test(file)));
  // A workspace package's exports, as `@repo/name/sub` → `packages/name/src/sub.ts` (one `*` at most).
  const exported: { prefix: string; suffix: string; target: string }[] = [];
  for (const file of packageJsons) {
    const json = JSON.parse(readFileSync(join(root, file), 'utf8')) as PackageJson;
    for (const [key, target] of Object.entries(json.exports ?? {})) {
      const [prefix, suffix = ''] = `${json.name}${key.slice(1)}`.split('*') as [string, string?];
      exported.push({ prefix, suffix, target: join(dirname(file), target) });
    }
    for (const [name, spec] of Object.entries({ ...json.dependencies, ...json.devDependencies })) {
      if (!spec.startsWith('workspace:')) external.add(name);
    }
    for (const command of [
      ...Object.values(json.scripts ?? {}),
      ...Object.values(json.bin ?? {}),
    ]) {
      for (const named of command.match(scriptFilePattern) ?? []) {
        const path = relative(root, resolve(root, dirname(file), named));
        if (sources.includes(path)) entries.add(path);
      }
    }
  }

  /** The project file an import names, if it names one. */
  const resolveSpecifier = (from: string, specifier: string): string | undefined => {
    if (specifier.startsWith('.')) return relative(root, resolve(root, dirname(from), specifier));
    for (const { prefix, suffix, target } of exported) {
      if (!target.includes('*') && specifier === prefix) return target;
      if (target.includes('*') && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
        return target.replace(
          '*',
          specifier.slice(prefix.length, specifier.length - suffix.length),
        );
      }
    }
    return undefined;
  };

  const reached = new Set<string>();
  for (let pending = [...entries]; pending.length > 0; ) {
    const { metafile } = await build({
      absWorkingDir: root,
      entryPoints: pending.map((file) => `./${file}`),
      bundle: true,
      write: false,
      metafile: true,
      outdir: 'unused-files-check',
      platform: 'node',
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'hono/jsx',
      external: [...external].flatMap((name) => [name, `${name}/*`]),
      logLevel: 'silent',
    });
    for (const input of Object.keys(metafile.inputs)) reached.add(input);
    pending = [];
    for (const input of Object.keys(metafile.inputs)) {
      const text = readFileSync(join(root, input), 'utf8');
      const named = [
        ...[...text.matchAll(fileUrlPattern)].map(([, path]) => path as string),
        ...[...text.matchAll(specifierPattern)].map(([, specifier]) => specifier as string),
      ];
      for (const specifier of named) {
        const path = resolveSpecifier(input, specifier);
        // (A comment's example may name a file that is not there.)
        if (path && sources.includes(path) && !reached.has(path) && !pending.includes(path)) {
          pending.push(path);
        }
      }
    }
  }
  return sources.filter((file) => !reached.has(file));
}
