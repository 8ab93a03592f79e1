import { join } from 'node:path';

/** What `findChromium` may look at: the environment and the files there are. */
export interface ChromiumSearch {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Whether a file exists. */
  exists(path: string): boolean;
  /** The browser Playwright manages (`chromium.executablePath()`), when playwright-core knows one. */
  playwrightPath: string | null;
}

export type ChromiumFound = { ok: true; path: string } | { ok: false; reason: string };

/** Where Chromium or Chrome is installed by default on each system. */
export function usualChromiumPaths(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Chromium.app/Contents/MacOS/Chromium',
      'Google Chrome.app/Contents/MacOS/Google Chrome',
    ];
    const folders = ['/Applications', ...(env.HOME ? [join(env.HOME, 'Applications')] : [])];
    return folders.flatMap((folder) => apps.map((app) => `${folder}/${app}`));
  }
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter(
      (root): root is string => Boolean(root),
    );
    return roots.flatMap((root) => [
      `${root}\\Chromium\\Application\\chrome.exe`,
      `${root}\\Google\\Chrome\\Application\\chrome.exe`,
    ]);
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
  ];
}

/** The command that installs a Chromium on that system. */
function installHint(platform: NodeJS.Platform): string {
  const playwright =
    'or let Playwright download its own: `pnpm --filter @repo/testing exec playwright-core install chromium`';
  if (platform === 'darwin') return `\`brew install --cask chromium\`, ${playwright}`;
  if (platform === 'win32') return `\`winget install Google.Chrome\`, ${playwright}`;
  return `\`sudo apt-get install chromium\` (Debian), \`sudo snap install chromium\` (Ubuntu), \`sudo dnf install chromium\` (Fedora), ${playwright}`;
}

/**
 * The Chromium the browser tests drive, the first found of: `CHROMIUM_PATH`;
 * the browser Playwright manages, when installed; Chromium or Chrome at the
 * usual places of the system. None: a reason that says what was looked for
 * and how to install one. Found here, not by Playwright, which knows only its
 * own downloads and Chrome's "channels", and the tests never download one.
 *
 * @example
 * findChromium({ env: process.env, platform: process.platform, exists: existsSync, playwrightPath: null });
 */
export function findChromium({
  env,
  platform,
  exists,
  playwrightPath,
}: ChromiumSearch): ChromiumFound {
  if (env.CHROMIUM_PATH) {
    return exists(env.CHROMIUM_PATH)
      ? { ok: true, path: env.CHROMIUM_PATH }
      : { ok: false, reason: `CHROMIUM_PATH is ${env.CHROMIUM_PATH}, and there is no file there.` };
  }
  const candidates = [
    ...(playwrightPath ? [playwrightPath] : []),
    ...usualChromiumPaths(platform, env),
  ];
  const path = candidates.find((candidate) => exists(candidate));
  if (path) return { ok: true, path };
  return {
    ok: false,
    reason: [
      'No Chromium for the browser tests. Looked for CHROMIUM_PATH (unset),',
      ...(playwrightPath ? [`Playwright's browser (${playwrightPath}),`] : []),
      `and ${usualChromiumPaths(platform, env).join(', ')}.`,
      `Install one with ${installHint(platform)}; or set CHROMIUM_PATH to a Chromium or Chrome.`,
    ].join(' '),
  };
}
