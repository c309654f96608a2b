import { defineConfig } from '@playwright/test';

import base from './playwright.config';

/**
 * The whole suite again, through two instances: per spec file, two release builds on one
 * Postgres database with one secret key, behind a real nginx doing round-robin with no
 * sticky sessions (tests/two-instances.ts), so consecutive requests of every flow land on
 * different instances. Plus `*.pair.spec.ts`, which only make sense there (the load
 * balancer alternates; a revoke on one instance is refused by the other within 100 ms).
 *
 * Needs TOLLGATE_TEST_POSTGRES_URL (scripts/test.sh starts Postgres and exports it).
 */
export default defineConfig({
  ...base,
  outputDir: './test-results-pair',
  // Retries, here only, for a known defect not yet understood (issue 16's note): a token's
  // page sometimes fails to hydrate through two instances (tachys hydration.rs:163, an
  // element expected where the DOM had another node), with no server function called after
  // the page arrived, so the browser drew something other than the server's HTML from the
  // same data. Seen in restrictions-token-page.spec.ts once, and in token-page.spec.ts's
  // usage chart test on two attempts in a row; 240 reloads of such a page did not repeat it.
  // A retried test is still listed as flaky, and the fixtures attach the page it threw on
  // (its HTML, which instance sent it, what it called). Fix it, then remove this.
  retries: 2,
  projects: [
    {
      name: 'pair-chromium',
      testIgnore: [/_nojs\.spec\.ts/, /instances\.pair\.spec\.ts/],
      use: { bed: 'pair' },
    },
    {
      name: 'pair-chromium-nojs',
      testMatch: /_nojs\.spec\.ts/,
      use: { bed: 'pair', javaScriptEnabled: false },
    },
    // The propagation trials time how soon B hears of A's change (p99 under 100 ms): they run
    // last and one at a time, so no other spec's browsers and instances share the two cores
    // with them. Run among the others, one p99 in three full runs came out at 112 ms, B
    // waiting on its notification while the machine was busy.
    {
      name: 'pair-instances',
      testMatch: /instances\.pair\.spec\.ts/,
      dependencies: ['pair-chromium', 'pair-chromium-nojs'],
      fullyParallel: false,
      use: { bed: 'pair' },
    },
  ],
});
