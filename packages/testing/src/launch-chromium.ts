import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { findChromium } from './find-chromium.ts';

// Root needs --no-sandbox; the others keep Chromium from calling Google's
// services, which a closed network answers with errors at every start.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser Playwright manages, where it would be; `null` when it knows none. */
function playwrightChromium(): string | null {
  try {
    return chromium.executablePath() || null;
  } catch {
    return null;
  }
}

/**
 * Starts headless Chromium for the end-to-end tests (see `findChromium` for
 * which), or fails with what to install: a missing browser is an error,
 * never a silent skip.
 */
export async function launchChromium(): Promise<Browser> {
  const found = findChromium({
    env: process.env,
    platform: process.platform,
    exists: existsSync,
    playwrightPath: playwrightChromium(),
  });
  if (!found.ok) throw new Error(found.reason);
  return chromium.launch({ executablePath: found.path, headless: true, args: chromiumArgs });
}
