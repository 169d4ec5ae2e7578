// `npm run screenshot`: starts the server on a free loopback port, opens /docs (Swagger UI) in
// headless Chromium and saves docs/swagger-ui.png, the picture the README shows. The browser test
// (test/browser/swagger-ui.test.ts) uses the same helpers and refreshes the same file.
//
// Chromium is Debian's package (`apt-get install chromium`, /usr/bin/chromium); playwright-core
// drives it. CHROMIUM_PATH points elsewhere if needed.
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../src/http/app.ts';
import { ScimServer } from '../src/server.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_PATH = fileURLToPath(new URL('../docs/swagger-ui.png', import.meta.url));

// Headless on a machine without a network beyond loopback: no sandbox (root in CI), no GPU, and no
// background connections Chromium would otherwise try (and fail) at every start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless. Playwright gives every launch a fresh, empty profile directory of
 * its own (a temporary --user-data-dir, removed on close).
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` (or set CHROMIUM_PATH)',
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close() };
}

/** Opens Swagger UI and waits until the contract is rendered (every operation block present). */
export async function openSwaggerUi(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/docs/`, { waitUntil: 'load' });
  await page.locator('.swagger-ui .information-container .title').waitFor();
  await page.locator('.opblock').first().waitFor();
}

/** A screenshot of /docs as a first-time visitor sees it: every operation, collapsed (the schema models below are left out). */
export async function captureSwaggerUi(browser: Browser, origin: string, file = SCREENSHOT_PATH): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await openSwaggerUi(page, origin);
    await page.evaluate(() => document.fonts.ready);
    mkdirSync(dirname(file), { recursive: true });
    const width = page.viewportSize()!.width;
    const models = await page.locator('.swagger-ui section.models').boundingBox();
    const height = models ? Math.ceil(models.y) : await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height }, fullPage: true, animations: 'disabled', caret: 'hide' });
  } finally {
    await context.close();
  }
}

/** The app on an ephemeral loopback port. */
export async function serve(server: ScimServer): Promise<{ origin: string; close(): Promise<void> }> {
  const app = createApp(server);
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const server = await ScimServer.create({ tokens: ['screenshot-token'], logError: () => {} });
  const http = await serve(server);
  const chromium = await launchChromium();
  try {
    await captureSwaggerUi(chromium.browser, http.origin);
    console.log(`saved ${SCREENSHOT_PATH}`);
  } finally {
    await chromium.close();
    await http.close();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
