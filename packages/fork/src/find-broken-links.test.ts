import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBrokenLinks } from './find-broken-links.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('findBrokenLinks', () => {
  const files = new Set(['README.md', 'docs/guide.md', 'docs/screenshots/home.png', 'apps/a/src']);
  const exists = (path: string) => files.has(path);

  it('finds links to missing files and to anchors no heading makes', () => {
    const documents = new Map([
      [
        'README.md',
        '# Quick start\n\n## Sign in through a provider (OpenID Connect)\n\n[guide](docs/guide.md#past-0007-recent-authentication) ![home](docs/screenshots/home.png) [gone](docs/gone.md) [here](#quick-start) [there](#sign-in-through-a-provider-openid-connect) [nowhere](#nowhere) [web](https://example.com) [code](apps/a/src)\n',
      ],
      [
        'docs/guide.md',
        '# Guide\n\n## Past `0007-recent-authentication`\n\n[back](../README.md#quick-start) [lost](../README.md#lost)\n\n```sh\n[not a link](nowhere)\n```\n',
      ],
    ]);
    expect(findBrokenLinks(documents, exists)).toEqual([
      'README.md: docs/gone.md',
      'README.md: #nowhere',
      'docs/guide.md: ../README.md#lost',
    ]);
  });

  // The fork's own text (packages/fork/parts) links from where it is put,
  // in a fork's README: the fork test checks those.
  it("finds none in this repository's documents", () => {
    const paths = [
      'README.md',
      'SECURITY.md',
      ...readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`),
      ...readdirSync(join(root, 'apps')).map((name) => `apps/${name}/README.md`),
    ];
    const documents = new Map(paths.map((path) => [path, readFileSync(join(root, path), 'utf8')]));
    expect(findBrokenLinks(documents, (path) => existsSync(join(root, path)))).toEqual([]);
  });
});
