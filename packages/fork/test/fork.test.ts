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
import { runCommand, startProcess, stopProcess, waitForServing } from '@repo/testing/app-process';
import { startDatabaseServer } from '@repo/testing/database-server';
import { type Dialect, listDialects, loadDialect } from '@repo/testing/dialect';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { findBrokenLinks } from '../src/find-broken-links.ts';
import { findUnusedFiles } from '../src/find-unused-files.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'fork-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const dialects = await Promise.all(listDialects().map(loadDialect));

// Child processes get this process's environment (TEST_*_URL, CI, DOCKER_*)
// without vitest's own markers, which would confuse the fork's vitest.
const childEnv = Object.fromEntries(
  Object.entries(process.env).map(([name, value]) => [
    name,
    name.startsWith('VITEST') || name === 'TEST' ? undefined : value,
  ]),
);

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return runCommand(command, args, { cwd, env: { ...childEnv, ...env } });
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
  const target = join(folder, dialect.name);
  await succeed('pnpm', ['fork', dialect.name, target], root);
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

/** The monorepo's workspace packages: folder and name. */
const monorepoPackages = ['apps', 'packages']
  .flatMap((parent) => readdirSync(join(root, parent)).map((name) => `${parent}/${name}`))
  .concat('bench')
  .filter((folder) => existsSync(join(root, folder, 'package.json')))
  .map((folder) => ({
    folder,
    name: JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')).name as string,
  }));
const monorepoScripts: Record<string, string> = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).scripts;

/**
 * Whether `line` names `word`, in any case; a short word (`pg`) only where it
 * stands alone, not inside `png` or `upgrade`.
 */
