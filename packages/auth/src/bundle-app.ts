#!/usr/bin/env node
// `bundle-app [package ...]`, an app's `pnpm build`: its `src/main.ts` and
// everything it imports, as one file, `dist/main.js`, which `pnpm start` runs.
//
// Why a bundle: Node's own type stripping cannot run the pages (.tsx), and
// tsx compiles every file at each start; loading one file instead of some
// 550 modules starts the SQLite app in about a quarter of the time (250
// against 1,000 ms on a quiet machine) with 30 MB less resident, measured
// side by side. `pnpm dev` still runs the source as it is, through tsx.
//
// What stays outside: native addons (a `.node` binary cannot be bundled; each
// is a dependency of the app, so `dist/main.js` finds it beside it), this
// package's own Argon2 and those the app names as arguments. The bundle is
// plain ESM; the CommonJS libraries in it (pino, the drivers) call `require`,
// which ESM lacks, hence the `createRequire` line at its top. No source map:
// `--enable-source-maps` costs about 55 MB of resident memory.
import { build } from 'esbuild';

const external = ['@node-rs/argon2', ...process.argv.slice(2)];

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external,
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  banner: {
    js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
