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

function presetBox(page: Page) {
  return page.getByLabel('Start from');
}

function rowToggle(page: Page, resource: string) {
  return page.getByRole('checkbox', { name: `Select all ${resource} permissions` });
}

async function isIndeterminate(page: Page, name: string): Promise<boolean> {
  return page.getByRole('checkbox', { name, exact: true }).evaluate((el) => (el as HTMLInputElement).indeterminate);
}

const RESOURCES = ['articles', 'categories', 'authors'] as const;

test('the preset box says when the ticks were modified, and names a preset they match', async ({ page }) => {
  // Act: a preset, then one tick less.
  await presetBox(page).selectOption({ label: 'Content reader (reads every resource)' });
  await expect(presetBox(page)).toHaveValue('content-reader');
  await permission(page, 'articles find').uncheck();

  // Assert
  await expect(presetBox(page)).toHaveValue('');
  await expect(presetBox(page).locator('option:checked')).toHaveText('Custom (modified from Content reader)');

  // Act + Assert: the tick back, and the box recognises the preset again.
  await permission(page, 'articles find').check();
  await expect(presetBox(page)).toHaveValue('content-reader');

  // Act + Assert: ticks made by hand that match another preset are named for it. (The
  // half-ticked "Select all" is not checked: tick it, then clear it.)
  await page.getByRole('checkbox', { name: 'Select all permissions' }).check();
  await page.getByRole('checkbox', { name: 'Select all permissions' }).uncheck();
  for (const resource of RESOURCES) {
    await permission(page, `${resource} create`).check();
    await permission(page, `${resource} update`).check();
  }
  await expect(presetBox(page)).toHaveValue('ci-publisher');
});

test('a row\'s "All" box is half-ticked while part of its row is', async ({ page }) => {
  // Act
  await permission(page, 'articles find').check();

  // Assert: half for the row and for the whole matrix; nothing for the other rows.
  expect(await isIndeterminate(page, 'Select all articles permissions')).toBe(true);
  await expect(rowToggle(page, 'articles')).not.toBeChecked();
  expect(await isIndeterminate(page, 'Select all categories permissions')).toBe(false);
  expect(await isIndeterminate(page, 'Select all permissions')).toBe(true);

  // Act: the rest of the row.
  for (const action of ['findOne', 'create', 'update', 'delete']) {
    await permission(page, `articles ${action}`).check();
  }

  // Assert: the row is whole now.
  expect(await isIndeterminate(page, 'Select all articles permissions')).toBe(false);
  await expect(rowToggle(page, 'articles')).toBeChecked();
  await page.getByRole('checkbox', { name: 'Select all permissions' }).check();
  expect(await isIndeterminate(page, 'Select all permissions')).toBe(false);
});

test('"only checked" and the search say how many resources they show', async ({ page }) => {
  const count = page.locator('#matrix-count');
  await expect(count).toBeHidden();

  // Act
  await permission(page, 'authors delete').check();
  await page.getByRole('checkbox', { name: 'Only checked' }).check();

  // Assert
  await expect(count).toHaveText('Showing 1 of 3 resources.');
  await expect(resourceRow(page, 'authors')).toBeVisible();
  await expect(resourceRow(page, 'articles')).toBeHidden();

  // Act + Assert: a search counts too.
  await page.getByRole('checkbox', { name: 'Only checked' }).uncheck();
  await page.getByLabel('Search resources').fill('a');
  await expect(count).toHaveText('Showing 3 of 3 resources.');
  await page.getByLabel('Search resources').fill('cat');
  await expect(count).toHaveText('Showing 1 of 3 resources.');
  await page.getByLabel('Search resources').fill('');
  await expect(count).toBeHidden();
});