function mentions(line: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = word.length <= 3 ? `(?<![a-z0-9])${escaped}(?![a-z0-9])` : escaped;
  return new RegExp(pattern, 'i').test(line);
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

describe.each(dialects.map((dialect) => [dialect.name, dialect] as const))(
  'pnpm fork %s',
  (name, dialect) => {
    const others = dialects.filter((other) => other !== dialect);

    it('is a git repository of the app and its workspace packages, in one commit', async () => {
      const target = await forked(dialect);
      const files = await gitFiles(target);
      console.log(`${name} fork: ${files.length} files`);

      const log = await succeed('git', ['log', '--format=%s'], target);
      expect(log.stdout.trim().split('\n')).toEqual([
        expect.stringContaining(`Fork @app/${name} out of lucia-kysely-examples`),
      ]);
      expect((await succeed('git', ['status', '--porcelain'], target)).stdout).toBe('');
      expect(files).toEqual(
        expect.arrayContaining([
          `apps/${name}/src/database.ts`,
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
        files
          .filter((file) => /^(apps|packages)\//.test(file))
          .map((file) => workspaceFolder(file)),
      );
      expect([...workspacePackages].sort()).toEqual([
        `apps/${name}`,
        'packages/auth',
        'packages/schema',
        'packages/testing',
        'packages/vitest-config',
      ]);

      const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8'));
      expect(manifest.scripts).toMatchObject({
        start: `pnpm --filter @app/${name} start`,
        test: 'turbo run test --continue',
      });
    });

    it('has a README of its dialect, and a docker-compose.yml with only its database', async () => {
      const target = await forked(dialect);
      const readme = readFileSync(join(target, 'README.md'), 'utf8');
      expect(readme.split('\n')[0]).toBe(
        `# Password auth on ${dialect.title}: Lucia + Kysely, one ${dialect.server ? 'pool' : 'connection'}`,
      );
      expect(readme).toContain(`apps/${name}/src/database.ts`);
      const appReadme = readFileSync(join(target, `apps/${name}/README.md`), 'utf8');
      expect(appReadme).toContain('## What it wires, and why');
      expect(appReadme).not.toMatch(/pnpm fork/);
      // Every Markdown document is rendered for the dialect: no marker is
      // left, and every relative link, picture and anchor is in the fork.
      const files = await gitFiles(target);
      const documents = new Map(
        files
          .filter((file) => file.endsWith('.md'))
          .map((file) => [file, readFileSync(join(target, file), 'utf8')]),
      );
      expect([...documents.keys()]).toEqual(
        expect.arrayContaining(['SECURITY.md', 'docs/API.md', 'docs/scaling-out.md']),
      );
      for (const [file, text] of documents) expect(text, file).not.toMatch(/<!--|-->/);
      expect(findBrokenLinks(documents, (path) => existsSync(join(target, path)))).toEqual([]);

      const compose = join(target, 'docker-compose.yml');
      if (!dialect.server) {
        expect(existsSync(compose)).toBe(false);
      } else {
        const { services, volumes } = parse(readFileSync(compose, 'utf8'));
        expect(Object.keys(services)).toEqual([name]);
        expect(Object.keys(volumes)).toEqual([`${name}-data`]);
      }
    });

    it('installs from the local pnpm store without the network', async () => {
      const target = await installed(dialect);
      const packages = lockedPackages(readFileSync(join(target, 'pnpm-lock.yaml'), 'utf8'));
      const monorepo = new Set(lockedPackages(readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')));
      console.log(
        `${name} fork: ${packages.length} locked packages, ` +
          `${readdirSync(join(target, 'node_modules/.pnpm')).filter((name) => name.includes('@')).length} installed`,
      );
      expect(packages.filter((key) => !monorepo.has(key))).toEqual([]);
      expect(existsSync(join(target, `apps/${name}/node_modules/.bin/vitest`))).toBe(true);
      // Only its own dialect's packages, and none of the other dialects'
      // migrations or records.
      const locked = new Set(packages.map((key) => key.replace(/^(@?[^@]+)@.*$/, '$1')));
      for (const other of others) {
        for (const each of other.packages) expect(locked).not.toContain(each);
        expect(existsSync(join(target, 'packages/schema/src', other.name))).toBe(false);
        expect(existsSync(join(target, 'packages/testing/src/dialects', other.name))).toBe(false);
      }
      for (const each of dialect.packages) expect(locked).toContain(each);
    });

    it('uses every TypeScript file it carries', async () => {
      const target = await installed(dialect);
      const files = await gitFiles(target);
      const lines = files
        .filter((file) => /\.tsx?$/.test(file))
        .reduce(
          (sum, file) => sum + readFileSync(join(target, file), 'utf8').split('\n').length,
          0,
        );
      console.log(`${name} fork: ${files.length} files, ${lines} lines of TypeScript`);
      expect(await findUnusedFiles(target, files)).toEqual([]);
    });

    it('refers to nothing it does not have, in any file', async () => {
      const target = await forked(dialect);
      const files = await gitFiles(target);
      // Every workspace line, catalog entry and build permission names what it has.
      const workspace = parse(readFileSync(join(target, 'pnpm-workspace.yaml'), 'utf8'));
      const lockfile = readFileSync(join(target, 'pnpm-lock.yaml'), 'utf8');
      const locked = new Set(
        lockedPackages(lockfile).map((key) => key.replace(/^(@?[^@]+)@.*$/, '$1')),
      );
      const folders = new Set(files.map((file) => workspaceFolder(file)));
      for (const glob of workspace.packages as string[]) {
        expect(
          [...folders].some((each) => each.startsWith(glob.replace(/\*$/, ''))),
          glob,
        ).toBe(true);
      }
      const manifests = files
        .filter((file) => file.endsWith('package.json'))
        .map((file) => JSON.parse(readFileSync(join(target, file), 'utf8')));
      const named = new Set(
        manifests.flatMap((manifest) => [
          ...Object.keys(manifest.dependencies ?? {}),
          ...Object.keys(manifest.devDependencies ?? {}),
        ]),
      );
      for (const entry of Object.keys(workspace.catalog)) expect(named, entry).toContain(entry);
      for (const entry of Object.keys(workspace.allowBuilds ?? {}))
        expect(locked, entry).toContain(entry);
      // Every root script runs what the fork has: `pnpm <script>` of each
      // filters to its own packages.
      const packages = new Set(manifests.map((manifest) => manifest.name));
      for (const script of Object.values(manifests[0]?.scripts ?? {}) as string[]) {
        for (const [, filter] of script.matchAll(/--filter[= ](\S+)/g))
          expect(packages).toContain(filter);
      }
    });

    it('names no other dialect, and nothing only the monorepo has, in any file', async () => {
      const target = await forked(dialect);
      const files = await gitFiles(target);
      const scripts = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')).scripts;
      const kept = new Set(files.map((file) => workspaceFolder(file)));
      // What only the monorepo has: its other workspace packages, by name
      // and folder (the bench, the scale suite, the fork, the other apps),
      // and the root scripts the fork leaves out (`pnpm test:scale`).
      const monorepoOnly = [
        ...monorepoPackages
          .filter(({ folder }) => !kept.has(folder))
          .flatMap(({ folder, name }) => [name, folder.includes('/') ? folder : `${folder}/`]),
        ...Object.keys(monorepoScripts)
          .filter((script) => !(script in scripts))
          .flatMap((script) => [`pnpm ${script}`, ...(script.includes(':') ? [script] : [])]),
      ];
      // Another dialect by any of its names: title, packages (drivers,
      // adapters, Testcontainers modules), test variables, and the servers
      // and tools around it (MariaDB and Galera, PgBouncer), so also the
      // error texts that name it (`cannot open MySQL at ...`).
      const otherNames = others.flatMap((other) => [
        other.name,
        other.title,
        ...other.packages,
        ...other.terms,
        ...(other.server ? [other.server.variable, other.server.imageVariable] : []),
      ]);
      // The TypeScript the dialects share (packages/auth, and packages/schema
      // and packages/testing outside a dialect's folder) is one code path
      // that tells each driver's errors apart by their codes, and whose
      // comments say which database a line is for: it may name another
      // dialect, but never import its packages or reach for its parts.
      const shared = (file: string) =>
        /^packages\/(auth|schema|testing)\/src\/.*\.tsx?$/.test(file) &&
        !file.startsWith(`packages/schema/src/${name}/`) &&
        !file.startsWith(`packages/testing/src/dialects/${name}/`);
      const otherParts = others.flatMap((other) => [
        `apps/${other.name}`,
        `@app/${other.name}`,
        `src/${other.name}/`,
        `dialects/${other.name}`,
        ...other.packages.flatMap((each) => [`'${each}'`, `"${each}"`]),
        ...(other.server ? [other.server.variable, other.server.imageVariable] : []),
      ]);
      // The contract, docs/API.md, is kept word for word: it speaks of all
      // three apps.
      const found = files
        .filter((file) => file !== 'docs/API.md')
        .flatMap((file) => {
          const bytes = readFileSync(join(target, file));
          if (bytes.includes(0)) return [];
          const words = [...monorepoOnly, ...(shared(file) ? otherParts : otherNames)];
          return bytes
            .toString('utf8')
            .split('\n')
            .flatMap((line, index) => {
              const named = words.filter((word) => mentions(line, word));
              return named.length > 0 ? [`${file}:${index + 1}: ${named.join(', ')}`] : [];
            });
        });
      expect(found).toEqual([]);
    });

    it('passes its own lint and type check', async () => {
      const target = await installed(dialect);
      await succeed('pnpm', ['lint'], target);
      await succeed('pnpm', ['check-types'], target);
    });

    it('starts with `pnpm start` and answers /healthz', async () => {
      const target = await installed(dialect);
      const server = await startDatabaseServer(dialect);
      const database = await dialect.createDatabase(server.url);
      // Its own process group, so that pnpm and the app it starts stop together.
      const app = startProcess('pnpm', ['start'], {
        cwd: target,
        env: {
          ...childEnv,
          PORT: '0',
          LOG_LEVEL: 'info',
          [dialect.variable.name]: database.location,
        },
        detached: true,
      });
      try {
        const { url } = await waitForServing(app);
        const response = await fetch(`${url}/healthz`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
      } finally {
        await stopProcess(app);
        await database.drop();
        await server.stop();
      }
    });
  },
);

// Each fork's whole suite, the three at once, as `pnpm test` runs the apps'
// suites (turbo): each waits on its database and its hashing threads as well
// as computing, so on CI's 2 cores the three took 279 s at once against 390 s
// one after another. The timeout guards against a hung run and is no speed
// limit: one fork's suite alone took 90-125 s on a quiet machine of CI's kind
// and up to 300 s with both cores loaded, where the config's 5 minutes cut a
// passing run short; each of its tests keeps its own timeout inside.
describe.concurrent('each fork passes its own tests', () => {
  for (const dialect of dialects) {
    it(`pnpm fork ${dialect.name}`, async () => {
      const { name } = dialect;
      const target = await installed(dialect);
      rmSync(join(target, `apps/${name}/test-results.json`), { force: true });
      // CI=1 makes the fork's vitest write its counts to test-results.json.
      const tested = await run('pnpm', ['test'], target, { CI: '1' });
      const output = `${tested.stdout}\n${tested.stderr}`.trim().split('\n').slice(-40).join('\n');
      // CI's own count of the report: its failed tests by name (or no
      // report), put on the error's first line, which is what CI's log shows.
      const counted = await run(
        'node',
        [join(root, 'scripts/count-test-results.mjs'), join(target, `apps/${name}`)],
        root,
      );
      console.log(`${name} fork: ${counted.stdout.trim()}`);
      if (counted.code !== 0 || tested.code !== 0)
        throw new Error(
          `its own tests failed: ${counted.stderr.trim() || 'none by name'}, exit ${tested.code}\n${output}`,
        );
      expect(Number.parseInt(counted.stdout, 10)).toBeGreaterThan(0);
    }, 900_000);
  }
});
