import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests for Tollgate.
 *
 * The server is the release binary (`cargo leptos build --release`), started by
 * `start-server.mjs` on a fresh, throwaway data directory. The `setup` project creates the
 * first administrator on that fresh server; every other test depends on it.
 *
 * Chromium is Debian's (`/usr/bin/chromium`): `npx playwright install` cannot download a
 * browser on these machines.
 */
// E2E_PORT lets two checkouts on one machine run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // One server, one database: tests share state and must not race each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  expect: {
    // The first page load of a run compiles the wasm on a 2-core machine.
    timeout: 10_000,
  },

  use: {
    browserName: 'chromium',
    baseURL: BASE_URL,
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
      name: 'setup',
      testMatch: /setup\.spec\.ts/,
    },
    {
      name: 'chromium',
      testIgnore: [/setup\.spec\.ts/, /_nojs\.spec\.ts/],
      dependencies: ['setup'],
    },
    // The forms again with JavaScript off: the browser posts them itself. Listed after
    // `chromium` on purpose: projects that share a dependency run in the order listed here
    // (one worker), and tokens.spec.ts's first test expects only the first-start tokens.
    {
      name: 'chromium-nojs',
      testMatch: /_nojs\.spec\.ts/,
      dependencies: ['setup'],
      use: { javaScriptEnabled: false },
    },
  ],

  webServer: {
    command: 'node ./start-server.mjs',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    // Let start-server.mjs stop the server and remove its temp dir instead of SIGKILL.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
