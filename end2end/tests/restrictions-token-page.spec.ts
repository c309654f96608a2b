import AxeBuilder from '@axe-core/playwright';

import {
  ADMIN_NAME,
  ADMIN_PASSWORD,
  TOKENS_PATH,
  TOKEN_PATTERN,
  apiGet,
  apiPost,
  createViaApi,
  expect,
  gotoHydrated,
  readRevealedToken,
  revealBanner,
  signIn,
  test,
  uniqueName,
  type ApiError,
  type Page,
} from './fixtures';
import type { APIResponse } from '@playwright/test';

import { confirmIn, forgetConfirmation, passwordDialog } from './password-dialog';

// A token's page and its restrictions (issue 14): the restrictions in words, suspend and
// resume (the password first), what a quota has left, regenerating with a grace period
// (both values work, the old one's traffic is listed, the grace can be ended), the
// least-privilege hint, and the usage chart's "limited" series. Every change is checked
// at the API door too, since that is what the page promises.

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

/** Sets a token's restrictions through the panel's own server function (the create form
 * and the admin API get their restriction fields from other work of the same issue). */
async function restrict(page: Page, id: number, restrictions: Record<string, unknown>): Promise<void> {
  const response = await page.request.post('/rpc/update_token', { data: { id, patch: { restrictions } } });
  expect(response.status(), await response.text()).toBe(200);
}

/** The JSON `code` of an API door refusal, with its status. */
async function refusal(response: APIResponse): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as ApiError;
  return { status: response.status(), code: body.error.code };
}

function tokenPage(id: number): string {
  return `${TOKENS_PATH}/${id}`;
}

/** Usage and traffic are written in batches (every second in these tests): reload until
 * `read` (which must not wait for an element that may not be there yet) gives what is
 * expected. */
async function reloadUntil(page: Page, id: number, read: () => Promise<string>, expected: string | RegExp) {
  // Each try is a full reload and hydration, seconds apiece on a loaded 2-core machine:
  // with the rest of the test that can pass the default 30 s, so it gets three times that.
  test.slow();
  await expect
    .poll(
      async () => {
        await gotoHydrated(page, tokenPage(id));
        return read();
      },
      { timeout: 30_000 },
    )
    .toMatch(expected);
}

test('without restrictions the page says so in words', async ({ page }) => {
  const { id } = await createViaApi(page, { name: uniqueName('Plain'), type: 'read-only' });
  await gotoHydrated(page, tokenPage(id));

  const section = page.getByRole('region', { name: 'Restrictions' });
  await expect(section.getByTestId('restriction-networks')).toHaveText('Any address (no network restriction)');
  await expect(section.getByTestId('restriction-rate')).toHaveText('None');
  await expect(section.getByTestId('restriction-quota')).toHaveText('None');
  await expect(section.getByTestId('restriction-start')).toHaveText('Right away (no start set)');
  await expect(section.getByTestId('token-metadata')).toHaveText('None');
  // Nothing to set without a quota, no grace period, no usage to advise on.
  await expect(page.getByLabel('Requests left')).toHaveCount(0);
  await expect(page.getByTestId('grace-period')).toHaveCount(0);
  await expect(page.getByTestId('least-privilege')).toHaveCount(0);
});

