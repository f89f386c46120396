// End-to-end tests: the same specs run against web mode (Debian's Chromium, `scanready serve`)
// and against the Electron app (only where an Electron binary is installed; otherwise that
// project reports every test as skipped, with the reason).
import { defineConfig } from '@playwright/test';
import type { AppFixtureOptions } from './e2e/fixtures.js';

const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export default defineConfig<AppFixtureOptions>({
  testDir: './e2e',
  testIgnore: ['lab/**'],
  testMatch: /.*\.spec\.ts$/,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // One app at a time: the lab and the 2 shared cores cannot take parallel sweeps.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI
    ? [['list'], ['./e2e/skip-reporter.ts'], ['html', { open: 'never' }]]
    : [['list'], ['./e2e/skip-reporter.ts']],
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
  projects: [
    {
      name: 'web',
      // The fixture launches Chromium itself (e2e/fixtures.ts) so the Electron project never
      // starts a browser; these options are the same, for tools that use the built-in `page`.
      use: {
        appMode: 'web',
        browserName: 'chromium',
        viewport: { width: 1280, height: 860 },
        launchOptions: {
          executablePath: process.env.SCANREADY_CHROMIUM ?? '/usr/bin/chromium',
          args: chromiumArgs,
        },
      },
    },
    {
      name: 'electron',
      use: { appMode: 'electron' },
    },
  ],
});
