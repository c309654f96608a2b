import fs from 'node:fs/promises';

import {
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  apiGet,
  apiPost,
  createToken,
  expect,
  expectApiError,
  expectPath,
  gotoHydrated,
  readRevealedToken,
  revealBanner,
  signIn,
  submitTokenForm,
  test,
  tokenRow,
  uniqueName,
  waitForHydration,
  TOKEN_PATTERN,
  type Article,
  type Locator,
  type Page,
  type TokenForm,
  type TokenVerification,
} from './fixtures';

// The first tests meet the tokens pre-generated on the first start of this file's own
// instance, before any test here regenerates one, so the order matters.
test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

/**
 * The row of a pre-generated token. `tokenRow` matches any cell, and "Read-only" is also
 * every read-only token's type, so this matches the name's link.
 */
function pregeneratedRow(page: Page, name: string): Locator {
  return page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** Every row of the token table, header row included. */
function tokenTableRows(page: Page): Locator {
  return page.getByRole('table').getByRole('row');
}

test('the first start pre-generated "Full access" and "Read-only", made by no admin', async ({ page }) => {
  await expect(page.getByRole('heading', { level: 1, name: 'API Tokens' })).toBeVisible();
  const create = page.getByRole('link', { name: 'Create new API token' });
  await expect(create).toBeVisible();
  await expect(create).toHaveAttribute('href', NEW_TOKEN_PATH);

  for (const [name, type] of [
    ['Full access', 'Full access'],
    ['Read-only', 'Read-only'],
  ] as const) {
    const row = pregeneratedRow(page, name);
    await expect(row).toHaveCount(1);
    await expect(row.locator('.badge').first()).toHaveText(type);
    await expect(row.getByRole('cell', { name: 'Tollgate (automatic)', exact: true })).toBeVisible();
    await expect(row.locator('td.when').nth(2)).toHaveText('Never');
    await expect(row.locator('code')).toHaveText(/^tg_\u2026[0-9A-Za-z]{4}$/);
  }
  // Their values were never shown: only the masked hints are on the page.
  expect(await page.content()).not.toMatch(/tg_[0-9A-Za-z]{38}/);
});

test('regenerating the pre-generated "Read-only" reveals a value that may read', async ({ page, request }) => {
  // Arrange
  await pregeneratedRow(page, 'Read-only').getByRole('link', { name: 'Read-only', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Read-only' })).toBeVisible();
  await expect(page.getByText('Tollgate (automatic)', { exact: false })).toBeVisible();
  await waitForHydration(page);

  // Act
  await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();

  // Assert
  await expect(dialog).toBeHidden();
  const token = await readRevealedToken(page);
  expect(token).toMatch(TOKEN_PATTERN);
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
  await expectApiError(await apiPost(request, '/api/articles', token, { title: 'x' }), 403, 'insufficient_scope');
  const verification = (await (await apiGet(request, '/api/tokens/verify', token)).json()) as TokenVerification;
  expect(verification).toMatchObject({ name: 'Read-only', type: 'read-only', expires_at: null });
});

test('invalid tokens are refused and never listed', async ({ page }) => {
  // Arrange: a token to collide with, and the list as it is.
  const existing = uniqueName('Existing');
  await createToken(page, { name: existing, duration: '30 days', type: 'Read-only' });
  await gotoHydrated(page, TOKENS_PATH);
  await expect(tokenRow(page, existing)).toHaveCount(1);
  const rowsBefore = await tokenTableRows(page).count();

  const refusals: { form: TokenForm; message: string }[] = [
    { form: { name: '', duration: '30 days', type: 'Read-only' }, message: 'Name is required.' },
    {
      form: { name: uniqueName('No permissions'), duration: '30 days', type: 'Custom' },
      message: 'Choose at least one permission.',
    },
    {
      form: { name: existing, duration: '7 days', type: 'Full access' },
      message: 'A token with this name already exists.',
    },
    {
      form: { name: 'x'.repeat(101), duration: '30 days', type: 'Read-only' },
      message: 'Name must be at most 100 characters.',
    },
  ];

  for (const { form, message } of refusals) {
    await test.step(`"${message}"`, async () => {
      // Act
      await submitTokenForm(page, form);

      // Assert: the form says why and stays put; the list has not grown.
      // In the page (the live region outside it says the same sentence).
      await expect(page.getByRole('main').getByText(message)).toBeVisible();
      await expectPath(page, NEW_TOKEN_PATH);

      await gotoHydrated(page, TOKENS_PATH);
      await expect(tokenRow(page, existing)).toHaveCount(1);
      await expect(tokenTableRows(page)).toHaveCount(rowsBefore);
      await expect(revealBanner(page)).toHaveCount(0);
      if (form.name !== '' && form.name !== existing) {
        await expect(tokenRow(page, form.name)).toHaveCount(0);
      }
    });
  }
});

test('a read-only token is revealed once, copies, and may only read', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('Read-only');

  // Act
  const token = await createToken(page, {
    name,
    description: 'Used by the end-to-end tests',
    duration: '7 days',
    type: 'Read-only',
  });

  // Assert: the reveal banner.
  const banner = revealBanner(page);
  await expect(
    banner.getByText("Make sure to copy this token now. You won't be able to see it again."),
  ).toBeVisible();
  await banner.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(banner.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    banner.getByRole('link', { name: 'Download', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^tollgate-token-read-only-[0-9a-z-]+\.txt$/);
  const saved = await fs.readFile(await download.path(), 'utf8');
  expect(saved).toContain(`Name: ${name}`);
  expect(saved).toContain(`Token: ${token}`);
  expect(saved).toMatch(/Expires: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

  // Assert: the API lets it read…
  const list = await apiGet(request, '/api/articles', token);
  expect(list.status()).toBe(200);
  const { data } = (await list.json()) as { data: Article[] };
  expect(Array.isArray(data)).toBe(true);
  expect(data.length).toBeGreaterThan(0);

  // …but not write.
  await expectApiError(await apiPost(request, '/api/articles', token, { title: 'x' }), 403, 'insufficient_scope');

  // Assert: it describes itself.
  const verify = await apiGet(request, '/api/tokens/verify', token);
  expect(verify.status()).toBe(200);
  const verification = (await verify.json()) as TokenVerification;
  expect(verification.name).toBe(name);
  expect(verification.type).toBe('read-only');
});

test('a full-access token may write', async ({ page, request }) => {
  // Arrange
  const token = await createToken(page, { name: uniqueName('Full access'), duration: '90 days', type: 'Full access' });
  const title = uniqueName('Hello');

  // Act
  const created = await apiPost(request, '/api/articles', token, { title, body: 'World' });

  // Assert
  expect(created.status()).toBe(201);
  const { data: article } = (await created.json()) as { data: Article };
  expect(article).toMatchObject({ title, body: 'World' });

  const list = await apiGet(request, '/api/articles', token);
  expect(list.status()).toBe(200);
  const { data } = (await list.json()) as { data: Article[] };
  expect(data).toContainEqual(expect.objectContaining({ title, body: 'World' }));
});

test('a custom token may do only what was ticked', async ({ page, request }) => {
  // Arrange
  const token = await createToken(page, {
    name: uniqueName('Custom'),
    duration: 'Never',
    type: 'Custom',
    permissions: ['articles find'],
  });

  // Act + Assert
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
  await expectApiError(await apiGet(request, '/api/authors', token), 403, 'insufficient_scope');
  await expectApiError(await apiPost(request, '/api/articles', token, { title: 'x' }), 403, 'insufficient_scope');
});

test('a reload hides the token for good', async ({ page }) => {
  // Arrange
  const name = uniqueName('Reload');
  const token = await createToken(page, { name, duration: '30 days', type: 'Read-only' });

  // Act
  await page.reload();
  await waitForHydration(page);

  // Assert
  await expect(revealBanner(page)).toHaveCount(0);
  const row = tokenRow(page, name);
  await expect(row.locator('code')).toHaveText(`tg_\u2026${token.slice(-4)}`);
  expect(await page.content()).not.toContain(token);
});

test('a revoked token stops working', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('Revoke');
  const token = await createToken(page, { name, duration: '30 days', type: 'Read-only' });
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);

  const row = tokenRow(page, name);
  const revokeButton = row.getByRole('button', { name: `Revoke ${name}`, exact: true });
  const dialog = page.getByRole('dialog');

  // Act: change our mind.
  await revokeButton.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: `Revoke ${name}?` })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();

  // Assert: nothing happened.
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(1);
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);

  // Act: revoke for real, typing the name to confirm.
  await revokeButton.click();
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(`Type ${name} to confirm`).fill(name);
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();

  // Assert
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  await expectApiError(await apiGet(request, '/api/articles', token), 401, 'invalid_token');
});

