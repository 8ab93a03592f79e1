import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '@repo/testing/dialect';
import { parseAllDocuments } from 'yaml';
import { dropOtherDialects } from './drop-other-dialects.ts';
import { keepScripts } from './keep-scripts.ts';
import { parseForkParts } from './parse-fork-parts.ts';
import { renderComposeFile } from './render-compose-file.ts';
import { renderMarkdown } from './render-markdown.ts';
import { trimWorkspaceFile } from './trim-workspace-file.ts';

export interface ForkAppOptions {
  /** The dialect of the app to fork... */
  dialect: Dialect;
  /** ...and every other, whose parts the fork leaves out. */
  others: readonly Dialect[];
  /** An absolute path to a folder that does not exist or is empty. */
  target: string;
  /** The monorepo's root folder. */
  root: string;
}

/**
 * Root files that `turbo prune` leaves behind though the fork needs them: the
 * base tsconfig every package extends, Biome's configuration, the Node.js
 * version. pnpm-workspace.yaml is copied over prune's rewrite of it, which
 * drops the comments that explain it. The Markdown documents are rendered
 * for the fork's dialect (below).
 */
const rootFiles = ['tsconfig.base.json', 'biome.json', '.nvmrc', 'pnpm-workspace.yaml'];

/**
 * Cuts `apps/<dialect>` and the workspace packages it uses out of the
 * monorepo into a project of its own: `turbo prune` (the packages and a
 * pruned lockfile), then what prune leaves undone: the other dialects'
 * parts of the shared packages taken out, the root files above,
 * root scripts for this app, the READMEs, SECURITY.md and docs/ rendered
 * for its dialect (with its own text, packages/fork/parts/<dialect>.md), a
 * docker-compose.yml with only its database, and a git repository with a
 * first commit. Installing is left to the fork's owner (`pnpm install`).
 *
 * @example
 * forkApp({ dialect, others, target: '/home/me/my-auth', root: '/home/me/lucia-kysely-examples' });
 */
export function forkApp({ dialect, others, target, root }: ForkAppOptions): void {
  const app = `@app/${dialect.name}`;
  const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

  run(join(root, 'node_modules/.bin/turbo'), ['prune', app, '--out-dir', target], root);
  dropOtherDialects(target, others);
  for (const file of rootFiles) copyFileSync(join(root, file), join(target, file));
  // The pruned lockfile, without the packages taken out. Only removals:
  // pnpm resolves nothing new, and what it checks comes from its local
  // cache when there (the network only when not).
  run('pnpm', ['install', '--lockfile-only', '--prefer-offline'], target);
  const folders = ['apps', 'packages'].flatMap((parent) =>
    readdirSync(join(target, parent)).map((name) => `${parent}/${name}`),
  );
  const manifests = ['.', ...folders].map((folder) =>
    JSON.parse(readFileSync(join(target, folder, 'package.json'), 'utf8')),
  );
  const workspaceFile = join(target, 'pnpm-workspace.yaml');
  const trimmed = trimWorkspaceFile(readFileSync(workspaceFile, 'utf8'), {
    folders,
    dependencies: new Set(
      manifests.flatMap((manifest) => [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
      ]),
    ),
    locked: lockedNames(readFileSync(join(target, 'pnpm-lock.yaml'), 'utf8')),
  });
  writeFileSync(workspaceFile, trimmed);
  // The README links the contract, the pages of docs/ and pictures of the pages.
  cpSync(join(root, 'docs'), join(target, 'docs'), { recursive: true });

  const manifestPath = join(target, 'package.json');
  const manifest = manifests[0];
  const monorepo: string = manifest.name;
  manifest.name = `lucia-kysely-${dialect.name}`;
  manifest.scripts = keepScripts(
    { ...manifest.scripts, start: `pnpm --filter ${app} start` },
    {
      packages: new Set(manifests.map((each) => each.name)),
      exists: (path) => existsSync(join(target, path)),
    },
  );
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const names = [dialect, ...others].map((each) => each.name);
  const parts = parseForkParts(
    readFileSync(join(root, 'packages/fork/parts', `${dialect.name}.md`), 'utf8'),
  );
  const documents = [
    'README.md',
    'SECURITY.md',
    `apps/${dialect.name}/README.md`,
    // docs/API.md is the contract, copied word for word.
    ...readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md') && name !== 'API.md')
      .map((name) => `docs/${name}`),
  ];
  for (const document of documents) {
    const markdown = readFileSync(join(root, document), 'utf8');
    try {
      writeFileSync(
        join(target, document),
        renderMarkdown(markdown, { dialect: dialect.name, dialects: names, parts }),
      );
    } catch (error) {
      throw new Error(`${document}: ${error instanceof Error ? error.message : error}`);
    }
  }

  const compose = dialect.server
    ? renderComposeFile(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), dialect.name)
    : null;
  if (compose) writeFileSync(join(target, 'docker-compose.yml'), compose);

  const added = [
    "the other dialects' migrations, test modules and packages taken out",
    'root files and scripts',
    'README, docs/ and SECURITY.md',
    ...(compose ? ['docker-compose.yml'] : []),
  ];
  commitFork({
    target,
    root,
    run,
    subject: `Fork ${app} out of ${monorepo}`,
    body: `Made by \`pnpm fork ${dialect.name}\`: \`turbo prune ${app}\`, then what prune leaves undone: ${added.join(', ')}, and this commit.`,
  });
}

interface CommitForkOptions {
  target: string;
  root: string;
  run: (command: string, args: string[], cwd: string) => string;
  subject: string;
  body: string;
}

/** `git init` and a first commit of everything; the subject names the source commit. */
function commitFork({ target, root, run, subject, body }: CommitForkOptions): void {
  let source = '';
  if (existsSync(join(root, '.git'))) {
    source = ` at ${run('git', ['rev-parse', '--short', 'HEAD'], root)}`;
    if (run('git', ['status', '--porcelain'], root)) source += ' (with uncommitted changes)';
  }
  run('git', ['init', '--quiet'], target);
  // A machine with no git identity still gets its first commit; the owner
  // can amend the author.
  const identity = gitConfig(target, 'user.email')
    ? []
    : ['-c', 'user.name=pnpm fork', '-c', 'user.email=pnpm-fork@localhost'];
  run('git', ['add', '--all'], target);
  run(
    'git',
    [...identity, 'commit', '--quiet', '--message', `${subject}${source}`, '--message', body],
    target,
  );
}

function gitConfig(cwd: string, name: string): string {
  try {
    return execFileSync('git', ['config', name], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return '';
  }
}

/** The names of the packages a pnpm lockfile holds (`pg` of `pg@8.16.0`). */
function lockedNames(lockfile: string): Set<string> {
  const keys = parseAllDocuments(lockfile).flatMap((document) =>
    Object.keys((document.toJS() as { packages?: object }).packages ?? {}),
  );
  return new Set(keys.map((key) => key.replace(/^(@?[^@]+)@.*$/, '$1')));
}
