import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests for Tollgate.
 *
 * The server is the release binary (`cargo leptos build --release`). Each spec file gets an
 * instance of its own (the `instances` fixture in tests/fixtures.ts starts one with
 * `start-server.mjs` on a free port and a throwaway data directory, with the first
 * administrator already made unless the file asks for a blank one), so files run side by
 * side, in any order, and any one passes alone.
 *
 * Chromium is Debian's (`/usr/bin/chromium`): `npx playwright install` cannot download a
 * browser on these machines.
 */
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // Two workers suit the 2-core machines this runs on: the server, Chromium and the wasm
  // compile of each page share them.
  workers: 2,
  // Tests run in parallel unless their file says `mode: 'serial'` (steps that build on each
  // other on the file's instance).
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  expect: {
    // The first page load of a run compiles the wasm on a 2-core machine.
    timeout: 10_000,
  },

  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    permissions: ['clipboard-read', 'clipboard-write'],
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },

  projects: [
    {
      name: 'chromium',
      // `*.pair.spec.ts` need two instances: playwright.pair.config.ts runs them.
      testIgnore: [/_nojs\.spec\.ts/, /\.pair\.spec\.ts/],
    },
    // The forms again with JavaScript off: the browser posts them itself.
    {
      name: 'chromium-nojs',
      testMatch: /_nojs\.spec\.ts/,
      use: { javaScriptEnabled: false },
    },
  ],
});
