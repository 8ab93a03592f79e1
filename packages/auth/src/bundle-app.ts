#!/usr/bin/env node
// `bundle-app [package ...]`, an app's `pnpm build`: its `src/main.ts` and
// everything it imports, as `dist/main.js`, which `pnpm start` runs, and one
// file beside it per `import()` (code splitting): what is loaded only when a
// feature is first used (the passkey library, the SMTP client, the common-
// password list) is then neither read nor kept at start.
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

// Chunks are named by their content's hash, and an earlier build's are left
// in place: a process still running that build loads them at its first
// passkey or mail even after a new build (`rm -rf dist` clears them).
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
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