test('suspend with a reason, refused at the door; resume with the password, works again', async ({
  page,
  request,
}) => {
  // Arrange
  const name = uniqueName('Held');
  const { id, secret } = await createViaApi(page, { name, type: 'read-only' });
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  await gotoHydrated(page, tokenPage(id));

  // Act: Suspend opens a dialog that starts in the (optional) reason.
  await page.getByRole('button', { name: 'Suspend', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Suspend “${name}”?` });
  const reason = dialog.getByLabel('Reason (optional)');
  await expect(reason).toBeFocused();
  await expect(reason).toHaveAttribute('maxlength', '200');
  await reason.fill('key leaked in a CI log');
  await dialog.getByRole('button', { name: 'Suspend', exact: true }).click();

  // Assert: the banner says who, when and why; the door refuses with `token_suspended`.
  await expect(dialog).toBeHidden();
  await expect(page.locator('#token-change-result')).toHaveText(
    `Token “${name}” suspended: requests using it are refused until it is resumed.`,
  );
  await expect(page.getByTestId('token-status')).toHaveText('Suspended');
  await expect(page.getByTestId('suspended-banner')).toContainText(
    new RegExp(`^Suspended by ${ADMIN_NAME} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: key leaked in a CI log`),
  );
  await expect(page.getByRole('button', { name: 'Suspend', exact: true })).toHaveCount(0);
  expect(await refusal(await apiGet(request, '/api/articles', secret))).toEqual({
    status: 401,
    code: 'token_suspended',
  });

  // Act: Resume, with the password asked first (the sudo window closed on purpose).
  await forgetConfirmation(page);
  await gotoHydrated(page, tokenPage(id));
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(passwordDialog(page)).toBeVisible();
  await confirmIn(passwordDialog(page), ADMIN_PASSWORD);

  // Assert
  await expect(page.locator('#token-change-result')).toHaveText(`Token “${name}” resumed: it works again.`);
  await expect(page.locator('#token-change-result')).toBeFocused();
  await expect(page.getByTestId('token-status')).toHaveText('Active');
  await expect(page.getByTestId('suspended-banner')).toHaveCount(0);
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
});

test('a quota is shown in words and what it has left can be set, with the password', async ({ page }) => {
  // Arrange
  const { id } = await createViaApi(page, { name: uniqueName('Metered'), type: 'read-only' });
  await restrict(page, id, {
    quota: { requests: 1000, refill: 'monthly' },
    rate_limit: { requests: 10, per: 'minute' },
    allowed_networks: ['127.0.0.1', '10.0.0.0/8'],
  });
  await forgetConfirmation(page);
  await gotoHydrated(page, tokenPage(id));
  const section = page.getByRole('region', { name: 'Restrictions' });
  await expect(section.getByTestId('restriction-rate')).toHaveText('10 requests per minute (all instances together)');
  await expect(section.getByTestId('restriction-networks').getByRole('listitem')).toHaveText([
    '127.0.0.1/32',
    '10.0.0.0/8',
  ]);
  await expect(section.getByTestId('restriction-quota')).toHaveText(/^1,000 (of 1,000 left|requests), refills monthly \(next: \d{4}-\d\d-01 00:00 UTC\)$/);

  // Act: giving requests back widens the token, so the password is asked.
  const form = page.getByRole('form', { name: 'Set what the quota has left' });
  await form.getByLabel('Requests left').fill('740');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(passwordDialog(page)).toBeVisible();
  await confirmIn(passwordDialog(page), ADMIN_PASSWORD);

  // Assert: said, and shown after the refresh (and after a reload: the server's page).
  await expect(page.locator('#token-change-result')).toHaveText('Quota updated: 740 requests left.');
  await expect(section.getByTestId('restriction-quota')).toHaveText(/^740 of 1,000 left, refills monthly/);
  await gotoHydrated(page, tokenPage(id));
  await expect(page.getByTestId('restriction-quota')).toHaveText(/^740 of 1,000 left, refills monthly/);

  // A number the browser can't read is refused in place, nothing sent.
  await page.getByLabel('Requests left').fill('');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#quota-remaining-error')).toHaveText('Enter a whole number of requests, 0 or more.');
  await expect(page.getByLabel('Requests left')).toHaveAttribute('aria-invalid', 'true');
});

test('regenerate with a grace period: both values work, the old one is tracked, then ended', async ({
  page,
  request,
}) => {
  // Arrange
  const name = uniqueName('Rotating');
  const { id, secret: old } = await createViaApi(page, { name, type: 'read-only' });
  await gotoHydrated(page, tokenPage(id));

  // Act: regenerate, the old value to stop in 24 hours.
  await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Regenerate “${name}”?` });
  const grace = dialog.getByLabel('Old value stops');
  await expect(grace.locator('option')).toHaveText(['Now', 'In 1 hour', 'In 24 hours', 'In 7 days']);
  await grace.selectOption({ label: 'In 24 hours' });
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();

  // Assert: the new value once; both values work at the door.
  await expect(dialog).toBeHidden();
  const fresh = await readRevealedToken(page);
  expect(fresh).toMatch(TOKEN_PATTERN);
  expect(fresh).not.toBe(old);
  await revealBanner(page).getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(revealBanner(page).getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  const until = page.getByTestId('grace-until');
  await expect(until).toHaveText(
    new RegExp(`^The previous value \\(tg_\u2026${old.slice(-4)}\\) works until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`),
  );
  expect((await apiGet(request, '/api/articles', old)).status()).toBe(200);
  expect((await apiGet(request, '/api/articles', fresh)).status()).toBe(200);

  // Assert: the old value's traffic, by address.
  const uses = page.getByTestId('previous-value-uses');
  const firstRow = () => uses.locator('tbody tr').first().locator('td').allTextContents();
  await reloadUntil(page, id, async () => (await firstRow()).slice(0, 2).join(' | '), '127.0.0.1 | 1');
  await expect(uses.getByRole('columnheader')).toHaveText(['Address', 'Requests', 'Last at']);

  // Act: end the grace period now.
  await page.getByRole('button', { name: 'End the grace period now', exact: true }).click();

  // Assert: said; the section is gone; the old value is refused, the new one still works.
  await expect(page.locator('#token-change-result')).toHaveText(
    'Grace period ended: the previous value is refused from now on.',
  );
  await expect(page.getByTestId('grace-period')).toHaveCount(0);
  expect((await apiGet(request, '/api/articles', old)).status()).toBe(401);
  expect((await apiGet(request, '/api/articles', fresh)).status()).toBe(200);
});

test('least privilege: an unused permission is listed and removed', async ({ page, request }) => {
  // Arrange: a custom token with two permissions, one used.
  const name = uniqueName('Narrowed');
  const { id, secret } = await createViaApi(page, {
    name,
    type: 'custom',
    permissions: ['articles.find', 'articles.create'],
  });
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);

  // Act: the page lists the other one as unused once the usage is written.
  const hint = page.getByTestId('least-privilege');
  const listed = async () => (await hint.getByRole('listitem').allTextContents()).join(' | ');
  await reloadUntil(page, id, listed, 'articles.create');
  await expect(hint).toContainText('No request used these permissions in the last 30 days:');
  await hint.getByRole('button', { name: 'Remove unused permissions', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Remove unused permissions from “${name}”?` });
  await expect(dialog).toContainText('The token keeps articles.find.');
  await dialog.getByRole('button', { name: 'Remove unused permissions', exact: true }).click();

  // Assert: the token now has one permission, here and at the door; no hint is left.
  await expect(page.locator('#token-change-result')).toHaveText(`Token “${name}” now has only: articles.find.`);
  await expect(page.getByTestId('token-facts').locator('dd').nth(2)).toHaveText('articles.find');
  await expect(page.getByTestId('least-privilege')).toHaveCount(0);
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  expect((await refusal(await apiPost(request, '/api/articles', secret, { title: 'x' }))).status).toBe(403);
});

test('least privilege: a read-only token becomes custom with just what it touched', async ({ page, request }) => {
  const name = uniqueName('Typed');
  const { id, secret } = await createViaApi(page, { name, type: 'read-only' });
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  const hint = page.getByTestId('least-privilege');
  const listed = async () => (await hint.getByRole('listitem').allTextContents()).join(' | ');
  await reloadUntil(page, id, listed, 'articles.find (1 request)');

  await hint.getByRole('button', { name: 'Convert to a custom token with just these', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Convert “${name}” to a custom token?` });
  await expect(dialog).toContainText('only articles.find');
  await dialog.getByRole('button', { name: 'Convert to a custom token with just these', exact: true }).click();

  await expect(page.locator('#token-change-result')).toHaveText(`Token “${name}” now has only: articles.find.`);
  await expect(page.getByTestId('token-facts').locator('.badge').first()).toHaveText('Custom');
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  expect((await refusal(await apiGet(request, '/api/categories', secret))).status).toBe(403);
});

