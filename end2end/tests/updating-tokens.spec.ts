// Changing a token from the panel: edit, custom expiry dates, copy as new, regenerate.
// Each test makes the tokens it changes, so they run in parallel.
import {
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  TOKEN_PATTERN,
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
  test,
  tokenRow,
  uniqueName,
  waitForHydration,
  type Page,
  type TokenVerification,
} from './fixtures';

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

/** Opens the token's page from the list; returns its id. */
async function openToken(page: Page, name: string): Promise<number> {
  await gotoHydrated(page, TOKENS_PATH);
  await tokenRow(page, name).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  expect(id).toBeGreaterThan(0);
  return id;
}

/** A UTC day `days` from today, as a date input holds it (`2027-01-31`). */
function utcDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const PAST_DATE_MESSAGE = 'The expiry date must be in the future.';
const SAVED_MESSAGE = "Saved. The changes apply from the token's next request.";

test('an edit shows in the list and holds from the next API request', async ({ page, request }) => {
  // Arrange: a custom token that may list and create articles.
  const name = uniqueName('Editable');
  const token = await createToken(page, {
    name,
    description: 'before',
    duration: '30 days',
    type: 'Custom',
    permissions: ['articles find', 'articles create'],
  });
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
  const id = await openToken(page, name);

  // Act: rename, describe, and take away articles.find.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expectPath(page, `${TOKENS_PATH}/${id}/edit`);
  await expect(page.getByRole('heading', { level: 1, name: 'Edit API token' })).toBeVisible();
  const renamed = uniqueName('Edited');
  await page.getByLabel('Name', { exact: true }).fill(renamed);
  await page.getByLabel('Description', { exact: true }).fill('after');
  await expect(page.getByRole('checkbox', { name: 'articles find', exact: true })).toBeChecked();
  await page.getByRole('checkbox', { name: 'articles find', exact: true }).uncheck();
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the token's page says it was saved (focused, announced) and shows the new
  // name and description; the API holds the change at once; so does the list.
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(page.locator('#saved-notice')).toHaveText(SAVED_MESSAGE);
  await expect(page.locator('#saved-notice')).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText(SAVED_MESSAGE);
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await expect(page.locator('.page-header p.muted')).toHaveText('after');
  await expectApiError(await apiGet(request, '/api/articles', token), 403, 'insufficient_scope');
  expect((await apiPost(request, '/api/articles', token, { title: uniqueName('Still') })).status()).toBe(201);
  await gotoHydrated(page, TOKENS_PATH);
  await expect(tokenRow(page, name)).toHaveCount(0);
  const row = tokenRow(page, renamed);
  await expect(row.getByRole('cell', { name: 'after', exact: true })).toBeVisible();
  await expect(row.getByText('Custom', { exact: true })).toBeVisible();

  // Act: make it read-only.
  await gotoHydrated(page, `${TOKENS_PATH}/${id}/edit`);
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Read-only' });
  await expect(page.getByRole('checkbox', { name: 'articles find', exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: it may read again, and no longer write.
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
  await expectApiError(await apiPost(request, '/api/articles', token, { title: 'x' }), 403, 'insufficient_scope');
  const verification = (await (await apiGet(request, '/api/tokens/verify', token)).json()) as TokenVerification;
  expect(verification).toMatchObject({ name: renamed, type: 'read-only' });
  await gotoHydrated(page, TOKENS_PATH);
  await expect(tokenRow(page, renamed).getByText('Read-only', { exact: true })).toBeVisible();
});

test('an edit that breaks a rule names the field and changes nothing', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('Guarded');
  const token = await createToken(page, { name, duration: '7 days', type: 'Read-only' });
  const id = await openToken(page, name);
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Edit API token' })).toBeVisible();

  // Act: no name, and custom without a permission.
  await page.getByLabel('Name', { exact: true }).fill('   ');
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert
  await expect(page.locator('#name-error')).toHaveText('Name is required.');
  await expect(page.locator('#permissions-error')).toHaveText('Choose at least one permission.');
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
  await expect(page.locator('#announcer')).toContainText('Not saved.');
  await expect(page.locator('#announcer')).toContainText('Name is required.');
  await expect(page.locator('#announcer')).toContainText('Choose at least one permission.');
  await expectPath(page, `${TOKENS_PATH}/${id}/edit`);
  const verification = (await (await apiGet(request, '/api/tokens/verify', token)).json()) as TokenVerification;
  expect(verification).toMatchObject({ name, type: 'read-only' });
});

test('create: a custom expiry date is previewed, and a past one refused', async ({ page }) => {
  // Arrange
  const name = uniqueName('Dated');
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'Custom date' });
  const date = page.getByLabel('Expiry date', { exact: true });
  await expect(date).toHaveAttribute('min', utcDay(1));
  const preview = page.getByTestId('expiry-preview');
  await expect(preview).toHaveText('Choose the day it expires (at 00:00 UTC).');

  // Act + Assert: no date at all never leaves the browser.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#duration-error')).toHaveText('Choose the date the token expires.');
  await expect(date).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText('Not saved. Choose the date the token expires.');

  // Act + Assert: a past date is refused by the server, under the field, which takes focus.
  await date.fill('2020-01-31');
  await expect(preview).toHaveText('2020-01-31 00:00 UTC has passed: choose a later date.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#duration-error')).toHaveText(PAST_DATE_MESSAGE);
  await expect(date).toHaveAttribute('aria-invalid', 'true');
  await expect(date).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText(`Not saved. ${PAST_DATE_MESSAGE}`);
  await expectPath(page, NEW_TOKEN_PATH);

  // Act: a future date.
  const day = utcDay(45);
  await date.fill(day);
  await expect(preview).toHaveText(`Expires ${day} 00:00 UTC`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: created with that expiry.
  await expectPath(page, TOKENS_PATH);
  await expect(revealBanner(page)).toBeVisible();
  // The list says it in words ("in 45 days"); the exact time is the hover title.
  await expect(tokenRow(page, name).locator(`time[title="${day} 00:00 UTC"]`)).toBeVisible();
});

