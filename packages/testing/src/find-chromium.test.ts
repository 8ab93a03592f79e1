import { describe, expect, it } from 'vitest';
import { type ChromiumSearch, findChromium, usualChromiumPaths } from './find-chromium.ts';

/** A search on `platform` where only `files` exist. */
function search(
  platform: NodeJS.Platform,
  files: string[],
  options: Partial<Pick<ChromiumSearch, 'env' | 'playwrightPath'>> = {},
): ChromiumSearch {
  return {
    platform,
    env: options.env ?? {},
    exists: (path) => files.includes(path),
    playwrightPath: options.playwrightPath ?? null,
  };
}

const playwright = '/home/me/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that names no file', () => {
    const env = { CHROMIUM_PATH: '/opt/my/chrome' };
    const files = ['/opt/my/chrome', '/usr/bin/chromium', playwright];
    expect(findChromium(search('linux', files, { env, playwrightPath: playwright }))).toEqual({
      ok: true,
      path: '/opt/my/chrome',
    });
    const missing = findChromium(search('linux', ['/usr/bin/chromium'], { env }));
    expect(missing).toEqual({ ok: false, reason: expect.stringContaining('/opt/my/chrome') });
  });

  it("takes Playwright's own browser before the system's", () => {
    const files = [playwright, '/usr/bin/chromium'];
    expect(findChromium(search('linux', files, { playwrightPath: playwright }))).toEqual({
      ok: true,
      path: playwright,
    });
    // Known to playwright-core but never downloaded: the system's.
    expect(
      findChromium(search('linux', ['/usr/bin/chromium'], { playwrightPath: playwright })),
    ).toEqual({
      ok: true,
      path: '/usr/bin/chromium',
    });
  });

  it.each([
    ['linux', '/snap/bin/chromium', {}],
    ['linux', '/usr/bin/chromium-browser', {}],
    ['linux', '/usr/bin/google-chrome', {}],
    ['darwin', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', {}],
    [
      'darwin',
      '/Users/me/Applications/Chromium.app/Contents/MacOS/Chromium',
      { HOME: '/Users/me' },
    ],
    [
      'win32',
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      { PROGRAMFILES: 'C:\\Program Files' },
    ],
    [
      'win32',
      'C:\\Users\\me\\AppData\\Local\\Chromium\\Application\\chrome.exe',
      { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' },
    ],
  ] as const)('finds a browser on %s at %s', (platform, path, env) => {
    expect(usualChromiumPaths(platform, env)).toContain(path);
    expect(findChromium(search(platform, [path], { env }))).toEqual({ ok: true, path });
  });

  it.each([
    ['linux', 'apt-get install chromium'],
    ['darwin', 'brew install --cask chromium'],
    ['win32', 'winget install Google.Chrome'],
  ] as const)('says on %s what it looked for and how to install one', (platform, command) => {
    const found = findChromium(search(platform, [], { playwrightPath: playwright }));
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.reason).toContain('CHROMIUM_PATH');
    expect(found.reason).toContain(playwright);
    for (const path of usualChromiumPaths(platform, {})) expect(found.reason).toContain(path);
    expect(found.reason).toContain(command);
    expect(found.reason).toContain('playwright-core install chromium');
  });
});
