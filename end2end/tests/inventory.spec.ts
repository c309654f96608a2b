// Reviewing the inventory, hydrated: the "Created by" filter (an admin who is gone too),
// "unused for 30 days", sorting by last use, and the export of the current view as CSV and
// JSON, read back from the download. The steps build on each other on the file's instance.
import {
  TOKENS_PATH,
  apiGet,
  createViaApi,
  expect,
  gotoHydrated,
  signIn,
  test,
  tokenRow,
} from './fixtures';
import { CSV_FILE, CSV_HEADER, JSON_FILE, downloadExport, parseCsv, tokenOfAGoneAdmin } from './inventory-helpers';

test.describe.configure({ mode: 'serial' });

const USED = 'Inventory used';
const IDLE = 'Inventory idle';
const GONE_ADMINS = 'Inventory Gina';
const GONE_TOKEN = 'Inventory left behind';

/** A parameter of the page's address, decoded (the panel escapes `_` as `%5F`). */
function param(page: import('./fixtures').Page, name: string): Promise<string | null> {
  return Promise.resolve(new URL(page.url()).searchParams.get(name));
}

/** The names in the table, top to bottom. */
async function listedNames(page: import('./fixtures').Page): Promise<string[]> {
  return page.locator('table.tokens tbody td.name a').allTextContents();
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('the list filters by creator, including an admin who is gone', async ({ page, browser, baseURL }) => {
  const used = await createViaApi(page, { name: USED, type: 'read-only', duration: 30 });
  await createViaApi(page, { name: IDLE, type: 'read-only', duration: 30 });
  const gina = await tokenOfAGoneAdmin(page, browser, baseURL as string, GONE_ADMINS, GONE_TOKEN);
  // One use, for the sort below; the list learns of it within the flush interval.
  expect((await apiGet(page.request, '/api/articles', used.secret)).status()).toBe(200);

  await gotoHydrated(page, TOKENS_PATH);
  const creator = page.getByLabel('Created by', { exact: true });
  await expect(creator.locator('option')).toHaveText(['Anyone', 'An admin who is gone', 'Ada Admin', `${GONE_ADMINS} (deactivated)`]);

  await creator.selectOption({ label: 'An admin who is gone' });
  await expect.poll(() => param(page, 'created_by')).toBe('gone');
  await expect.poll(() => listedNames(page)).toEqual([GONE_TOKEN]);

  await creator.selectOption({ label: `${GONE_ADMINS} (deactivated)` });
  await expect.poll(() => param(page, 'created_by')).toBe(String(gina));
  await expect.poll(() => listedNames(page)).toEqual([GONE_TOKEN]);

  await creator.selectOption({ label: 'Ada Admin' });
  await expect.poll(() => listedNames(page)).toEqual([IDLE, USED]);
  await expect(tokenRow(page, GONE_TOKEN)).toHaveCount(0);
});

test('"unused for 30 days" leaves out tokens made today', async ({ page }) => {
  await gotoHydrated(page, TOKENS_PATH);
  const lastUsed = page.getByLabel('Last used', { exact: true });
  await expect(lastUsed.locator('option')).toHaveText(['Any time', 'Unused for 30 days', 'Unused for 90 days']);
  await lastUsed.selectOption({ label: 'Unused for 30 days' });
  await expect.poll(() => param(page, 'unused')).toBe('30');
  // Every token here was made minutes ago: none has been idle for 30 days.
  await expect(page.getByRole('heading', { name: 'No tokens match these filters' })).toBeVisible();
  await lastUsed.selectOption({ label: 'Any time' });
  await expect(tokenRow(page, IDLE)).toBeVisible();
});

test('sorted by last use: never-used tokens first ascending, last descending', async ({ page }) => {
  await gotoHydrated(page, `${TOKENS_PATH}?created_by=1`);
  const header = page.getByRole('columnheader', { name: /Last used/ }).getByRole('link');
  await header.click();
  await expect.poll(() => param(page, 'sort')).toBe('last_used_at');
  // Ascending: never used (the oldest use of all) first.
  await expect.poll(() => listedNames(page), { timeout: 15_000 }).toEqual([IDLE, USED]);
  await header.click();
  await expect.poll(() => param(page, 'sort')).toBe('-last_used_at');
  await expect.poll(() => listedNames(page), { timeout: 15_000 }).toEqual([USED, IDLE]);
});

test('Export CSV and Export JSON download the current view, every row in order', async ({ page }) => {
  await gotoHydrated(page, `${TOKENS_PATH}?created_by=1&sort=-last_used_at&limit=1`);
  // One row a page here, yet the export holds every page.
  await expect.poll(() => listedNames(page)).toEqual([USED]);
  const href = await page.getByRole('link', { name: 'Export CSV', exact: true }).getAttribute('href');
  const link = new URL(href as string, page.url());
  expect(link.pathname).toBe('/admin/api/tokens/export');
  expect([...link.searchParams.entries()]).toEqual([
    ['created_by', '1'],
    ['sort', '-last_used_at'],
    ['format', 'csv'],
  ]);

  const csv = await downloadExport(page, 'Export CSV');
  expect(csv.name).toMatch(CSV_FILE);
  const [header, ...rows] = parseCsv(csv.text);
  expect(header).toEqual(CSV_HEADER);
  const column = (name: string) => CSV_HEADER.indexOf(name);
  expect(rows.map((r) => r[column('name')])).toEqual([USED, IDLE]);
  expect(rows.map((r) => r[column('created_by')])).toEqual(['Ada Admin', 'Ada Admin']);
  expect(rows[0]?.[column('last_used_at')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(rows[1]?.[column('last_used_at')]).toBe('');
  expect(rows.every((r) => r[column('status')] === 'active' && r[column('type')] === 'read-only')).toBe(true);
  expect(csv.text).not.toContain('tg_');

  const json = await downloadExport(page, 'Export JSON');
  expect(json.name).toMatch(JSON_FILE);
  const exported = JSON.parse(json.text) as { name: string; created_by: string }[];
  expect(exported.map((t) => t.name)).toEqual([USED, IDLE]);

  // The export is in the audit log, with the view it copied.
  await gotoHydrated(page, '/settings/audit-log?action=token.export');
  await expect(page.getByText('format=csv created_by=1 sort=-last_used_at')).toBeVisible();
  await expect(page.getByText('format=json created_by=1 sort=-last_used_at')).toBeVisible();
});