test('the usage chart counts requests refused by a restriction as "limited"', async ({ page, request }) => {
  // Arrange: one request an hour; the second is refused with 429.
  const { id, secret } = await createViaApi(page, { name: uniqueName('Throttled'), type: 'read-only' });
  await restrict(page, id, { rate_limit: { requests: 1, per: 'hour' } });
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  expect(await refusal(await apiGet(request, '/api/articles', secret))).toEqual({ status: 429, code: 'rate_limited' });

  // Act
  await reloadUntil(
    page,
    id,
    async () => (await page.locator('.usage-summary').allTextContents()).join(''),
    '2 requests, 0 refused, 1 limited, in the last 30 days.',
  );

  // Assert: a legend entry and a colour of its own, a name for the chart, a table column.
  await expect(page.locator('.legend li')).toHaveText([
    'Allowed',
    'Refused (401, 403)',
    'Limited (429: rate limit, quota)',
  ]);
  const colours = await page.evaluate(() => {
    const fill = (selector: string) => getComputedStyle(document.querySelector(selector)!).fill;
    const background = (selector: string) => getComputedStyle(document.querySelector(selector)!).backgroundColor;
    return {
      limitedBar: fill('svg.chart .bar.limited'),
      refusedBar: fill('svg.chart .bar.refused'),
      limited: background('.legend .swatch.limited'),
    };
  });
  expect(colours.limited).toBe(colours.limitedBar);
  expect(colours.limitedBar).not.toBe(colours.refusedBar);
  await expect(page.getByRole('img', { name: '2 requests, 0 refused, 1 limited, in the last 30 days.' })).toBeVisible();
  const table = page.getByTestId('usage-table');
  await expect(table.getByRole('columnheader').last()).toHaveText('Limited, 429 (rate limit or quota)');
  await expect(table.locator('tbody tr').first().locator('td')).toHaveText([/\d{4}$/, '1', '0', '0', '1']);
});

