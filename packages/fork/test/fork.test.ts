import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDatabaseServer } from '@repo/testing/database-server';
import { createTestDatabase } from '@repo/testing/test-database';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { type Dialect, dialects } from '../src/dialect.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'fork-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const databaseNames: Record<Dialect, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  sqlite: 'SQLite',
};

// Child processes get this process's environment (TEST_*_URL, CI, DOCKER_*)
// without vitest's own markers, which would confuse the fork's vitest.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'TEST'),
);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Result> {
  const child = spawn(command, args, {
    cwd,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'close');
  return { code, stdout, stderr };
}

/** Fails with the command's output when it did not exit 0. */
async function succeed(command: string, args: string[], cwd: string, env?: Record<string, string>) {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${output}`);
  }
  return result;
}

/** Memoizes one promise per dialect, so that each test may ask and none depends on order. */
function oncePerDialect(make: (dialect: Dialect) => Promise<string>) {
  const made = new Map<Dialect, Promise<string>>();
  return (dialect: Dialect) => {
    if (!made.has(dialect)) made.set(dialect, make(dialect));
    return made.get(dialect) as Promise<string>;
  };
}

const forked = oncePerDialect(async (dialect) => {
  const target = join(folder, dialect);
  await succeed('pnpm', ['fork', dialect, target], root);
  return target;
});

// The network is off (--offline): every package comes from the local store.
// The fork's lockfile is a subset of the monorepo's, which the monorepo's own
// install verified against pnpm's supply-chain policies (the subset is
// checked below); re-verifying would need the registry, hence --trust-lockfile.
const installed = oncePerDialect(async (dialect) => {
  const target = await forked(dialect);
  await succeed('pnpm', ['install', '--offline', '--frozen-lockfile', '--trust-lockfile'], target);
  return target;
});

function lockedPackages(lockfile: string): string[] {
  return parseAllDocuments(lockfile).flatMap((document) =>
    Object.keys((document.toJS() as { packages?: object }).packages ?? {}),
  );
}

/** `apps/postgres/src/main.ts` → `apps/postgres` */
function workspaceFolder(file: string): string {
  return file.split('/').slice(0, 2).join('/');
}

/** The targets of a Markdown text's relative links and pictures, without `#anchors`. */
function localLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => (match[1] as string).split('#')[0] as string)
    .filter((link) => link !== '' && !/^[a-z]+:/i.test(link));
}

function gitFiles(target: string): Promise<string[]> {
  return succeed('git', ['ls-files'], target).then(({ stdout }) => stdout.trim().split('\n'));
}

