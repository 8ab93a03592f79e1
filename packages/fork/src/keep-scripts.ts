/** What a fork has: its workspace packages, and which paths exist in it. */
export interface ForkContents {
  packages: ReadonlySet<string>;
  exists(path: string): boolean;
}

/**
 * The monorepo's root scripts that still work in a fork: a script that
 * filters to a package the fork does not have (`pnpm --filter @repo/bench
 * bench`) or names a path it lacks (`node packages/fork/src/main.ts`) is
 * left out, rather than kept to fail or, worse, to do nothing and exit 0.
 *
 * @example
 * keepScripts({ bench: 'pnpm --filter @repo/bench bench' }, contents); // {}
 */
export function keepScripts(
  scripts: Record<string, string>,
  contents: ForkContents,
): Record<string, string> {
  const works = (script: string) => {
    const filters = [...script.matchAll(/--filter[= ](\S+)/g)].map((match) => match[1] as string);
    const paths = script.split(/\s+/).filter((word) => /^(apps|packages|bench)\//.test(word));
    return (
      filters.every((name) => contents.packages.has(name)) &&
      paths.every((path) => contents.exists(path))
    );
  };
  return Object.fromEntries(Object.entries(scripts).filter(([, script]) => works(script)));
}
