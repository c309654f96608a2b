// Reviewing the inventory with JavaScript off: the "Created by" and "Last used" filters are
// part of the list's GET form, and the export links are plain links that download.
// Runs only in the `chromium-nojs` project.
import { TOKENS_PATH, createViaApi, expect, signInWithoutScript, test, type Page } from './fixtures';
import { CSV_FILE, CSV_HEADER, downloadExport, parseCsv, tokenOfAGoneAdmin } from './inventory-helpers';

test.describe.configure({ mode: 'serial' });

const MINE = 'Nojs inventory mine';
const GONE_ADMINS = 'Nojs Gary';
const GONE_TOKEN = 'Nojs left behind';

async function listedNames(page: Page): Promise<string[]> {
  return page.locator('table.tokens tbody td.name a').allTextContents();
}

test('the filters are a form the browser submits, and the export downloads the view', async ({ page, browser, baseURL }) => {
  await signInWithoutScript(page);
  await createViaApi(page, { name: MINE, type: 'read-only', duration: 30 });
  const gary = await tokenOfAGoneAdmin(page, browser, baseURL as string, GONE_ADMINS, GONE_TOKEN);

  await page.goto(TOKENS_PATH);
  await page.getByLabel('Created by', { exact: true }).selectOption({ label: 'An admin who is gone' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/created_by=gone/);
  expect(await listedNames(page)).toEqual([GONE_TOKEN]);
  // The page drew the choice it was asked for.
  await expect(page.getByLabel('Created by', { exact: true })).toHaveValue('gone');

  await page.getByLabel('Created by', { exact: true }).selectOption({ label: `${GONE_ADMINS} (deactivated)` });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`created_by=${gary}\\b`));
  expect(await listedNames(page)).toEqual([GONE_TOKEN]);

  const csv = await downloadExport(page, 'Export CSV');
  expect(csv.name).toMatch(CSV_FILE);
  const [header, ...rows] = parseCsv(csv.text);
  expect(header).toEqual(CSV_HEADER);
  expect(rows.map((r) => r[CSV_HEADER.indexOf('name')])).toEqual([GONE_TOKEN]);
  expect(rows.map((r) => r[CSV_HEADER.indexOf('created_by')])).toEqual([GONE_ADMINS]);

  await page.getByLabel('Created by', { exact: true }).selectOption({ label: 'Anyone' });
  await page.getByLabel('Last used', { exact: true }).selectOption({ label: 'Unused for 90 days' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/unused=90/);
  await expect(page.getByRole('heading', { name: 'No tokens match these filters' })).toBeVisible();
  await expect(page.getByLabel('Last used', { exact: true })).toHaveValue('90');
});
