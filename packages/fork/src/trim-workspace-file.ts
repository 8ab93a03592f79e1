import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

export interface WorkspaceContents {
  /** The workspace's package folders (`apps/postgres`, `packages/auth`, ...). */
  folders: readonly string[];
  /** Every package name its manifests depend on. */
  dependencies: ReadonlySet<string>;
  /** Every package name its lockfile holds. */
  locked: ReadonlySet<string>;
}

/**
 * The monorepo's pnpm-workspace.yaml cut to a fork, with its comments: the
 * package globs that match none of the fork's folders (`bench`), the catalog
 * versions of packages no manifest of the fork names, and the `allowBuilds`
 * and peer-dependency rules of packages its lockfile does not hold are
 * taken out.
 *
 * @example
 * trimWorkspaceFile(readFileSync('pnpm-workspace.yaml', 'utf8'), contents);
 */
export function trimWorkspaceFile(workspaceFile: string, contents: WorkspaceContents): string {
  const document = parseDocument(workspaceFile);
  const packages = document.get('packages');
  if (isSeq(packages)) {
    packages.items = packages.items.filter(
      (item) =>
        isScalar(item) && contents.folders.some((folder) => matches(String(item.value), folder)),
    );
  }
  const keep = (section: string, names: ReadonlySet<string>) => {
    const map = document.get(section);
    if (!isMap(map)) return;
    map.items = map.items.filter((pair) => isScalar(pair.key) && names.has(String(pair.key.value)));
  };
  keep('catalog', contents.dependencies);
  keep('allowBuilds', contents.locked);
  // `peerDependencyRules.allowedVersions` keys name a package (`a>b`): the
  // rules of a package the fork does not lock go, and the section when empty.
  const allowed = document.getIn(['peerDependencyRules', 'allowedVersions']);
  if (isMap(allowed)) {
    allowed.items = allowed.items.filter(
      (pair) =>
        isScalar(pair.key) && contents.locked.has(String(pair.key.value).split('>')[0] ?? ''),
    );
    if (allowed.items.length === 0) document.delete('peerDependencyRules');
  }
  return document.toString();
}

/** Whether a workspace glob (`apps/*`, `bench`) names `folder`. */
function matches(glob: string, folder: string): boolean {
  return glob.endsWith('/*') ? folder.startsWith(glob.slice(0, -1)) : folder === glob;
}
