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

# Lucia's adapter allows 13
peerDependencyRules:
  allowedVersions:
    "@lucia-auth/adapter-sqlite>better-sqlite3": "13"

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
      locked: new Set(['better-sqlite3', 'zod', '@lucia-auth/adapter-sqlite']),
    });
    expect(trimmed).toBe(`packages:
  - apps/*
  - packages/*

# One version of each shared dependency.
catalog:
  better-sqlite3: ^12.0.0
  zod: ^4.0.0

# Lucia's adapter allows 13
peerDependencyRules:
  allowedVersions:
    "@lucia-auth/adapter-sqlite>better-sqlite3": "13"

allowBuilds:
  # compiles its native addon
  better-sqlite3: true
`);
  });

  it('leaves out the peer-dependency rules of a package the fork does not lock', () => {
    const trimmed = trimWorkspaceFile(workspace, {
      folders: ['apps/postgres'],
      dependencies: new Set(['pg']),
      locked: new Set(['pg']),
    });
    expect(trimmed).not.toContain('peerDependencyRules');
    expect(trimmed).not.toContain('better-sqlite3');
    expect(trimmed).not.toContain("Lucia's adapter");
  });
});
