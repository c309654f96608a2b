// The time from navigation to a hydrated page (the `data-hydrated` mark the app sets once
// its wasm runs), and what the browser downloaded for it, on the token list with 100 tokens,
// the create form and a token's page: on loopback, on "fast 4G", and on the slow profile of
// issue 17 (1.6 Mbps, 150 ms, the CPU four times slower). Each case in a fresh context
// (nothing cached), then once more in the same context (what a returning admin waits for).
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

import { TOKENS_PATH, createViaApi, expect, signIn, test } from '../tests/fixtures';

type Profile = { name: string; download?: number; latency?: number; cpu?: number };

const PROFILES: Profile[] = [
  { name: 'loopback' },
  { name: 'fast 4G (9 Mbps, 60 ms)', download: 9_000_000 / 8, latency: 60, cpu: 1 },
  { name: 'slow (1.6 Mbps, 150 ms, 4× CPU)', download: 1_600_000 / 8, latency: 150, cpu: 4 },
];
const RUNS = Number(process.env.TIMING_RUNS ?? 3);
const TOKENS = 100;

type Sample = { firstPaint: number; hydrated: number; wasmBytes: number; allBytes: number };

/** Marks the moment `data-hydrated` appears, before any script of the page runs. */
async function markHydration(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.getAttribute('data-hydrated') === 'true') {
        performance.mark('tollgate-hydrated');
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
}

async function throttle(page: Page, profile: Profile): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  if (profile.download) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.latency ?? 0,
      downloadThroughput: profile.download,
      uploadThroughput: profile.download,
    });
  }
  if (profile.cpu && profile.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  return cdp;
}

async function visit(page: Page, path: string): Promise<Sample> {
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 120_000 });
  return page.evaluate(() => {
    const mark = performance.getEntriesByName('tollgate-hydrated')[0];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const wasm = resources.filter((r) => r.name.endsWith('.wasm'));
    return {
      firstPaint: paint?.startTime ?? NaN,
      hydrated: mark?.startTime ?? NaN,
      wasmBytes: wasm.reduce((sum, r) => sum + r.transferSize, 0),
      allBytes: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

test('time to a hydrated page, cold and warm, on three connections', async ({ page, browser }) => {
  await signIn(page);
  // Two tokens exist from the first start.
  let someToken = 0;
  for (let i = 0; i < TOKENS - 2; i += 1) {
    someToken = (await createViaApi(page, { name: `Timing ${i}`, type: 'read-only' })).id;
  }
  const storageState = await page.context().storageState();
  const pages = [TOKENS_PATH, `${TOKENS_PATH}/new`, `${TOKENS_PATH}/${someToken}`];

  const rows: string[] = [
    '| page | connection | first paint | hydrated, cold | hydrated, warm | wasm bytes, cold | all bytes, cold | all bytes, warm |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const path of pages) {
    for (const profile of PROFILES) {
      const cold: Sample[] = [];
      const warm: Sample[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const context = await browser.newContext({ storageState, baseURL: page.url() });
        await markHydration(context);
        const tab = await context.newPage();
        await throttle(tab, profile);
        cold.push(await visit(tab, path));
        warm.push(await visit(tab, path));
        await context.close();
      }
      const ms = (values: number[]) => `${Math.round(median(values))} ms`;
      const kb = (values: number[]) => `${Math.round(median(values) / 1000)} KB`;
      rows.push(
        `| ${path} | ${profile.name} | ${ms(cold.map((s) => s.firstPaint))} | ${ms(cold.map((s) => s.hydrated))} | ` +
          `${ms(warm.map((s) => s.hydrated))} | ${kb(cold.map((s) => s.wasmBytes))} | ${kb(cold.map((s) => s.allBytes))} | ` +
          `${kb(warm.map((s) => s.allBytes))} |`,
      );
    }
  }
  const table = rows.join('\n');
  console.log(`\n${table}\n`);
  await test.info().attach('timing.md', { body: table, contentType: 'text/markdown' });
  expect(rows.length).toBe(2 + pages.length * PROFILES.length);
});