test('the ? links are 24 px targets outside the Tab order; each row name links to its docs', async ({ page }) => {
  // Assert: fifteen targets of at least 24 × 24 px.
  const links = page.locator('table.matrix a.doc-link');
  await expect(links).toHaveCount(15);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(24);
    expect(box?.height).toBeGreaterThanOrEqual(24);
  }
  await expect(resourceRow(page, 'articles').getByRole('rowheader').getByRole('link', { name: 'articles' })).toHaveAttribute(
    'href',
    /#articles\.find$/,
  );

  // Act: Tab from the last tool through the table.
  await page.getByRole('checkbox', { name: 'Select all permissions' }).focus();
  const stops: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const active = document.activeElement;
      if (!active?.closest('table.matrix')) return null;
      return active.getAttribute('aria-label') ?? active.textContent?.trim() ?? '';
    });
    if (stop === null) break;
    stops.push(stop);
  }

  // Assert: per row its name (the docs link), its "All" box and five permissions: 21 stops.
  expect(stops).toHaveLength(21);
  expect(stops.slice(0, 7)).toEqual([
    'articles',
    'Select all articles permissions',
    'articles find',
    'articles findOne',
    'articles create',
    'articles update',
    'articles delete',
  ]);
});

test('columns keep their width while searching', async ({ page }) => {
  const widths = () =>
    page.locator('table.matrix thead th').evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().width));
  const before = await widths();

  // Act
  await page.getByLabel('Search resources').fill('auth');
  await expect(resourceRow(page, 'articles')).toBeHidden();

  // Assert
  expect(await widths()).toEqual(before);
});

test('a sentence under the matrix says what the token may do', async ({ page }) => {
  const sentence = page.locator('#matrix-summary');
  await expect(sentence).toHaveAttribute('aria-live', 'polite');
  await expect(sentence).toHaveText('May do nothing yet: tick what it may do. 0 of 15 permissions.');

  // Act
  for (const action of ['find', 'findOne', 'create', 'update']) {
    await permission(page, `articles ${action}`).check();
  }
  await permission(page, 'categories find').check();
  await permission(page, 'categories findOne').check();

  // Assert
  await expect(sentence).toHaveText('May read articles and categories; create and update articles. 6 of 15 permissions.');

  // Act + Assert: a preset.
  await presetBox(page).selectOption({ label: 'Content editor (reads, adds and changes every resource; never deletes)' });
  await expect(sentence).toHaveText('May read, create and update articles, categories and authors. 12 of 15 permissions.');
});

test('on a phone the table shows that it scrolls sideways, and the page does not', async ({ page }) => {
  // Act
  await page.setViewportSize({ width: 390, height: 844 });

  // Assert: the box scrolls, says so, and shades its edge; the page itself fits.
  const region = page.getByRole('region', { name: 'Permissions, scrolls sideways on a narrow screen' });
  await expect(region).toBeVisible();
  await expect(page.locator('.scroll-hint')).toBeVisible();
  expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await region.evaluate((el) => getComputedStyle(el).backgroundImage)).toContain('radial-gradient');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // …and at a desktop width nothing needs scrolling, so no hint.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.locator('.scroll-hint')).toBeHidden();
  expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
});

test('the matrix tools are disabled until the page is hydrated', async ({ page }) => {
  // Arrange: hold the wasm back until the server's page has been looked at.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });

  // Act
  await page.goto(NEW_TOKEN_PATH);
  const tools = [
    page.locator('#matrix-preset'),
    page.locator('.matrix-tools input[type="search"]'),
    page.locator('table.matrix input[aria-label="Select all articles permissions"]'),
  ];

  // Assert: in the page, not usable; the permissions themselves are plain form fields.
  for (const tool of tools) {
    await expect(tool).toBeAttached();
    await expect(tool).toBeDisabled();
  }
  await expect(page.locator('table.matrix input[name="permissions[]"]').first()).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeEnabled();

  // Act + Assert: with the wasm, they work.
  release();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  for (const tool of tools) {
    await expect(tool).toBeEnabled();
  }
});
