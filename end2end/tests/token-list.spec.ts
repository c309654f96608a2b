import AxeBuilder from '@axe-core/playwright';

import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TOKENS_PATH,
  createToken,
  expect,
  expectPath,
  gotoHydrated,
  revealBanner,
  signIn,
  test,
  tokenRow,
  uniqueName,
  createViaApi,
  listUrl,
} from './fixtures';

// The token list's finish: relative times with the exact time on hover, the amber
// "expires in …" chip, Refresh and Create in the title's row, "Revoke selected" only with a
// selection, search as you type, the default filter's name, the list refreshing itself,
// the new token's row highlighted, cards on a phone, and controls inert until hydrated.

const EXACT_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/;

test.beforeEach(async ({ page, javaScriptEnabled }) => {
  if (javaScriptEnabled) await signIn(page);
});

test('times read relative, the exact time on hover; a token near its end has an amber chip', async ({ page }) => {
  // Hydration must not complain about the words (server and browser clocks differ).
  const hydrationWarnings: string[] = [];
  page.on('console', (message) => {
    if (/hydrat/i.test(message.text())) hydrationWarnings.push(message.text());
  });
  const week = uniqueName('Week token');
  const month = uniqueName('Month token');
  await createViaApi(page, { name: week, type: 'read-only', duration: 7 });
  await createViaApi(page, { name: month, type: 'read-only', duration: 30 });

  await gotoHydrated(page, TOKENS_PATH);

  const weekRow = tokenRow(page, week);
  const monthRow = tokenRow(page, month);
  const created = monthRow.locator('td.when').first().locator('time');
  await expect(created).toHaveText(/^(just now|1 minute ago)$/);
  await expect(created).toHaveAttribute('title', EXACT_TIME);
  await expect(created).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  await expect(monthRow.locator('td[data-label="Last used"]')).toHaveText('Never');
  const monthExpires = monthRow.locator('td[data-label="Expires"] time');
  await expect(monthExpires).toHaveText('in 29 days');
  await expect(monthExpires).toHaveAttribute('title', EXACT_TIME);
  await expect(monthRow.locator('.chip.expiring')).toHaveCount(0);

  const chip = weekRow.locator('.chip.expiring');
  await expect(chip).toHaveText('expires in 6 days');
  await expect(chip.locator('time')).toHaveAttribute('title', EXACT_TIME);
  // Amber, and readable: axe checks the chip's contrast.
  const background = await chip.evaluate((element) => getComputedStyle(element).backgroundColor);
  expect(background).toBe('rgb(255, 246, 220)');
  const results = await new AxeBuilder({ page }).include('table.tokens').withTags(['wcag2aa']).analyze();
  expect(results.violations.map((violation) => violation.id)).toEqual([]);
  expect(hydrationWarnings).toEqual([]);
});

test('Refresh and Create sit in the title row; "Revoke selected" shows only with a selection', async ({ page }) => {
  const name = uniqueName('Selectable');
  await createViaApi(page, { name, type: 'read-only' });
  await gotoHydrated(page, listUrl({ search: name }));

  const title = await page.getByRole('heading', { level: 1, name: 'API Tokens' }).boundingBox();
  const refresh = await page.getByRole('button', { name: 'Refresh', exact: true }).boundingBox();
  const create = await page.getByRole('link', { name: 'Create new API token' }).boundingBox();
  for (const box of [refresh, create]) {
    expect(box).not.toBeNull();
    // Overlaps the title vertically: one row.
    expect(box!.y).toBeLessThan(title!.y + title!.height);
    expect(box!.y + box!.height).toBeGreaterThan(title!.y);
    expect(box!.x).toBeGreaterThan(title!.x + title!.width);
  }
  await expect(page.getByRole('link', { name: 'Create new API token' })).toHaveCount(1);

  const bulk = page.getByRole('button', { name: /^Revoke selected/ });
  await expect(bulk).toBeHidden();
  await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  await expect(bulk).toBeVisible();
  await expect(bulk).toHaveText('Revoke selected (1)');
  await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).uncheck();
  await expect(bulk).toBeHidden();
});

test('search as you type: the URL follows, focus stays, Back is not one step per word', async ({ page }) => {
  const word = `Typed${Date.now()}`;
  await createViaApi(page, { name: `${word} one`, type: 'read-only' });
  await createViaApi(page, { name: `${word} two`, type: 'read-only' });
  await gotoHydrated(page, TOKENS_PATH);
  const historyBefore = await page.evaluate(() => history.length);

  const search = page.getByLabel('Search tokens');
  await search.click();
  await search.pressSequentially(`${word} tw`, { delay: 30 });

  // No Enter, no click: the list searches once typing pauses.
  await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(`${word} tw`);
  await expect(page.locator('table.tokens tbody td.name')).toHaveText([`${word} two`]);
  await expect(search).toBeFocused();
  await expect(search).toHaveValue(`${word} tw`);

  // Typing on keeps every letter, and the address is replaced, not pushed.
  await search.pressSequentially('o', { delay: 30 });
  await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(`${word} two`);
  await expect(search).toBeFocused();
  expect(await page.evaluate(() => history.length)).toBe(historyBefore);

  // Clearing the box shows the whole list again.
  await search.fill('');
  await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBeNull();
  await expect(tokenRow(page, `${word} one`)).toHaveCount(1);
  await expect(search).toBeFocused();
});

test('the default status filter is named for what it shows: "Not revoked"', async ({ page }) => {
  await gotoHydrated(page, TOKENS_PATH);
  const status = page.getByLabel('Status', { exact: true });
  await expect(status).toHaveValue('');
  await expect(status.locator('option:checked')).toHaveText('Not revoked');
  await expect(status.locator('option')).toHaveText([
    'Not revoked',
    'Active',
    'Suspended',
    'Expired',
    'Revoked',
    'Revoked as leaked',
  ]);
});

