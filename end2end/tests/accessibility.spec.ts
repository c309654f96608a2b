import AxeBuilder from '@axe-core/playwright';

import {
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  apiGet,
  createToken,
  expect,
  expectPath,
  gotoHydrated,
  revealBanner,
  signIn,
  test,
  tokenRow,
  uniqueName,
  waitForHydration,
  type Locator,
  type Page,
} from './fixtures';

// Every page of the panel, in light and in dark, from a 375 px phone to a desktop:
// axe-core finds no serious or critical WCAG 2 A/AA violation, the document never scrolls
// sideways (wide tables scroll inside their own box), and the page's main controls fit on
// the screen. On this file's own instance: the tokens pre-generated on its first start, and
// the two this file adds.

// Each page is checked in four looks, with an axe run in each: the long API documentation
// page alone takes about 16 s on an idle 2-core machine, so the default 30 s is too tight
// once the other worker and the machine's other jobs share the cores.
test.describe.configure({ timeout: 90_000 });

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 800 };

/** Fails with each serious or critical violation's rule, help text and elements. */
async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
  expect(serious, `axe on ${where}`).toEqual([]);
}

/** The relative luminance (0 black … 1 white) of a computed `rgb(…)` colour. */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function bodyLuminance(page: Page): Promise<number> {
  return luminance(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
}

/** The document itself does not scroll sideways, and each control fits in the width. */
async function expectFits(page: Page, controls: Locator[], where: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(clientWidth);
  for (const control of controls) {
    await expect(control).toBeVisible();
    await control.scrollIntoViewIfNeeded();
    const box = await control.boundingBox();
    expect(box, `${where}: ${control} has no box`).not.toBeNull();
    expect(box!.x, `${where}: ${control} starts off screen`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${where}: ${control} ends off screen`).toBeLessThanOrEqual(clientWidth + 0.5);
  }
}

/**
 * Checks the page as it stands in four looks: desktop light, desktop dark, phone dark,
 * phone light. `controls` are the ones a visitor of that page came for.
 */
async function checkEveryLook(page: Page, name: string, controls: Locator[]): Promise<void> {
  await test.step(`${name}: desktop, light`, async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(DESKTOP);
    expect(await bodyLuminance(page), 'a light background').toBeGreaterThan(0.6);
    await expectFits(page, controls, `${name} (desktop, light)`);
    await expectNoSeriousViolations(page, `${name} (desktop, light)`);
  });
  await test.step(`${name}: desktop, dark`, async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await bodyLuminance(page), 'a dark background').toBeLessThan(0.05);
    await expectNoSeriousViolations(page, `${name} (desktop, dark)`);
  });
  await test.step(`${name}: 375 px, dark`, async () => {
    await page.setViewportSize(PHONE);
    await expectFits(page, controls, `${name} (375 px, dark)`);
    await expectNoSeriousViolations(page, `${name} (375 px, dark)`);
  });
  await test.step(`${name}: 375 px, light`, async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await expectFits(page, controls, `${name} (375 px, light)`);
    await expectNoSeriousViolations(page, `${name} (375 px, light)`);
  });
}

/** The page of the pre-generated "Full access" token, opened from the list. */
async function openFullAccessToken(page: Page): Promise<string> {
  await gotoHydrated(page, `${TOKENS_PATH}?search=${encodeURIComponent('Full access')}`);
  await page.getByRole('link', { name: 'Full access', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Full access' })).toBeVisible();
  await waitForHydration(page);
  return new URL(page.url()).pathname;
}

test('the sign-in page, signed out', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await checkEveryLook(page, 'sign-in', [
    page.getByLabel('Email', { exact: true }),
    page.getByLabel('Password', { exact: true }),
    page.getByRole('button', { name: 'Sign in', exact: true }),
  ]);
});

test.describe('signed in', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('the token list', async ({ page, request }) => {
    // A row with every column filled: a description, an expiry, and a use from an address.
    const name = uniqueName('Nightly docs deploy');
    const token = await createToken(page, {
      name,
      description: 'Publishes the documentation site every night',
      duration: '30 days',
      type: 'Read-only',
    });
    expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
    // Usage is written in batches (every second in these tests): reload until it shows.
    await expect
      .poll(
        async () => {
          await gotoHydrated(page, TOKENS_PATH);
          return tokenRow(page, name).getByText(/^from /).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await expect(page.getByRole('heading', { level: 1, name: 'API Tokens' })).toBeVisible();
    await checkEveryLook(page, 'token list', [
      page.getByRole('link', { name: 'Create new API token' }),
      page.getByLabel('Search tokens'),
      page.getByRole('button', { name: /^Notifications/ }),
      page.getByRole('button', { name: 'Sign out', exact: true }),
    ]);
    await test.step('token list: the table fits a 1280 px screen without scrolling', async () => {
      await page.setViewportSize(DESKTOP);
      const table = page.locator('.table-wrap').filter({ has: page.locator('table.tokens') });
      const { scrollWidth, clientWidth } = await table.evaluate((box) => ({
        scrollWidth: box.scrollWidth,
        clientWidth: box.clientWidth,
      }));
      expect(scrollWidth, 'the token table scrolls sideways at 1280 px').toBeLessThanOrEqual(clientWidth);
    });
  });

  test("a token's page", async ({ page }) => {
    await openFullAccessToken(page);
    await checkEveryLook(page, 'token details', [
      page.getByRole('link', { name: 'Edit', exact: true }),
      page.getByRole('button', { name: 'Regenerate', exact: true }),
      page.getByRole('link', { name: 'Copy as new', exact: true }),
    ]);
  });

  test('the regenerate dialog', async ({ page }) => {
    await openFullAccessToken(page);
    await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await checkEveryLook(page, 'regenerate dialog', [
      dialog.getByRole('button', { name: 'Regenerate', exact: true }),
      dialog.getByRole('button', { name: 'Cancel', exact: true }),
    ]);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(dialog).toBeHidden();
  });

  test('the create form with the custom permission matrix', async ({ page }) => {
    await gotoHydrated(page, NEW_TOKEN_PATH);
    await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });
    const matrix = page.getByRole('table', { name: 'Permissions' });
    await expect(matrix).toBeVisible();
    await page.getByRole('checkbox', { name: 'articles find', exact: true }).check();
    await checkEveryLook(page, 'create form', [
      page.getByLabel('Name', { exact: true }),
      page.getByLabel('Expires', { exact: true }),
      page.getByLabel('Token type', { exact: true }),
      page.getByRole('checkbox', { name: 'articles find', exact: true }),
      page.getByRole('button', { name: 'Save', exact: true }),
    ]);
  });

  test('the edit page', async ({ page }) => {
    const tokenPath = await openFullAccessToken(page);
    await gotoHydrated(page, `${tokenPath}/edit`);
    await expect(page.getByRole('heading', { level: 1, name: 'Edit API token' })).toBeVisible();
    await checkEveryLook(page, 'edit page', [
      page.getByLabel('Name', { exact: true }),
      page.getByRole('button', { name: 'Save', exact: true }),
      page.getByRole('link', { name: 'Cancel', exact: true }),
    ]);
  });

  test('the reveal banner after creating a token', async ({ page }) => {
    await createToken(page, {
      name: uniqueName('Accessible'),
      duration: '30 days',
      type: 'Custom',
      permissions: ['articles find'],
    });
    await expectPath(page, TOKENS_PATH);
    const banner = revealBanner(page);
    await checkEveryLook(page, 'reveal banner', [
      banner.getByTestId('token-value'),
      banner.getByRole('button', { name: 'Copy', exact: true }),
      banner.getByRole('link', { name: 'Download', exact: true }),
    ]);
  });

  test('the administrators page', async ({ page }) => {
    await gotoHydrated(page, '/settings/administrators');
    await expect(page.getByRole('heading', { level: 1, name: 'Administrators' })).toBeVisible();
    await checkEveryLook(page, 'administrators', [
      page.getByRole('button', { name: 'Add administrator', exact: true }),
    ]);
  });

  test('the roles page', async ({ page }) => {
    await gotoHydrated(page, '/settings/roles');
    await expect(page.getByRole('heading', { level: 1, name: 'Roles' })).toBeVisible();
    await checkEveryLook(page, 'roles', [page.getByRole('button', { name: 'Create role', exact: true })]);
  });

  test('the token policy page', async ({ page }) => {
    await gotoHydrated(page, '/settings/token-policy');
    await expect(page.getByRole('heading', { level: 1, name: 'Token policy' })).toBeVisible();
    await checkEveryLook(page, 'token policy', [
      page.getByLabel('Maximum lifetime (days)'),
      page.getByRole('button', { name: 'Save policy', exact: true }),
    ]);
  });

  test('the profile page', async ({ page }) => {
    await gotoHydrated(page, '/settings/profile');
    await expect(page.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();
    await checkEveryLook(page, 'profile', [
      page.getByRole('button', { name: 'Save name', exact: true }),
      page.getByRole('button', { name: 'Change password', exact: true }),
    ]);
  });

  test('the audit log', async ({ page }) => {
    await gotoHydrated(page, '/settings/audit-log');
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await checkEveryLook(page, 'audit log', [
      page.getByLabel('Administrator', { exact: true }),
      page.getByRole('button', { name: 'Apply filters', exact: true }),
    ]);
  });

  test('the API documentation page', async ({ page }) => {
    await gotoHydrated(page, '/settings/api-docs');
    await expect(page.getByRole('heading', { level: 1, name: 'API documentation' })).toBeVisible();
    await checkEveryLook(page, 'API documentation', [
      page.getByRole('heading', { level: 1, name: 'API documentation' }),
    ]);
  });
});
