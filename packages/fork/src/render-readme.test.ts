import { describe, expect, it } from 'vitest';
import { renderReadme } from '../src/render-readme.ts';

const readme = `# Title

<!-- only:monorepo -->
Every app.
<!-- /only -->
<!-- fork:postgres mysql
One server app.
-->

| variable | app |
| --- | --- |
| \`DATABASE_URL\` | server | <!-- only:postgres mysql -->
| \`DATABASE_PATH\` | file | <!-- only:sqlite -->
`;

describe('renderReadme', () => {
  it('keeps what is marked for the dialect, and unmarks it', () => {
    expect(renderReadme(readme, 'postgres')).toBe(
      '# Title\n\nOne server app.\n\n| variable | app |\n| --- | --- |\n| `DATABASE_URL` | server |\n',
    );
    expect(renderReadme(readme, 'sqlite')).toBe(
      '# Title\n\n| variable | app |\n| --- | --- |\n| `DATABASE_PATH` | file |\n',
    );
  });

  it.each([
    ['an unclosed block', '<!-- only:mysql -->\ntext\n', 'line 1: a block that is never closed'],
    ['a nested block', '<!-- only:mysql -->\n<!-- only:sqlite -->\n', 'line 2: a marker inside'],
    ['a stray closing marker', 'text\n<!-- /only -->\n', 'line 2: a closing marker'],
    ['an unknown tag', '<!-- only:oracle -->\n<!-- /only -->\n', 'line 1: unknown marker tag'],
    ['a marker inside a line', 'a <!-- only:mysql --> b\n', 'line 1: a marker must stand'],
  ])('refuses %s', (_, markdown, message) => {
    expect(() => renderReadme(markdown, 'postgres')).toThrow(message);
  });
});
