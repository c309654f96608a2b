import { defineConfig } from '@playwright/test';

import base from './playwright.config';

/**
 * Regenerates the README's screenshots in `../docs/` against a fresh server:
 *
 *   cargo leptos build --release --precompress
 *   cd end2end && npx playwright test -c playwright.screenshots.config.ts
 *
 * Not part of the default run (`testDir` differs). The spec gets a blank instance of its own
 * (see tests/fixtures.ts), as every spec does.
 */
export default defineConfig({
  ...base,
  testDir: './screenshots',
  outputDir: './test-results/screenshots',
  workers: 1,
  use: {
    ...base.use,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
  },
  projects: [{ name: 'screenshots' }],
});
