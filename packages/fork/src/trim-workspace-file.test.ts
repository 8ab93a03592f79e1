import { describe, expect, it } from 'vitest';
import { trimWorkspaceFile } from './trim-workspace-file.ts';

const workspace = `packages:
  - apps/*
  - bench
  - packages/*

# One version of each shared dependency.
catalog:
  better-sqlite3: ^12.0.0
  pg: ^8.0.0
  zod: ^4.0.0

allowBuilds:
  # compiles its native addon
  better-sqlite3: true
  # optional: not needed
  ssh2: false
`;

describe('trimWorkspaceFile', () => {
  it('keeps the globs, catalog entries and builds of what the fork has, with their comments', () => {
    const trimmed = trimWorkspaceFile(workspace, {
      folders: ['apps/sqlite', 'packages/auth'],
      dependencies: new Set(['better-sqlite3', 'zod']),
      locked: new Set(['better-sqlite3', 'zod']),
    });
    expect(trimmed).toBe(`packages:
  - apps/*
  - packages/*

# One version of each shared dependency.
catalog:
  better-sqlite3: ^12.0.0
  zod: ^4.0.0

allowBuilds:
  # compiles its native addon
  better-sqlite3: true
`);
  });
});
