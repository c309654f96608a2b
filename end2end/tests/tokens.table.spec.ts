import {
  TOKENS_PATH,
  apiGet,
  expect,
  expectApiError,
  gotoHydrated,
  refusedServerFunction,
  signIn,
  test,
  tokenRow,
  waitForHydration,
  type AllowedConsoleError,
  type Locator,
  type Page,
  createViaApi,
  listUrl,
  type Created,
} from './fixtures';

// The list page: search, filters, sort and keyset pages kept in the URL; multi-select with
// shift-click and bulk revoke; revoke confirmed by typing the name. Serial: the keyset
// test pages through the tokens the first test made.
test.describe.configure({ mode: 'serial' });

/** Every token this file makes starts with RUN, so a search for RUN shows only them. */
const RUN = `List${Date.now()}`;

/** The names in the table, top to bottom. */
function nameCells(page: Page): Locator {
  return page.locator('table.tokens tbody td.name');
}

function searchParam(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

async function expectParam(page: Page, name: string, value: string | null): Promise<void> {
  await expect.poll(() => searchParam(page, name)).toBe(value);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('search, filters and sort live in the URL and survive a reload', async ({ page }) => {
  // Arrange: four tokens of this run, created oldest first.
  await createViaApi(page, { name: `${RUN} alpha`, type: 'read-only', description: 'nightly backup' });
  await createViaApi(page, { name: `${RUN} bravo`, type: 'full-access' });
  await createViaApi(page, { name: `${RUN} charlie`, type: 'custom', permissions: ['articles.find'] });
  await createViaApi(page, { name: `${RUN} delta`, type: 'read-only' });
  await gotoHydrated(page, TOKENS_PATH);

  // Act: search.
  await page.getByLabel('Search tokens').fill(RUN);
  await page.getByRole('button', { name: 'Search', exact: true }).click();

  // Assert: only this run's tokens, newest first (the default sort).
  await expectParam(page, 'search', RUN);
  await expect(nameCells(page)).toHaveText([`${RUN} delta`, `${RUN} charlie`, `${RUN} bravo`, `${RUN} alpha`]);
  await expect(page.getByRole('columnheader', { name: 'Created', exact: true })).toHaveAttribute('aria-sort', 'descending');
  await expect(tokenRow(page, `${RUN} alpha`).getByRole('cell', { name: 'Active', exact: true })).toBeVisible();

  // Act + Assert: the description is searched too.
  await page.getByLabel('Search tokens').fill('NIGHTLY BACKUP');
  await page.getByLabel('Search tokens').press('Enter');
  await expect(nameCells(page)).toHaveText([`${RUN} alpha`]);
  await page.getByLabel('Search tokens').fill(RUN);
  await page.getByLabel('Search tokens').press('Enter');
  await expect(nameCells(page)).toHaveCount(4);

  // Act + Assert: a header sorts ascending, a second click descending.
  const nameHeader = page.getByRole('columnheader', { name: 'Name', exact: true });
  await nameHeader.getByRole('link').click();
  await expectParam(page, 'sort', 'name');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByRole('columnheader', { name: 'Created', exact: true })).toHaveAttribute('aria-sort', 'none');
  await expect(nameCells(page)).toHaveText([`${RUN} alpha`, `${RUN} bravo`, `${RUN} charlie`, `${RUN} delta`]);
  await nameHeader.getByRole('link').click();
  await expectParam(page, 'sort', '-name');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(nameCells(page)).toHaveText([`${RUN} delta`, `${RUN} charlie`, `${RUN} bravo`, `${RUN} alpha`]);

  // Act + Assert: the type filter.
  await page.getByLabel('Type', { exact: true }).selectOption('read-only');
  await expectParam(page, 'type', 'read-only');
  await expect(nameCells(page)).toHaveText([`${RUN} delta`, `${RUN} alpha`]);

  // Act: reload.
  await page.reload();
  await waitForHydration(page);

  // Assert: the same view, controls included.
  await expect(nameCells(page)).toHaveText([`${RUN} delta`, `${RUN} alpha`]);
  await expect(page.getByLabel('Search tokens')).toHaveValue(RUN);
  await expect(page.getByLabel('Type', { exact: true })).toHaveValue('read-only');
  await expect(page.getByRole('columnheader', { name: 'Name', exact: true })).toHaveAttribute('aria-sort', 'descending');

  // Act + Assert: a status filter with no match says so and offers to clear the filters.
  await page.getByLabel('Status', { exact: true }).selectOption('revoked');
  await expectParam(page, 'status', 'revoked');
  await expect(page.getByText('No tokens match these filters')).toBeVisible();
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expectParam(page, 'status', null);
  await expectParam(page, 'search', null);
  await expectParam(page, 'sort', '-name');
  await expect(page.getByLabel('Search tokens')).toHaveValue('');
  await expect(tokenRow(page, `${RUN} alpha`)).toHaveCount(1);
});

test('keyset pages: Next page and First page, with a small limit', async ({ page }) => {
  // Arrange: the four tokens of the test above, two per page.
  await gotoHydrated(page, listUrl({ search: RUN, sort: 'name', limit: '2' }));
  await expect(nameCells(page)).toHaveText([`${RUN} alpha`, `${RUN} bravo`]);
  await expect(page.getByRole('link', { name: 'First page' })).toHaveCount(0);

  // Act
  await page.getByRole('link', { name: 'Next page' }).click();

  // Assert: the rest, and no page after it.
  await expect(nameCells(page)).toHaveText([`${RUN} charlie`, `${RUN} delta`]);
  expect(searchParam(page, 'after')).not.toBeNull();
  expect(searchParam(page, 'limit')).toBe('2');
  await expect(page.getByRole('link', { name: 'Next page' })).toHaveCount(0);

  // Act + Assert: a reload keeps the page; First page starts over.
  await page.reload();
  await waitForHydration(page);
  await expect(nameCells(page)).toHaveText([`${RUN} charlie`, `${RUN} delta`]);
  await page.getByRole('link', { name: 'First page' }).click();
  await expectParam(page, 'after', null);
  await expect(nameCells(page)).toHaveText([`${RUN} alpha`, `${RUN} bravo`]);
});

test('shift-click selects a range; the selected tokens are revoked together', async ({ page, request }) => {
  // Arrange: four tokens, each able to read.
  const prefix = `${RUN} bulk`;
  const made: Created[] = [];
  for (const n of [1, 2, 3, 4]) {
    made.push(await createViaApi(page, { name: `${prefix} ${n}`, type: 'read-only' }));
  }
  for (const { secret } of made) {
    expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  }
  await gotoHydrated(page, listUrl({ search: prefix, sort: 'name' }));
  await expect(nameCells(page)).toHaveCount(4);
  const box = (n: number) => page.getByRole('checkbox', { name: `Select ${prefix} ${n}`, exact: true });
  const bulkButton = page.getByRole('button', { name: /^Revoke selected/ });
  await expect(bulkButton).toBeHidden();

  // Act + Assert: select all, then none (nothing to revoke: the button goes).
  const all = page.getByRole('checkbox', { name: 'Select all on this page' });
  await all.check();
  await expect(bulkButton).toHaveText('Revoke selected (4)');
  await all.uncheck();
  await expect(bulkButton).toBeHidden();

  // Act: click 1, shift-click 3.
  await box(1).click();
  await box(3).click({ modifiers: ['Shift'] });

  // Assert: 1 to 3 selected, 4 not.
  for (const n of [1, 2, 3]) {
    await expect(box(n)).toBeChecked();
  }
  await expect(box(4)).not.toBeChecked();
  await expect(bulkButton).toHaveText('Revoke selected (3)');

  // Act + Assert: ctrl-click toggles one row off and on again.
  await box(2).click({ modifiers: ['ControlOrMeta'] });
  await expect(box(2)).not.toBeChecked();
  await expect(bulkButton).toHaveText('Revoke selected (2)');
  await box(2).click({ modifiers: ['ControlOrMeta'] });
  await expect(bulkButton).toHaveText('Revoke selected (3)');

  // Act: one confirmation for the three.
  await bulkButton.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Revoke 3 tokens?' })).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveText([`${prefix} 1`, `${prefix} 2`, `${prefix} 3`]);
  await dialog.getByRole('button', { name: 'Revoke 3 tokens', exact: true }).click();

  // Assert: the list refreshed and says what was done; the three values fail at once.
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('revoke-outcome')).toHaveText(`3 tokens revoked: ${prefix} 1, ${prefix} 2, ${prefix} 3.`);
  await expect(nameCells(page)).toHaveText([`${prefix} 4`]);
  for (const { secret } of made.slice(0, 3)) {
    await expectApiError(await apiGet(request, '/api/articles', secret), 401, 'invalid_token');
  }
  expect((await apiGet(request, '/api/articles', made[3]!.secret)).status()).toBe(200);

  // Assert: they are listed under "revoked", with who and when, and can't be revoked again.
  await page.getByLabel('Status', { exact: true }).selectOption('revoked');
  await expect(nameCells(page)).toHaveText([`${prefix} 1`, `${prefix} 2`, `${prefix} 3`]);
  const revoked = tokenRow(page, `${prefix} 1`);
  await expect(revoked.locator('td.status')).toHaveText(/^Revoked on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC by Ada Admin$/);
  await expect(page.getByRole('button', { name: /^Revoke / })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
});

test('revoking one token asks for its name, traps focus and closes on Escape', async ({ page, request }) => {
  // Arrange
  const name = `${RUN} typed`;
  const { secret } = await createViaApi(page, { name, type: 'read-only' });
  await gotoHydrated(page, listUrl({ search: name }));
  const dialog = page.getByRole('dialog');
  const open = tokenRow(page, name).getByRole('button', { name: `Revoke ${name}`, exact: true });
  const typed = dialog.getByLabel(`Type ${name} to confirm`);
  const confirm = dialog.getByRole('button', { name: 'Revoke', exact: true });

  // Act + Assert: Escape closes it, nothing happens.
  await open.click();
  await expect(typed).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);

  // Act + Assert: the button waits for the exact name.
  await open.click();
  await expect(confirm).toBeDisabled();
  await typed.fill(name.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await typed.fill(name.toUpperCase());
  await expect(confirm).toBeDisabled();
  await typed.fill(name);
  await expect(confirm).toBeEnabled();

  // Assert: Tab cycles inside the dialog: field, Cancel, Revoke, field again.
  await expect(typed).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Cancel', exact: true })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(typed).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(confirm).toBeFocused();

  // Act
  await confirm.click();

  // Assert
  await expect(dialog).toBeHidden();
  await expect(tokenRow(page, name)).toHaveCount(0);
  await expectApiError(await apiGet(request, '/api/articles', secret), 401, 'invalid_token');
});

test.describe('a hand-edited URL', () => {
  // The page itself answers 400 for a query the server refuses; Chromium logs that.
  const refusedListQuery: AllowedConsoleError = (message) =>
    /status of 400\b/.test(message.text()) &&
    new URL(message.location().url || 'about:blank').pathname === TOKENS_PATH;
  test.use({ allowedConsoleErrors: [refusedServerFunction, refusedListQuery] });

  test('with a bad parameter is named, and can be cleared', async ({ page }) => {
    await gotoHydrated(page, listUrl({ sort: 'token_hash' }));
    await expect(page.getByRole('alert')).toContainText('sort: Cannot sort by `token_hash`');
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expectParam(page, 'sort', null);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByRole('columnheader', { name: 'Created', exact: true })).toHaveAttribute('aria-sort', 'descending');
  });
});
