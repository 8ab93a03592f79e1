import { describe, expect, it } from 'vitest';
import { parseForkParts } from './parse-fork-parts.ts';

describe('parseForkParts', () => {
  it('takes each part up to the next, without the blank lines around it or what comes first', () => {
    const text =
      '<!-- For the reader. -->\n\n<!-- part:intro -->\n\n# Title\n\nText.\n\n<!-- part:start -->\n<!-- part:test -->\nRun it.\n';
    expect(parseForkParts(text)).toEqual(
      new Map([
        ['intro', '# Title\n\nText.'],
        ['start', ''],
        ['test', 'Run it.'],
      ]),
    );
  });

  it.each([
    ['a part named twice', '<!-- part:a -->\n<!-- part:a -->\n', 'line 2: a second part "a"'],
    ['a name that is not a-z', '<!-- part:Intro -->\n', "line 1: a part's name"],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseForkParts(text)).toThrow(message);
  });
});
