import { describe, expect, it } from 'vitest';
import { keepScripts } from './keep-scripts.ts';

const contents = {
  packages: new Set(['@app/sqlite', '@repo/auth']),
  exists: (path: string) => path.startsWith('apps/sqlite/') || path.startsWith('packages/auth/'),
};

describe('keepScripts', () => {
  it('keeps the scripts that name only what the fork has', () => {
    const scripts = {
      start: 'pnpm --filter @app/sqlite start',
      test: 'turbo run test --continue',
      seed: 'node packages/auth/src/seed.ts',
    };
    expect(keepScripts(scripts, contents)).toEqual(scripts);
  });

  it('leaves out a script that filters to another package or names a missing path', () => {
    expect(
      keepScripts(
        {
          bench: 'pnpm --filter @repo/bench bench',
          other: 'pnpm --filter=@app/mysql start',
          fork: 'node --experimental-strip-types packages/fork/src/main.ts',
          scale: 'node bench/src/run.ts',
        },
        contents,
      ),
    ).toEqual({});
  });
});
