import path from 'node:path';

import {
  ADMIN_EMAIL,
  ADMIN_NAME,
  ADMIN_PASSWORD,
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  createToken,
  expect,
  expectPath,
  gotoHydrated,
  revealBanner,
  test,
  waitForHydration,
  type Page,
} from '../tests/fixtures';

// The README's pictures, taken on a fresh server (the file's own blank instance, see
// tests/fixtures.ts): the token list, the create form with the custom permission matrix
// open, and the one-time reveal banner. Each step builds on the one before.
test.describe.configure({ mode: 'serial' });
test.use({ firstAdmin: false });

const DOCS = path.resolve(__dirname, '..', '..', 'docs');

/** Made through the admin JSON API, so the list has something to show besides the two
 *  pre-generated tokens. */
const EXAMPLES = [
  { name: 'Nightly backup', type: 'read-only', description: 'Exports every article at 02:00', duration: 90 },
  { name: 'CI deploy', type: 'custom', permissions: ['articles.find', 'articles.create', 'articles.update'], description: 'GitHub Actions, main branch', duration: 30 },
  { name: 'Partner feed', type: 'custom', permissions: ['articles.find', 'articles.findOne', 'authors.find'], description: 'Read access for Example Corp' },
  { name: 'Migration script', type: 'full-access', description: 'One-off import, remove after use', duration: 7 },
];

async function signInFresh(page: Page): Promise<void> {
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
}

test('set up an administrator and a few tokens', async ({ page }) => {
  await gotoHydrated(page, '/setup');
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Name', { exact: true }).fill(ADMIN_NAME);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel('Confirm password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Create administrator', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
  for (const example of EXAMPLES) {
    const response = await page.request.post('/admin/api/tokens', { data: example });
    expect(response.status(), await response.text()).toBe(201);
  }
});

test('docs/api-tokens.png: the token list', async ({ page }) => {
  await signInFresh(page);
  await expect(page.getByRole('link', { name: 'Migration script', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Read-only', exact: true })).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'api-tokens.png'), fullPage: true });
});

test('docs/create-token.png: the create form with the permission matrix', async ({ page }) => {
  await signInFresh(page);
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await page.getByLabel('Name', { exact: true }).fill('Newsletter sync');
  await page.getByLabel('Description', { exact: true }).fill('Reads articles and authors every hour');
  await page.getByLabel('Expires', { exact: true }).selectOption({ label: '90 days' });
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });
  for (const permission of ['articles find', 'articles findOne', 'authors find', 'authors findOne']) {
    await page.getByRole('checkbox', { name: permission, exact: true }).check();
  }
  await expect(page.getByRole('table', { name: 'Permissions' })).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'create-token.png'), fullPage: true });
});

test('docs/reveal-banner.png: the one-time reveal', async ({ page }) => {
  await signInFresh(page);
  await createToken(page, {
    name: 'Newsletter sync',
    description: 'Reads articles and authors every hour',
    duration: '90 days',
    type: 'Custom',
    permissions: ['articles find', 'articles findOne', 'authors find', 'authors findOne'],
  });
  await expect(revealBanner(page)).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'reveal-banner.png') });
});
