import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render-markdown.ts';

const dialects = ['postgres', 'mysql', 'sqlite'];
const parts = new Map([
  ['intro', '# One server app'],
  ['none', ''],
]);

const readme = `<!-- only:monorepo -->
# Every app
<!-- /only -->
<!-- fork:intro -->

Runs against
every app. <!-- only:monorepo -->
a server. <!-- only:postgres mysql -->
<!-- fork:none -->

| variable | app |
| --- | --- |
| \`SERVER_URL\` | server | <!-- only:postgres mysql -->
| \`FILE_PATH\` | file | <!-- only:sqlite -->
`;

describe('renderMarkdown', () => {
  it("keeps what is marked for the dialect, unmarked, and puts the fork's parts in", () => {
    expect(renderMarkdown(readme, { dialect: 'postgres', dialects, parts })).toBe(
      '# One server app\n\nRuns against\na server.\n\n| variable | app |\n| --- | --- |\n| `SERVER_URL` | server |\n',
    );
    expect(renderMarkdown(readme, { dialect: 'sqlite', dialects, parts })).toBe(
      '# One server app\n\nRuns against\n\n| variable | app |\n| --- | --- |\n| `FILE_PATH` | file |\n',
    );
  });

  it.each([
    ['an unclosed block', '<!-- only:mysql -->\ntext\n', 'line 1: a block that is never closed'],
    ['a nested block', '<!-- only:mysql -->\n<!-- only:sqlite -->\n', 'line 2: a marker inside'],
    ['a stray closing marker', 'text\n<!-- /only -->\n', 'line 2: a closing marker'],
    ['an unknown tag', '<!-- only:oracle -->\n<!-- /only -->\n', 'line 1: unknown marker tag'],
    ['a marker inside a line', 'a <!-- only:mysql --> b\n', 'line 1: a marker must stand'],
    ['a part inside a line', 'a <!-- fork:intro --> b\n', 'line 1: a marker must stand'],
    [
      'a part the fork lacks',
      'a\n<!-- fork:outro -->\n',
      'line 2: the fork\'s text of postgres has no part "outro"',
    ],
  ])('refuses %s', (_, markdown, message) => {
    expect(() => renderMarkdown(markdown, { dialect: 'postgres', dialects, parts })).toThrow(
      message,
    );
  });
});