test("a token's page charts its requests and refusals", async ({ page, request }) => {
  // Arrange: a token used three times today, once for something it may not do.
  const name = uniqueName('Charted');
  const token = await createToken(page, { name, duration: '30 days', type: 'Read-only' });
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
  expect((await apiGet(request, '/api/tokens/verify', token)).status()).toBe(200);
  await expectApiError(await apiPost(request, '/api/articles', token, { title: 'x' }), 403, 'insufficient_scope');

  // Act: open it from the list.
  await gotoHydrated(page, TOKENS_PATH);
  await tokenRow(page, name).getByRole('link', { name, exact: true }).click();
  await waitForHydration(page);

  // Assert: usage is written in batches (every second in these tests), so reload until
  // the batch has landed.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.locator('.usage-summary').textContent();
      },
      { timeout: 15_000 },
    )
    .toBe('3 requests, 1 refused, in the last 30 days.');
  await expect(page.getByRole('img', { name: '3 requests, 1 refused, in the last 30 days.' })).toBeVisible();
  await expect(page.getByText(/from 127\.0\.0\.1$/)).toBeVisible();
  expect(await page.content()).not.toContain(token);
});

test('the API refuses a missing or malformed bearer token', async ({ request }) => {
  expect((await apiGet(request, '/api/articles')).status()).toBe(401);
  expect((await apiGet(request, '/api/articles', 'tg_garbage')).status()).toBe(401);
});

test('your own new token is in the bell, masked, but not counted as unread news', async ({ page }) => {
  // Arrange
  const bell = page.getByRole('button', { name: /^Notifications/ });
  const panel = page.getByRole('region', { name: 'Notifications' });

  // Act
  const name = uniqueName('Announced');
  const token = await createToken(page, { name, duration: '7 days', type: 'Read-only' });

  // Assert: no unread count for the admin who made it (other admins get one: reveal.spec.ts
  // and the store tests), but the entry is there, naming the creator and the masked token.
  await expect(page.getByTestId('unread-count')).toHaveCount(0);
  await expect(bell).toHaveAccessibleName('Notifications');
  await bell.click();
  const news = panel.getByRole('listitem').filter({ hasText: `“${name}”` });
  await expect(news).toContainText(`Ada Admin created the API token “${name}” (tg_…${token.slice(-4)}, Read-only).`);
  await expect(news).not.toHaveClass(/unread/);
  await expect(panel).not.toContainText(token);

  // Act + Assert: the link opens the token's page.
  await news.getByRole('link').click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
});

test('signing out ends the session', async ({ page }) => {
  // Act
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  // Assert
  await expectPath(page, '/login');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await page.goto(TOKENS_PATH);
  await expectPath(page, '/login');
});
