import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';

import base from './playwright.config';

/**
 * Regenerates the README's screenshots in `../docs/` against a fresh server:
 *
 *   cargo leptos build --release
 *   cd end2end && npx playwright test -c playwright.screenshots.config.ts
 *
 * Not part of the default run (`testDir` differs). E2E_PORT picks the port, as there.
 */
const webServer = base.webServer as NonNullable<PlaywrightTestConfig['webServer']> & object;

export default defineConfig({
  ...base,
  testDir: './screenshots',
  outputDir: './test-results/screenshots',
  // A reused server would already have an administrator and other tests' tokens.
  webServer: { ...webServer, reuseExistingServer: false },
  use: {
    ...base.use,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
  },
  projects: [{ name: 'screenshots' }],
});