test('every part of the page passes axe, light and dark, and the suspend dialog gives focus back', async ({
  page,
}) => {
  // Arrange: every restriction, metadata, a grace period running.
  const name = uniqueName('Everything');
  const { id } = await createViaApi(page, { name, type: 'read-only' });
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const patched = await page.request.post('/rpc/update_token', {
    data: {
      id,
      patch: {
        restrictions: {
          allowed_networks: ['127.0.0.1', '2001:db8::/32'],
          rate_limit: { requests: 5, per: 'second' },
          quota: { requests: 50, refill: 'daily' },
          not_before: later,
        },
        metadata: { customer: 'acme', plan: 'pro' },
      },
    },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  const regenerated = await page.request.post('/rpc/regenerate_token', { data: { id, grace: '7d' } });
  expect(regenerated.status(), await regenerated.text()).toBe(200);
  await gotoHydrated(page, tokenPage(id));
  await expect(page.getByTestId('restriction-start')).toHaveText(/^From \d{4}-\d\d-\d\d \d\d:\d\d UTC: refused until then$/);
  await expect(page.getByTestId('token-metadata')).toHaveText('{\n  "customer": "acme",\n  "plan": "pro"\n}');
  await expect(page.getByTestId('grace-period')).toContainText('No request has used the previous value since.');

  // Act + Assert: the suspend dialog passes axe; Escape gives focus back to Suspend.
  const suspend = page.getByRole('button', { name: 'Suspend', exact: true });
  await suspend.click();
  const dialog = page.getByRole('dialog', { name: `Suspend “${name}”?` });
  await expect(dialog.getByLabel('Reason (optional)')).toBeFocused();
  await expectNoSeriousViolations(page, 'suspend dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(suspend).toBeFocused();

  // Act + Assert: suspended, in both colour schemes.
  const held = await page.request.post('/rpc/suspend_token', { data: { id, reason: 'audit' } });
  expect(held.status(), await held.text()).toBe(200);
  await gotoHydrated(page, tokenPage(id));
  await expect(page.getByTestId('suspended-banner')).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoSeriousViolations(page, `token page (${colorScheme})`);
  }
});

test('without JavaScript the page reads the same: restrictions, hold, grace traffic, least privilege', async ({
  page,
  request,
  browser,
}) => {
  // Arrange: a custom token with a quota, regenerated with a grace period, its old value
  // used once (so one permission is unused), then suspended.
  const name = uniqueName('Static');
  const { id, secret: old } = await createViaApi(page, {
    name,
    type: 'custom',
    permissions: ['articles.find', 'articles.create'],
  });
  await restrict(page, id, { quota: { requests: 20 }, allowed_networks: ['127.0.0.0/8'] });
  const regenerated = await page.request.post('/rpc/regenerate_token', { data: { id, grace: '24h' } });
  expect(regenerated.status(), await regenerated.text()).toBe(200);
  expect((await apiGet(request, '/api/articles', old)).status()).toBe(200);
  const held = await page.request.post('/rpc/suspend_token', { data: { id, reason: 'moving hosts' } });
  expect(held.status(), await held.text()).toBe(200);
  const uses = page.getByTestId('previous-value-uses');
  await reloadUntil(page, id, async () => (await uses.locator('tbody td').allTextContents()).slice(0, 2).join(' | '), '127.0.0.1 | 1');

  // Act: the same page, signed in with the same session, JavaScript off.
  const context = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const nojs = await context.newPage();
  await nojs.goto(new URL(tokenPage(id), page.url()).href);

  // Assert: everything is there in the server's HTML; the buttons that need dialogs wait.
  const section = nojs.getByRole('region', { name: 'Restrictions' });
  await expect(section.getByTestId('restriction-networks').getByRole('listitem')).toHaveText(['127.0.0.0/8']);
  // What is left is the stored count, less the block this instance leased (README).
  await expect(section.getByTestId('restriction-quota')).toHaveText(/^1\d of 20 left, never refilled$/);
  await expect(nojs.getByTestId('token-status')).toHaveText('Suspended');
  await expect(nojs.getByTestId('suspended-banner')).toContainText(`Suspended by ${ADMIN_NAME} at `);
  await expect(nojs.getByTestId('suspended-banner')).toContainText(': moving hosts');
  await expect(nojs.getByTestId('grace-until')).toContainText(`(tg_\u2026${old.slice(-4)}) works until `);
  await expect(nojs.getByTestId('previous-value-uses').locator('tbody td').first()).toHaveText('127.0.0.1');
  await expect(nojs.getByTestId('least-privilege').getByRole('listitem')).toHaveText(['articles.create']);
  for (const label of ['Resume', 'End the grace period now', 'Remove unused permissions', 'Regenerate']) {
    await expect(nojs.getByRole('button', { name: label, exact: true })).toBeDisabled();
  }
  await context.close();
});

/** Fails with each serious or critical WCAG 2 A/AA violation axe finds (as accessibility.spec.ts). */
async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} at ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${where}`).toEqual([]);
}