test('the list refreshes itself: a token made elsewhere appears without a reload', async ({ page }) => {
  await gotoHydrated(page, TOKENS_PATH);
  const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
  await refresh.focus();
  const name = uniqueName('Made by a script');

  // Another client (here: the JSON API) creates a token while the list is open.
  await createViaApi(page, { name, type: 'read-only' });

  await expect(tokenRow(page, name)).toHaveCount(1, { timeout: 15_000 });
  await expect(refresh).toBeFocused();
});

test('a refresh keeps focus on the row control that had it', async ({ page }) => {
  const first = uniqueName('Focus keeper');
  await createViaApi(page, { name: first, type: 'read-only' });
  await gotoHydrated(page, TOKENS_PATH);
  const box = page.getByRole('checkbox', { name: `Select ${first}`, exact: true });
  await box.check();

  const meanwhile = uniqueName('Made meanwhile');
  await createViaApi(page, { name: meanwhile, type: 'read-only' });

  await expect(tokenRow(page, meanwhile)).toHaveCount(1, { timeout: 15_000 });
  await expect(box).toBeFocused();
  await expect(box).toBeChecked();
});

test('the token just created is highlighted in the list, its row named token-<id>', async ({ page }) => {
  const name = uniqueName('Fresh');
  await createToken(page, { name, duration: '30 days', type: 'Read-only' });
  await expect(revealBanner(page)).toBeVisible();

  const row = tokenRow(page, name);
  await expect(row).toHaveClass(/\bjust-created\b/);
  await expect(row).toHaveAttribute('id', /^token-\d+$/);
  await expect(page.locator('table.tokens tr.just-created')).toHaveCount(1);
  await expect(tokenRow(page, 'Full access')).toHaveAttribute('id', /^token-\d+$/);
  await expect(tokenRow(page, 'Full access')).not.toHaveClass(/\bjust-created\b/);
});

test('names never break inside a word, and one too long ends in an ellipsis with a title', async ({ page }) => {
  const long = `Averyveryverylongsingleword${Date.now()}withoutanyspacesatall`;
  await createViaApi(page, { name: long, type: 'read-only' });
  await createViaApi(page, { name: 'Nightly backup of the reporting database', type: 'read-only' });
  for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(size);
    await gotoHydrated(page, TOKENS_PATH);
    const link = page.locator('table.tokens td.name a', { hasText: long });
    await expect(link).toHaveAttribute('title', long);
    const style = await link.evaluate((element) => {
      const css = getComputedStyle(element);
      return { wrap: css.overflowWrap, wordBreak: css.wordBreak, overflow: css.textOverflow };
    });
    expect(style).toEqual({ wrap: 'normal', wordBreak: 'keep-all', overflow: 'ellipsis' });
    // The long word is cut, not wrapped: one line high.
    const lines = await link.evaluate(
      (element) => element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight),
    );
    expect(Math.round(lines)).toBe(1);
    // The sentence wraps between words only: each line starts a word.
    const words = page.locator('table.tokens td.name a', { hasText: 'Nightly backup' });
    const broken = await words.evaluate((element) => {
      const text = element.firstChild as Text;
      const range = document.createRange();
      let previousTop = -1;
      for (let i = 0; i < text.length; i++) {
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const top = range.getBoundingClientRect().top;
        if (previousTop >= 0 && top > previousTop + 1 && text.data[i - 1] !== ' ') return true;
        previousTop = top;
      }
      return false;
    });
    expect(broken).toBe(false);
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('each token is a card of labelled lines, nothing scrolls sideways', async ({ page }) => {
    const name = uniqueName('Phone card');
    await createViaApi(page, { name, type: 'read-only', description: 'deploys the app' });
    await gotoHydrated(page, listUrl({ search: name }));

    // CSS locators: a table laid out as blocks may lose its table role in some browsers.
    const row = page.locator('table.tokens tbody tr', { has: page.locator('td.name', { hasText: name }) });
    await expect(row).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // No ten-column header: only select-all and the sort links stay.
    await expect(page.locator('table.tokens thead th', { hasText: 'Description' })).toBeHidden();
    await expect(page.getByRole('link', { name: 'Name', exact: true })).toBeVisible();
    // Each cell is a line with its label.
    const type = row.locator('td[data-label="Type"]');
    const label = await type.evaluate((element) => getComputedStyle(element, '::before').content);
    expect(label).toBe('"Type"');
    const rowBox = await row.boundingBox();
    expect(rowBox!.width).toBeLessThanOrEqual(390);
    // The card's controls still work.
    await row.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
    await expect(page.getByRole('button', { name: 'Revoke selected (1)' })).toBeVisible();
    await expect(row.getByRole('button', { name: `Revoke ${name}`, exact: true })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
});

test.describe('before the wasm runs', () => {
  test.use({ javaScriptEnabled: false });

  test('the checkboxes and Refresh are disabled; the search form still works', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expectPath(page, TOKENS_PATH);
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', /.*/);
    await expect(page.getByRole('button', { name: 'Refresh', exact: true })).toBeDisabled();
    await expect(page.getByRole('checkbox', { name: 'Select all on this page' })).toBeDisabled();
    await expect(page.getByRole('checkbox', { name: 'Select Full access', exact: true })).toBeDisabled();

    await page.getByLabel('Search tokens').fill('Read-only');
    await page.getByLabel('Search tokens').press('Enter');
    await expect(page).toHaveURL(/search=Read-only/);
    await expect(page.locator('table.tokens tbody td.name')).toHaveText(['Read-only']);
  });
});
