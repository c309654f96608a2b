import { NEW_TOKEN_PATH, expect, gotoHydrated, signIn, test, type Page } from './fixtures';

// These tests only fill the form; none saves a token.

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });
  await expect(page.getByRole('table', { name: 'Permissions' })).toBeVisible();
});

function permission(page: Page, name: string) {
  return page.getByRole('checkbox', { name, exact: true });
}

function resourceRow(page: Page, resource: string) {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: resource, exact: true }) });
}

test('a preset fills the matrix, which can then be adjusted', async ({ page }) => {
  // Act
  await page.getByLabel('Start from').selectOption({ label: 'Content editor (reads, adds and changes every resource; never deletes)' });

  // Assert
  for (const resource of ['articles', 'categories', 'authors']) {
    for (const action of ['find', 'findOne', 'create', 'update']) {
      await expect(permission(page, `${resource} ${action}`)).toBeChecked();
    }
    await expect(permission(page, `${resource} delete`)).not.toBeChecked();
  }

  // Act: adjust it.
  await permission(page, 'authors create').uncheck();
  await permission(page, 'articles delete').check();

  // Assert
  await expect(permission(page, 'authors create')).not.toBeChecked();
  await expect(permission(page, 'articles delete')).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Select all articles permissions' })).toBeChecked();
});

test('search and "only checked" narrow the rows; select all ticks everything', async ({ page }) => {
  // Act: search.
  await page.getByLabel('Search resources').fill('auth');

  // Assert
  await expect(resourceRow(page, 'authors')).toBeVisible();
  await expect(resourceRow(page, 'articles')).toBeHidden();

  // Act: only checked, with one permission ticked.
  await page.getByLabel('Search resources').fill('');
  await permission(page, 'categories find').check();
  await page.getByRole('checkbox', { name: 'Only checked' }).check();

  // Assert
  await expect(resourceRow(page, 'categories')).toBeVisible();
  await expect(resourceRow(page, 'articles')).toBeHidden();
  await expect(resourceRow(page, 'authors')).toBeHidden();

  // Act: select all, then clear the filter.
  await page.getByRole('checkbox', { name: 'Select all permissions' }).check();
  await page.getByRole('checkbox', { name: 'Only checked' }).uncheck();

  // Assert: all 15 permissions are ticked, and so are the 3 per-resource toggles.
  await expect(page.getByRole('table', { name: 'Permissions' }).getByRole('checkbox', { checked: true })).toHaveCount(18);
  await page.getByRole('checkbox', { name: 'Select all permissions' }).uncheck();
  await expect(page.getByRole('table', { name: 'Permissions' }).getByRole('checkbox', { checked: true })).toHaveCount(0);
});
