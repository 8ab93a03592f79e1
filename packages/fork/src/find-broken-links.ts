import { dirname, join, normalize } from 'node:path/posix';

/**
 * The relative links and pictures of Markdown documents that point at
 * nothing: a path that does not exist, or an `#anchor` that no heading of
 * the linked document makes (when that document is among `documents`).
 * Links to the web, and anything inside code, are not looked at. Paths are
 * relative to the project's root, with `/`.
 *
 * @example
 * findBrokenLinks(new Map([['README.md', '[API](docs/API.md)']]), existsInProject);
 * // ['README.md: docs/API.md'] when there is no docs/API.md
 */
export function findBrokenLinks(
  documents: ReadonlyMap<string, string>,
  exists: (path: string) => boolean,
): string[] {
  const anchors = new Map([...documents].map(([path, text]) => [path, anchorsOf(text)]));
  const broken: string[] = [];
  for (const [path, text] of documents) {
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const [file = '', anchor] = link.split('#');
      const target = file === '' ? path : normalize(join(dirname(path), file)).replace(/\/$/, '');
      const known = anchors.get(target);
      // An anchor into a file that is not one of `documents` is not checked.
      const found = known ? anchor === undefined || known.has(anchor) : exists(target);
      if (!found) broken.push(`${path}: ${link}`);
    }
  }
  return broken;
}

/** The targets of `[text](target)` and `![alt](target)` outside code. */
function linksOf(markdown: string): string[] {
  return prose(markdown).flatMap((line) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map(
      (match) => match[1] as string,
    ),
  );
}

/** The anchors a renderer such as GitHub's gives the document's headings. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(markdown)) {
    const heading = line.match(/^#{1,6}\s+(.+?)\s*#*$/);
    if (!heading) continue;
    const slug = (heading[1] as string)
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The lines of a Markdown document outside fenced code blocks. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}
