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

/** `text` with each of `lines` taken out once (each must be there). */
function withoutLines(text: string, lines: string[]): string {
  const kept = text.split('\n');
  for (const line of lines) {
    const at = kept.indexOf(line);
    if (at === -1) throw new Error(`no line ${JSON.stringify(line)}`);
    kept.splice(at, 1);
  }
  return kept.join('\n');
}

describe('trimWorkspaceFile', () => {
  it('keeps the globs, catalog entries and builds of what the fork has, with their comments', () => {
    const trimmed = trimWorkspaceFile(workspace, {
      folders: ['apps/sqlite', 'packages/auth'],
      dependencies: new Set(['better-sqlite3', 'zod']),
      locked: new Set(['better-sqlite3', 'zod', '@lucia-auth/adapter-sqlite']),
    });
    // The workspace file less the lines of what the fork lacks, nothing else moved.
    expect(trimmed).toBe(
      withoutLines(workspace, [
        '  - bench',
        '  pg: ^8.0.0',
        '  # optional: not needed',
        '  ssh2: false',
      ]),
    );
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
