// Tokens outside the token policy, hydrated: after a stricter policy is saved, the list marks
// the tokens it would not allow today with an "Outside policy" badge that says why, its
// Policy filter (in the address) keeps only those, the token's page shows the badge too, and
// the edit form offers only the expiry choices the policy allows. The steps build on each
// other on this file's own instance.
import {
  TOKENS_PATH,
  createViaApi,
  expect,
  gotoHydrated,
  listUrl,
  signIn,
  test,
  tokenRow,
  type Page,
} from './fixtures';
import { CSV_FILE, CSV_HEADER, downloadExport, parseCsv } from './inventory-helpers';

test.describe.configure({ mode: 'serial' });

const FOREVER = 'Outside forever';
const QUARTER = 'Outside quarter';
const WEEK = 'Inside week';
// The two tokens Tollgate makes on its first start never expire: outside as well.
const FIRST_START = ['Full access', 'Read-only'];
const NEVER_WHY = 'Never expires; the policy requires an expiry. It keeps working until it is brought into policy.';
const MAX_WHY = "Expires after the policy's maximum of 30 days. It keeps working until it is brought into policy.";

const ids: Record<string, number> = {};

/** The names in the table, top to bottom. */
async function listedNames(page: Page): Promise<string[]> {
  return page.locator('table.tokens tbody td.name a').allTextContents();
}

function badge(page: Page, name: string) {
  return tokenRow(page, name).getByTestId('outside-policy');
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('a stricter policy marks the tokens it would not allow, and says why', async ({ page }) => {
  ids[FOREVER] = (await createViaApi(page, { name: FOREVER, type: 'read-only', duration: null })).id;
  ids[QUARTER] = (await createViaApi(page, { name: QUARTER, type: 'read-only', duration: 90 })).id;
  ids[WEEK] = (await createViaApi(page, { name: WEEK, type: 'read-only', duration: 7 })).id;

  // Under the default policy nothing is outside.
  await gotoHydrated(page, TOKENS_PATH);
  await expect(tokenRow(page, QUARTER)).toBeVisible();
  await expect(page.getByTestId('outside-policy')).toHaveCount(0);

  // Signing in just now confirmed the password, which saving the policy needs.
  const saved = await page.request.put('/admin/api/policy', {
    data: { max_lifetime_days: 30, default_duration_days: 30, require_expiry: true, expiry_warning_days: [7, 1] },
  });
  expect(saved.status(), await saved.text()).toBe(200);

  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(badge(page, FOREVER)).toHaveAttribute('title', NEVER_WHY);
  await expect(badge(page, QUARTER)).toHaveAttribute('title', MAX_WHY);
  await expect(badge(page, QUARTER)).toContainText('Outside policy');
  await expect(badge(page, WEEK)).toHaveCount(0);
  // Still working: the badge sits beside its status, not instead of it.
  await expect(tokenRow(page, QUARTER).getByText('Active', { exact: true })).toBeVisible();
});

test('the Policy filter keeps only the tokens outside it, in the address', async ({ page }) => {
  await gotoHydrated(page, listUrl({ sort: 'name' }));
  const filter = page.getByLabel('Policy', { exact: true });
  await expect(filter.locator('option')).toHaveText(['Any', 'Outside policy']);

  await filter.selectOption({ label: 'Outside policy' });
  await expect.poll(() => new URL(page.url()).searchParams.get('policy')).toBe('outside');
  await expect.poll(() => listedNames(page)).toEqual([FIRST_START[0], FOREVER, QUARTER, FIRST_START[1]]);
  await expect(tokenRow(page, WEEK)).toHaveCount(0);

  // The export takes the view as it stands, filter included.
  const csv = await downloadExport(page, 'Export CSV');
  expect(csv.name).toMatch(CSV_FILE);
  const [header, ...rows] = parseCsv(csv.text);
  expect(header).toEqual(CSV_HEADER);
  expect(rows.map((r) => r[CSV_HEADER.indexOf('name')])).toEqual([FIRST_START[0], FOREVER, QUARTER, FIRST_START[1]]);

  // A reload keeps the view; "Any" brings the others back.
  await page.reload();
  await expect(page.getByLabel('Policy', { exact: true })).toHaveValue('outside');
  await page.getByLabel('Policy', { exact: true }).selectOption({ label: 'Any' });
  await expect.poll(() => new URL(page.url()).searchParams.get('policy')).toBeNull();
  await expect(tokenRow(page, WEEK)).toBeVisible();
});

test("the token's page shows the badge", async ({ page }) => {
  await gotoHydrated(page, `${TOKENS_PATH}/${ids[QUARTER]}`);
  await expect(page.getByRole('heading', { level: 1, name: QUARTER })).toBeVisible();
  await expect(page.getByTestId('outside-policy')).toHaveAttribute('title', MAX_WHY);
  await expect(page.getByTestId('token-status')).toHaveText('Active');

  await gotoHydrated(page, `${TOKENS_PATH}/${ids[WEEK]}`);
  await expect(page.getByRole('heading', { level: 1, name: WEEK })).toBeVisible();
  await expect(page.getByTestId('outside-policy')).toHaveCount(0);
});

test('the edit form offers only the expiries the policy allows, and says why', async ({ page }) => {
  await gotoHydrated(page, `${TOKENS_PATH}/${ids[WEEK]}/edit`);
  const expires = page.getByLabel('Expires', { exact: true });
  await expect(expires.locator('option', { hasText: 'Unchanged' })).toBeEnabled();
  await expect(expires.locator('option', { hasText: '30 days' })).toBeEnabled();
  await expect(expires.locator('option', { hasText: '90 days' })).toBeDisabled();
  await expect(expires.locator('option', { hasText: 'Never' })).toBeDisabled();
  await expect(page.getByTestId('duration-policy')).toContainText('Token policy: tokens may live at most 30 days');
});
