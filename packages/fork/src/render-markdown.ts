const blockStart = /^<!-- only:([a-z ]+) -->$/;
const blockEnd = /^<!-- \/only -->$/;
const lineMarker = /\s*<!-- only:([a-z ]+) -->$/;
const forkPart = /^<!-- fork:([a-z-]+) -->$/;

export interface RenderMarkdownOptions {
  /** The fork's dialect... */
  dialect: string;
  /** ...among all of them, the marker tags beside `monorepo`. */
  dialects: readonly string[];
  /** The fork's own text, by part name (`parseForkParts`). */
  parts: ReadonlyMap<string, string>;
}

/**
 * Renders a Markdown document of the monorepo (a README, SECURITY.md, a page
 * of docs/) for a fork of one dialect's app. The document marks what is not
 * for every reader with HTML comments, which Markdown renderers hide and
 * which carry no text of their own:
 *
 * - `<!-- only:postgres mysql -->` … `<!-- /only -->`: shown in the monorepo;
 *   in a fork, kept when its dialect is listed (`only:monorepo`: never);
 * - a line that ends with `<!-- only:… -->` (a table row, a list item, a line
 *   of a paragraph): the same, for that line alone;
 * - a line `<!-- fork:intro -->`: nothing in the monorepo; in a fork, the
 *   part `intro` of the fork's own text (packages/fork/parts/<dialect>.md).
 *
 * The tags are `monorepo` and the names in `dialects`. A marker that is
 * unknown, unclosed or nested, or a part the fork's text lacks, is an error,
 * so that an edit cannot silently leak one dialect's text into another's
 * fork, or leave a hole in it.
 *
 * Written by hand: Markdown processors (remark and its plugins) parse the
 * whole document and print it again in their own formatting; these markers
 * only need a line filter.
 *
 * @example
 * renderMarkdown('a\n<!-- only:mysql -->\nb\n<!-- /only -->\n', { dialect: 'postgres', dialects: ['postgres', 'mysql'], parts: new Map() }); // 'a\n'
 */
export function renderMarkdown(markdown: string, options: RenderMarkdownOptions): string {
  const { dialect, dialects, parts } = options;
  const tagNames = new Set(['monorepo', ...dialects]);
  const lists = (tags: string | undefined, where: string): boolean => {
    const names = (tags ?? '').split(' ').filter(Boolean);
    const unknown = names.find((name) => !tagNames.has(name));
    if (unknown || names.length === 0) throw new Error(`${where}: unknown marker tag "${unknown}"`);
    return names.includes(dialect);
  };
  const kept: string[] = [];
  let open: { keep: boolean; line: number } | null = null;

  for (const [index, text] of markdown.split('\n').entries()) {
    const line = index + 1;
    const where = `line ${line}`;
    const start = text.match(blockStart);
    if (start) {
      if (open) throw new Error(`${where}: a marker inside the block opened on line ${open.line}`);
      open = { keep: lists(start[1], where), line };
      continue;
    }
    if (blockEnd.test(text)) {
      if (!open) throw new Error(`${where}: a closing marker with no block to close`);
      open = null;
      continue;
    }
    if (open && !open.keep) continue;
    const part = text.match(forkPart);
    if (part) {
      const name = part[1] as string;
      const body = parts.get(name);
      if (body === undefined)
        throw new Error(`${where}: the fork's text of ${dialect} has no part "${name}"`);
      kept.push(body);
      continue;
    }
    const marked = text.match(lineMarker);
    if (marked) {
      if (lists(marked[1], where)) kept.push(text.slice(0, marked.index));
      continue;
    }
    if (/<!-- (only|fork):|\/only -->/.test(text)) {
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