test('edit: the expiry can be kept, set to a date (not a past one) or removed', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('Extended');
  const token = await createToken(page, { name, duration: '7 days', type: 'Read-only' });
  const id = await openToken(page, name);
  await gotoHydrated(page, `${TOKENS_PATH}/${id}/edit`);
  const expiry = page.getByLabel('Expires', { exact: true });
  const preview = page.getByTestId('expiry-preview');
  await expect(expiry).toHaveValue('keep');
  await expect(preview).toHaveText(/^Keeps its current expiry: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
  await expiry.selectOption({ label: '90 days' });
  await expect(preview).toHaveText(new RegExp(`^Expires ${utcDay(90)} \\d{2}:\\d{2} UTC$`));

  // Act + Assert: a past date is refused.
  await expiry.selectOption({ label: 'Custom date' });
  const date = page.getByLabel('Expiry date', { exact: true });
  await date.fill('2021-06-01');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#duration-error')).toHaveText(PAST_DATE_MESSAGE);
  await expect(date).toBeFocused();

  // Act: a future date.
  const day = utcDay(200);
  await date.fill(day);
  await expect(preview).toHaveText(`Expires ${day} 00:00 UTC`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(page.getByText(`${day} 00:00 UTC`, { exact: true })).toBeVisible();
  let verification = (await (await apiGet(request, '/api/tokens/verify', token)).json()) as TokenVerification;
  expect(verification.expires_at).toBe(`${day}T00:00:00Z`);

  // Act: never.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByLabel('Expires', { exact: true })).toHaveValue('keep');
  await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'Never' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  verification = (await (await apiGet(request, '/api/tokens/verify', token)).json()) as TokenVerification;
  expect(verification.expires_at).toBeNull();
});

test('copy as new pre-fills the form and creates a second token alike', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('Original');
  const original = await createToken(page, {
    name,
    description: 'the template',
    duration: '90 days',
    type: 'Custom',
    permissions: ['authors find', 'articles create'],
  });
  const id = await openToken(page, name);

  // Act
  await page.getByRole('link', { name: 'Copy as new', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${NEW_TOKEN_PATH}\\?from=${id}$`));
  await waitForHydration(page);

  // Assert: everything but the value.
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(`${name} (copy)`);
  await expect(page.getByLabel('Description', { exact: true })).toHaveValue('the template');
  await expect(page.getByLabel('Token type', { exact: true })).toHaveValue('custom');
  await expect(page.getByLabel('Expires', { exact: true })).toHaveValue('90');
  await expect(page.getByRole('checkbox', { name: 'authors find', exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'articles create', exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'articles find', exact: true })).not.toBeChecked();
  expect(await page.content()).not.toContain(original);

  // Act
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: a second token, its own value, the same settings.
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
  const copy = await readRevealedToken(page);
  expect(copy).toMatch(TOKEN_PATTERN);
  expect(copy).not.toBe(original);
  await expect(tokenRow(page, name)).toHaveCount(1);
  await expect(tokenRow(page, `${name} (copy)`)).toHaveCount(1);
  const verify = async (t: string) =>
    (await (await apiGet(request, '/api/tokens/verify', t)).json()) as TokenVerification;
  const first = await verify(original);
  const second = await verify(copy);
  expect(second).toMatchObject({ name: `${name} (copy)`, type: 'custom' });
  expect([...second.permissions].sort()).toEqual([...first.permissions].sort());
  expect(second.expires_at?.slice(0, 10)).toBe(first.expires_at?.slice(0, 10));
});

test('regenerate: a dialog, the new value once, the old one refused at once', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('Rotated');
  const old = await createToken(page, { name, duration: '30 days', type: 'Read-only' });
  expect((await apiGet(request, '/api/articles', old)).status()).toBe(200);
  await openToken(page, name);
  const dialog = page.getByRole('dialog');
  const open = page.getByRole('button', { name: 'Regenerate', exact: true });

  // Act + Assert: the dialog keeps focus inside (its one choice, when the old value
  // stops, comes before the buttons) and Escape closes it, changing nothing.
  await open.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: `Regenerate “${name}”?` })).toBeVisible();
  const cancel = dialog.getByRole('button', { name: 'Cancel', exact: true });
  const confirm = dialog.getByRole('button', { name: 'Regenerate', exact: true });
  const grace = dialog.getByLabel('Old value stops');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(grace).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(grace).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect((await apiGet(request, '/api/articles', old)).status()).toBe(200);

  // Act
  await open.click();
  await dialog.getByRole('button', { name: 'Regenerate', exact: true }).click();

  // Assert: revealed once, here; the old value is refused from the next request.
  await expect(dialog).toBeHidden();
  await expect(revealBanner(page).getByRole('heading', { name: `Token “${name}” regenerated` })).toBeVisible();
  const fresh = await readRevealedToken(page);
  expect(fresh).toMatch(TOKEN_PATTERN);
  expect(fresh).not.toBe(old);
  await expectApiError(await apiGet(request, '/api/articles', old), 401, 'invalid_token');
  expect((await apiGet(request, '/api/articles', fresh)).status()).toBe(200);
  await expect(page.getByTestId('token-hint')).toHaveText(`tg_\u2026${fresh.slice(-4)}`);

  await page.reload();
  await waitForHydration(page);
  await expect(revealBanner(page)).toHaveCount(0);
  expect(await page.content()).not.toContain(fresh);
});

test('a revoked token shows who revoked it, and can be neither edited nor regenerated', async ({ page }) => {
  // Arrange: revoke through the admin API, as a script would (the list's dialog is tested
  // in tokens.spec.ts).
  const name = uniqueName('Ended');
  await createToken(page, { name, duration: '30 days', type: 'Read-only' });
  const id = await openToken(page, name);
  const revoked = await page.request.delete(`/admin/api/tokens/${id}`);
  expect(revoked.status()).toBe(200);

  // Act
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);

  // Assert
  await expect(page.getByTestId('revoked')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC by Ada Admin$/);
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Regenerate', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Copy as new', exact: true })).toBeVisible();
  await gotoHydrated(page, `${TOKENS_PATH}/${id}/edit`);
  await expect(page.getByText('was revoked and can no longer be changed')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
});

test('a refused create moves focus to the first invalid field and says why', async ({ page }) => {
  // Arrange: a name that is taken.
  const name = uniqueName('Taken');
  await createToken(page, { name, duration: '7 days', type: 'Read-only' });

  // Act
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: outlined, focused, announced with what to fix.
  const nameInput = page.getByLabel('Name', { exact: true });
  await expect(nameInput).toHaveAttribute('aria-invalid', 'true');
  await expect(nameInput).toBeFocused();
  const message = await page.locator('#name-error').textContent();
  expect(message).toBeTruthy();
  await expect(page.locator('#announcer')).toHaveText(`Not saved. ${message}`);
  await expect(page.locator('#token-form-error')).toHaveText('Please correct the fields marked below.');
  await expectPath(page, NEW_TOKEN_PATH);
});

test('create and edit use the same words for the expiry; Cancel on edit returns to the token', async ({ page }) => {
  // Arrange
  const name = uniqueName('Worded');
  await createToken(page, { name, duration: '30 days', type: 'Read-only' });
  const id = await openToken(page, name);
  const options = () => page.getByLabel('Expires', { exact: true }).locator('option').allTextContents();

  // Assert: the same label and options, plus "Unchanged" when editing.
  await gotoHydrated(page, NEW_TOKEN_PATH);
  const onCreate = await options();
  expect(onCreate).toEqual(['7 days', '30 days', '90 days', 'Custom date', 'Never']);
  await gotoHydrated(page, `${TOKENS_PATH}/${id}/edit`);
  const onEdit = await options();
  expect(onEdit[0]).toMatch(/^Unchanged \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)$/);
  expect(onEdit.slice(1)).toEqual(onCreate);

  // Act
  await page.getByRole('link', { name: 'Cancel', exact: true }).click();

  // Assert: back on the token's page, nothing said to be saved.
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.locator('#saved-notice')).toHaveCount(0);
});
