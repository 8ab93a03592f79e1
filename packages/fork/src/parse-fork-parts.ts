const partStart = /^<!-- part:([a-z-]+) -->$/;

/**
 * The parts of a fork's own text (packages/fork/parts/<dialect>.md): what a
 * fork of that dialect says where the monorepo's documents have a line
 * `<!-- fork:<part> -->`. Each part runs from its line `<!-- part:<name> -->`
 * to the next, blank lines around it dropped; an empty part says nothing
 * there. What comes before the first part (a comment for the reader of the
 * file) is not a part.
 *
 * @example
 * parseForkParts('<!-- part:intro -->\n# My fork\n'); // Map { 'intro' => '# My fork' }
 */
export function parseForkParts(text: string): Map<string, string> {
  const parts = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const [index, line] of text.split('\n').entries()) {
    const start = line.match(partStart);
    if (start) {
      const name = start[1] as string;
      if (parts.has(name)) throw new Error(`line ${index + 1}: a second part "${name}"`);
      current = [];
      parts.set(name, current);
    } else if (line.startsWith('<!-- part:')) {
      throw new Error(`line ${index + 1}: a part's name is a-z and -, alone on its line`);
    } else {
      current?.push(line);
    }
  }
  return new Map([...parts].map(([name, lines]) => [name, lines.join('\n').trim()]));
}
