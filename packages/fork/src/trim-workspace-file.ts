import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The monorepo's pnpm-workspace.yaml cut to a fork: without the `bench`
 * package, which the fork does not have, and without the catalog versions
 * of packages no manifest of the fork names. Edited line by line rather than
 * parsed and written again, so that its comments stay.
 */
export function trimWorkspaceFile(workspaceFile: string, target: string): string {
  const used = new Set<string>();
  const manifests = [
    'package.json',
    ...['apps', 'packages'].flatMap((folder) =>
      readdirSync(join(target, folder)).map((name) => join(folder, name, 'package.json')),
    ),
  ];
  for (const manifest of manifests) {
    const { dependencies = {}, devDependencies = {} } = JSON.parse(
      readFileSync(join(target, manifest), 'utf8'),
    );
    for (const name of [...Object.keys(dependencies), ...Object.keys(devDependencies)]) {
      used.add(name);
    }
  }
  let section = '';
  return workspaceFile
    .split('\n')
    .filter((line) => {
      if (/^\S/.test(line)) section = line;
      if (section === 'packages:' && line === '  - bench') return false;
      const entry = section === 'catalog:' && line.match(/^ {2}"?([^":\s]+)"?:/);
      return !entry || used.has(entry[1] as string);
    })
    .join('\n');
}
