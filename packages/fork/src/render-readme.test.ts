import { describe, expect, it } from 'vitest';
import { renderReadme } from './render-readme.ts';

const dialects = ['postgres', 'mysql', 'sqlite'];

const readme = `# Title

<!-- only:monorepo -->
Every app.
<!-- /only -->
<!-- fork:postgres mysql
One server app.
-->

| variable | app |
| --- | --- |
| \`SERVER_URL\` | server | <!-- only:postgres mysql -->
| \`FILE_PATH\` | file | <!-- only:sqlite -->
`;

describe('renderReadme', () => {
  it('keeps what is marked for the dialect, and unmarks it', () => {
    expect(renderReadme(readme, 'postgres', dialects)).toBe(
      '# Title\n\nOne server app.\n\n| variable | app |\n| --- | --- |\n| `SERVER_URL` | server |\n',
    );
    expect(renderReadme(readme, 'sqlite', dialects)).toBe(
      '# Title\n\n| variable | app |\n| --- | --- |\n| `FILE_PATH` | file |\n',
    );
  });

  it.each([
    ['an unclosed block', '<!-- only:mysql -->\ntext\n', 'line 1: a block that is never closed'],
    ['a nested block', '<!-- only:mysql -->\n<!-- only:sqlite -->\n', 'line 2: a marker inside'],
    ['a stray closing marker', 'text\n<!-- /only -->\n', 'line 2: a closing marker'],
    ['an unknown tag', '<!-- only:oracle -->\n<!-- /only -->\n', 'line 1: unknown marker tag'],
    ['a marker inside a line', 'a <!-- only:mysql --> b\n', 'line 1: a marker must stand'],
  ])('refuses %s', (_, markdown, message) => {
    expect(() => renderReadme(markdown, 'postgres', dialects)).toThrow(message);
  });
});
