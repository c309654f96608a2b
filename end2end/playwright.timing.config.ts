import { defineConfig } from '@playwright/test';

import base from './playwright.config';

/**
 * How long the panel takes to become usable, measured in Chromium (docs/PERFORMANCE.md,
 * "The panel's weight"): a benchmark, not a test, so not part of `make test`.
 *
 *   scripts/build.sh's release build (make run or make test builds it), then
 *   cd end2end && npx playwright test -c playwright.timing.config.ts
 *
 * Prints one Markdown table per run; one worker, so the numbers are not shared with another
 * browser.
 */
export default defineConfig({
  ...base,
  testDir: './timing',
  testMatch: '*.timing.ts',
  outputDir: './test-results/timing',
  workers: 1,
  retries: 0,
  timeout: 600_000,
  projects: [{ name: 'timing' }],
});
