/**
 * Playwright fixtures: each test gets its own ScanReady instance with its own state directory
 * (--user-data / SCANREADY_USER_DATA), in web mode (`scanready serve --port 0` + Chromium) or as the Electron app.
 * Everything a fixture starts, it stops.
 */
import { test as base, _electron, chromium, expect, type Browser, type Page, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { startServer, stopChild } from './server.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(ROOT, 'dist', 'main.cjs');
export const SCREENSHOT_DIR = path.join(ROOT, 'e2e', 'screenshots');

export type AppMode = 'web' | 'electron';
export interface AppFixtureOptions {
  appMode: AppMode;
}

export const ELECTRON_SKIP_REASON =
  'Electron binary not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD): the Electron project cannot run';

/** The Electron executable when it is really installed, else null. `require('electron')` throws when it is not. */
export function electronBinary(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const p = req('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

interface Fixtures {
  /** This test's own state directory (history, profiles, known hosts, settings). */
  home: string;
  /** The app's window, ready (the first screen is usable). */
  app: Page;
  /** Runs axe-core on the current screen and fails on serious/critical violations. */
  checkA11y: (screen: string) => Promise<void>;
  /** Saves a screenshot of the current screen to e2e/screenshots/<name>.png (web project only). */
  shot: (name: string) => Promise<void>;
}

export const CHROMIUM = process.env.SCANREADY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

interface WorkerFixtures {
  /** Debian's Chromium, launched once per worker in web mode only (never for the Electron project). */
  webBrowser: Browser | null;
}

export const test = base.extend<Fixtures, AppFixtureOptions & WorkerFixtures>({
  appMode: ['web', { option: true, scope: 'worker' }],

  webBrowser: [
    async ({ appMode }, use) => {
      if (appMode !== 'web') {
        await use(null);
        return;
      }
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],

  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  home: async ({}, use) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scanready-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },

  app: async ({ appMode, home, webBrowser }, use, testInfo) => {
    if (appMode === 'electron') {
      const bin = electronBinary();
      testInfo.skip(bin === null, ELECTRON_SKIP_REASON);
      if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
      const electronApp: ElectronApplication = await _electron.launch({
        executablePath: bin!,
        args: [MAIN, '--no-sandbox'],
        env: { ...process.env, SCANREADY_USER_DATA: home },
      });
      const page = await electronApp.firstWindow();
      await page.waitForSelector('[data-ready="true"]');
      await use(page);
      await electronApp.close();
      return;
    }
    if (!webBrowser) throw new Error('no browser for web mode');
    const server = await startServer(home);
    const context = await webBrowser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    try {
      await page.goto(server.url);
      await page.waitForSelector('[data-ready="true"]');
      await use(page);
    } finally {
      await context.close();
      await stopChild(server.child);
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server-stderr', { body: server.stderr(), contentType: 'text/plain' });
      }
    }
  },

  checkA11y: async ({ app }, use, testInfo) => {
    await use(async (screen: string) => {
      const results = await new AxeBuilder({ page: app }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      if (bad.length > 0) {
        await testInfo.attach(`axe-${screen}`, { body: JSON.stringify(bad, null, 2), contentType: 'application/json' });
      }
      expect(
        bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`),
        `axe serious/critical violations on the ${screen} screen`,
      ).toEqual([]);
    });
  },

  shot: async ({ app, appMode }, use) => {
    await use(async (name: string) => {
      if (appMode !== 'web') return;
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await app.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    });
  },
});

export { expect };
