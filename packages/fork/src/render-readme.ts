const blockStart = /^<!-- only:([a-z ]+) -->$/;
const blockEnd = /^<!-- \/only -->$/;
const lineMarker = /\s*<!-- only:([a-z ]+) -->$/;
const forkStart = /^<!-- fork:([a-z ]+)$/;
const forkEnd = /^-->$/;

/**
 * Renders a README of the monorepo for a fork of one dialect's app. The README
 * marks what is not for every reader with HTML comments, which Markdown
 * renderers hide:
 *
 * - `<!-- only:postgres mysql -->` … `<!-- /only -->`: shown in the monorepo;
 *   in a fork, kept when its dialect is listed (`only:monorepo`: never);
 * - a line that ends with `<!-- only:… -->` (a table row, a list item): the
 *   same, for that line alone;
 * - `<!-- fork:postgres` … `-->`: hidden in the monorepo; in a fork of a
 *   listed dialect, the lines in between are shown.
 *
 * The tags are `monorepo` and the names in `dialects`. A marker that is
 * unknown, unclosed or nested is an error, so that a README edit cannot
 * silently leak one dialect's text into another's fork.
 *
 * Written by hand: Markdown processors (remark and its plugins) parse the
 * whole document and print it again in their own formatting; these markers
 * only need a line filter.
 *
 * @example
 * renderReadme('a\n<!-- only:mysql -->\nb\n<!-- /only -->\n', 'postgres', ['postgres', 'mysql']); // 'a\n'
 */
export function renderReadme(markdown: string, dialect: string, dialects: string[]): string {
  const tagNames = new Set(['monorepo', ...dialects]);
  const lists = (tags: string | undefined, where: string): boolean => {
    const names = (tags ?? '').split(' ').filter(Boolean);
    const unknown = names.find((name) => !tagNames.has(name));
    if (unknown || names.length === 0) throw new Error(`${where}: unknown marker tag "${unknown}"`);
    return names.includes(dialect);
  };
  const kept: string[] = [];
  let open: { kind: 'only' | 'fork'; keep: boolean; line: number } | null = null;

  for (const [index, text] of markdown.split('\n').entries()) {
    const line = index + 1;
    const where = `line ${line}`;
    const start = text.match(blockStart) ?? text.match(forkStart);
    if (start) {
      if (open) throw new Error(`${where}: a marker inside the block opened on line ${open.line}`);
      open = {
        kind: text.startsWith('<!-- only') ? 'only' : 'fork',
        keep: lists(start[1], where),
        line,
      };
      continue;
    }
    if (blockEnd.test(text) || (open?.kind === 'fork' && forkEnd.test(text))) {
      if (!open || (open.kind === 'only') !== blockEnd.test(text)) {
        throw new Error(`${where}: a closing marker with no block to close`);
      }
      open = null;
      continue;
    }
    if (open && !open.keep) continue;
    const marked = text.match(lineMarker);
    if (marked) {
      if (lists(marked[1], where)) kept.push(text.slice(0, marked.index));
      continue;
    }
    if (text.includes('<!-- only:') || text.includes('<!-- fork:') || text.includes('/only -->')) {
      throw new Error(`${where}: a marker must stand on a line of its own or end the line`);
    }
    kept.push(text);
  }
  if (open) throw new Error(`line ${open.line}: a block that is never closed`);

  // Dropped blocks leave their blank lines behind: one blank line between parts.
  return `${kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