describe('pnpm fork: bad use', () => {
  it.each([
    ['no argument', []],
    ['a missing folder', ['postgres']],
    ['an unknown dialect', ['oracle', 'new']],
    ['an extra argument', ['postgres', 'new', 'extra']],
    ['an unknown option', ['--force', 'postgres', 'new']],
    ['a folder that is not empty', ['sqlite', 'full']],
    ['a file', ['sqlite', 'full/file.txt']],
  ])('refuses %s with one line and exit code 2, writing nothing', async (_, args) => {
    const cwd = mkdtempSync(join(folder, 'bad-use-'));
    mkdirSync(join(cwd, 'full'));
    writeFileSync(join(cwd, 'full/file.txt'), 'mine');

    const result = await run(process.execPath, ['--experimental-strip-types', main, ...args], cwd, {
      INIT_CWD: cwd,
    });

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^pnpm fork: /);
    expect(readdirSync(cwd)).toEqual(['full']);
    expect(readdirSync(join(cwd, 'full'))).toEqual(['file.txt']);
  });

  it('exits 2 through `pnpm fork` too', async () => {
    const result = await run('pnpm', ['fork', 'oracle', 'never-written'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pnpm fork: unknown dialect "oracle"');
    expect(existsSync(join(root, 'never-written'))).toBe(false);
  });
});

describe.each(dialects)('pnpm fork %s', (dialect) => {
  const others = dialects.filter((other) => other !== dialect);

  it('is a git repository of the app and its workspace packages, in one commit', async () => {
    const target = await forked(dialect);
    const files = await gitFiles(target);
    console.log(`${dialect} fork: ${files.length} files`);

    const log = await succeed('git', ['log', '--format=%s'], target);
    expect(log.stdout.trim().split('\n')).toEqual([
      expect.stringContaining(`Fork @app/${dialect} out of lucia-kysely-examples`),
    ]);
    expect((await succeed('git', ['status', '--porcelain'], target)).stdout).toBe('');
    expect(files).toEqual(
      expect.arrayContaining([
        `apps/${dialect}/src/database.ts`,
        'packages/auth/src/create-app.ts',
        'packages/schema/src/database.ts',
        'packages/testing/src/conformance-suite.ts',
        'pnpm-lock.yaml',
        'pnpm-workspace.yaml',
        'tsconfig.base.json',
        'biome.json',
        '.nvmrc',
      ]),
    );
    const workspacePackages = new Set(
      files.filter((file) => /^(apps|packages)\//.test(file)).map((file) => workspaceFolder(file)),
    );
    expect([...workspacePackages].sort()).toEqual([
      `apps/${dialect}`,
      'packages/auth',
      'packages/schema',
      'packages/testing',
    ]);

    const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
    expect(manifest.scripts).toMatchObject({
      start: `pnpm --filter @app/${dialect} start`,
      test: 'turbo run test',
    });
    expect(manifest.scripts).not.toHaveProperty('fork');
  });

  it('has a README of its dialect, and a docker-compose.yml with only its database', async () => {
    const target = await forked(dialect);
    const readme = readFileSync(join(target, 'README.md'), 'utf8');
    expect(readme.split('\n')[0]).toBe(
      `# Password auth on ${databaseNames[dialect]}: Lucia + Kysely, one ${dialect === 'sqlite' ? 'connection' : 'pool'}`,
    );
    expect(readme).toContain(`apps/${dialect}/src/database.ts`);
    expect(readme).not.toMatch(/<!--|-->/);
    expect(readme).not.toContain('pnpm fork');
    for (const other of others) {
      expect(readme).not.toContain(`apps/${other}`);
      expect(readme).not.toContain(`TEST_${other.toUpperCase()}_URL`);
    }
    const appReadme = readFileSync(join(target, `apps/${dialect}/README.md`), 'utf8');
    expect(appReadme).toContain('## What it wires, and why');
    expect(appReadme).not.toMatch(/<!--|pnpm fork/);
    // Every relative link and picture of both READMEs is in the fork.
    const missing = [
      ...localLinks(readme).map((link) => join(target, link)),
      ...localLinks(appReadme).map((link) => join(target, `apps/${dialect}`, link)),
    ].filter((path) => !existsSync(path));
    expect(missing).toEqual([]);

    const compose = join(target, 'docker-compose.yml');
    if (dialect === 'sqlite') {
      expect(existsSync(compose)).toBe(false);
    } else {
      const { services, volumes } = parse(readFileSync(compose, 'utf8'));
      expect(Object.keys(services)).toEqual([dialect]);
      expect(Object.keys(volumes)).toEqual([`${dialect}-data`]);
    }
  });

  it('installs from the local pnpm store without the network', async () => {
    const target = await installed(dialect);
    const packages = lockedPackages(readFileSync(join(target, 'pnpm-lock.yaml'), 'utf8'));
    const monorepo = new Set(lockedPackages(readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')));
    console.log(
      `${dialect} fork: ${packages.length} locked packages, ` +
        `${readdirSync(join(target, 'node_modules/.pnpm')).filter((name) => name.includes('@')).length} installed`,
    );
    expect(packages.filter((key) => !monorepo.has(key))).toEqual([]);
    expect(existsSync(join(target, `apps/${dialect}/node_modules/.bin/vitest`))).toBe(true);
    // Only its own dialect's driver and Testcontainers module, and none of
    // the other dialects' migrations or test modules.
    const names = new Set(packages.map((key) => key.replace(/^(@?[^@]+)@.*$/, '$1')));
    const ownPackages: Record<Dialect, string[]> = {
      postgres: ['pg', '@testcontainers/postgresql'],
      mysql: ['mysql2', '@testcontainers/mysql'],
      sqlite: ['better-sqlite3'],
    };
    for (const other of others) {
      for (const name of ownPackages[other]) expect(names).not.toContain(name);
      expect(existsSync(join(target, 'packages/schema/src', other))).toBe(false);
      expect(existsSync(join(target, 'packages/testing/src/dialects', `${other}.ts`))).toBe(false);
    }
    for (const name of ownPackages[dialect]) expect(names).toContain(name);
    // Nor does its workspace file name them, or the monorepo's bench.
    const workspace = parse(readFileSync(join(target, 'pnpm-workspace.yaml'), 'utf8'));
    expect(workspace.packages).not.toContain('bench');
    const catalog = Object.keys(workspace.catalog);
    for (const other of others) {
      for (const name of ownPackages[other]) expect(catalog).not.toContain(name);
    }
    for (const name of ownPackages[dialect]) expect(catalog).toContain(name);
  });

  it('passes its own tests', async () => {
    const target = await installed(dialect);
    rmSync(join(target, `apps/${dialect}/test-results.json`), { force: true });
    // CI=1 makes the fork's vitest write its counts to test-results.json.
    await succeed('pnpm', ['test'], target, { CI: '1' });
    const report = JSON.parse(
      readFileSync(join(target, `apps/${dialect}/test-results.json`), 'utf8'),
    );
    console.log(`${dialect} fork: ${report.numPassedTests} of its own tests passed`);
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(0);
  });

  it('passes its own lint and type check', async () => {
    const target = await installed(dialect);
    await succeed('pnpm', ['lint'], target);
    await succeed('pnpm', ['check-types'], target);
  });

  it('starts with `pnpm start` and answers /healthz', async () => {
    const target = await installed(dialect);
    const server = await startDatabaseServer(dialect);
    const database = await createTestDatabase(dialect, server.url);
    const variable = dialect === 'sqlite' ? 'DATABASE_PATH' : 'DATABASE_URL';
    // Its own process group, so that pnpm and the app it starts stop together.
    const child = spawn('pnpm', ['start'], {
      cwd: target,
      env: { ...childEnv, PORT: '0', LOG_LEVEL: 'info', [variable]: database.location },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = once(child, 'exit');
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && !url && child.exitCode === null; i += 1) {
        url = output.match(/on (http:\/\/[\d.]+:\d+)/)?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(url, `the fork did not start:\n${output}`).toBeDefined();
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
      await database.drop();
      await server.stop();
    }
  });
});
