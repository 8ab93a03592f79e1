import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findUnusedFiles } from './find-unused-files.ts';

const root = mkdtempSync(join(tmpdir(), 'unused-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const project: Record<string, string> = {
  'package.json': JSON.stringify({ scripts: { serve: 'node tools/serve.ts' } }),
  'packages/lib/package.json': JSON.stringify({
    name: '@repo/lib',
    exports: { './*': './src/*.ts' },
  }),
  'apps/one/package.json': JSON.stringify({
    dependencies: { '@repo/lib': 'workspace:*', hono: '^4' },
  }),
  'apps/one/src/main.ts':
    "import { a } from './a.ts';\nimport type { B } from '@repo/lib/b';\nexport const b: B = a;",
  'apps/one/src/a.ts': 'export const a = await import(`./pages/${process.argv[2]}.tsx`);',
  'apps/one/src/pages/x.tsx': 'export default () => <p />;',
  'apps/one/test/main.test.ts': "export const main = new URL('../src/setup.ts', import.meta.url);",
  'apps/one/src/setup.ts': 'export {};',
  'packages/lib/src/b.ts': 'export type B = unknown;',
  'packages/lib/src/orphan.ts': "export const orphan = 'nobody imports me';",
  'tools/serve.ts': 'export {};',
};
for (const [file, text] of Object.entries(project)) {
  mkdirSync(join(root, dirname(file)), { recursive: true });
  writeFileSync(join(root, file), text);
}
// The workspace link an install makes.
mkdirSync(join(root, 'node_modules/@repo'), { recursive: true });
symlinkSync(join(root, 'packages/lib'), join(root, 'node_modules/@repo/lib'));

describe('findUnusedFiles', () => {
  it('names only the file that no entry, import, type import, URL or script reaches', async () => {
    expect(await findUnusedFiles(root, Object.keys(project))).toEqual([
      'packages/lib/src/orphan.ts',
    ]);
  });
});
