import SwaggerParser from '@apidevtools/swagger-parser';

import {
  NEW_TOKEN_PATH,
  expect,
  gotoHydrated,
  signIn,
  test,
  waitForHydration,
} from './fixtures';

type Operation = { operationId: string; summary?: string; 'x-tollgate-permission'?: string };
/** The page's height at 1280×800, in px: about 14 700 before the shared errors section. */
// Height per documented operation. Folding the repeated error rows took the page from about
// 14 700 px to under 11 000 (fewer operations then); with 35 it is about 410 px each.
// The bound grows with the API instead of failing each time an endpoint is added.
const HEIGHT_PER_OPERATION = 440;

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
};

test('the OpenAPI document is valid OpenAPI 3.1 and names each route’s permission', async ({ request }) => {
  // Act
  const response = await request.get('/api/openapi.json');

  // Assert
  expect(response.status()).toBe(200);
  const document = (await response.json()) as OpenApiDocument;
  expect(document.openapi).toMatch(/^3\.1\./);
  // Validates against the official OpenAPI 3.1 JSON schema and resolves every $ref. It
  // dereferences in place, so it gets a copy.
  await SwaggerParser.validate(structuredClone(document) as never);
  expect(document.paths['/api/articles']?.['post']).toMatchObject({
    operationId: 'articles.create',
    'x-tollgate-permission': 'articles.create',
  });
  expect(document.paths['/api/tokens/verify']?.['get']?.operationId).toBe('tokens.verify');
  // Summaries in plain English, at their source: the page shows the same words.
  expect(document.paths['/api/articles']?.['get']?.summary).toBe('List articles');
  expect(document.paths['/api/articles']?.['post']?.summary).toBe('Create an article');
  expect(document.paths['/api/articles/{id}']?.['get']?.summary).toBe('Get one article');
  expect(document.paths['/api/categories/{id}']?.['delete']?.summary).toBe('Delete a category');
});

test.describe('the API documentation page', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('lists every endpoint with the permission it needs', async ({ page }) => {
    // Act
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API documentation' }).click();
    await waitForHydration(page);

    // Assert
    await expect(page.getByRole('heading', { name: 'API documentation', level: 1 })).toBeVisible();
    const create = page.locator('article[id="articles.create"]');
    await expect(create.getByRole('heading')).toContainText('POST');
    await expect(create.getByRole('heading')).toContainText('/api/articles');
    await expect(create.getByText('Needs articles.create')).toBeVisible();
    await expect(create.getByRole('table', { name: /^Responses/ })).toContainText('The stored document.');
    await expect(page.locator('article[id="health.live"]').getByText('Public: no token needed')).toBeVisible();
    await expect(page.getByRole('link', { name: /Download OpenAPI/ })).toHaveAttribute('href', '/api/openapi.json');
  });

  test('headings are plain English, and descriptions are rendered Markdown', async ({ page }) => {
    await gotoHydrated(page, '/settings/api-docs');

    const heading = (id: string) => page.locator(`article[id="${id}"]`).getByRole('heading', { level: 3 });
    await expect(heading('articles.find')).toContainText('List articles');
    await expect(heading('articles.create')).toContainText('Create an article');
    await expect(heading('articles.findOne')).toContainText('Get one article');
    await expect(heading('articles.update')).toContainText('Replace an article');
    await expect(heading('categories.delete')).toContainText('Delete a category');
    await expect(page.locator('main')).not.toContainText('one of');

    // `code` is a <code> element, never backticks shown as text.
    await expect(page.locator('main')).not.toContainText('`');
    const find = page.locator('article[id="articles.find"]');
    await expect(find.locator('.doc code', { hasText: /^articles$/ })).toBeVisible();
    await expect(
      page.locator('.page-header .doc code', { hasText: 'Authorization: Bearer tg_…' }),
    ).toBeVisible();
  });

  test('the errors every endpoint can answer are listed once, so the page is short', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await gotoHydrated(page, '/settings/api-docs');

    // One shared section, with the token check's answers and the admin API's.
    const errors = page.getByRole('region', { name: 'Errors every endpoint can answer' });
    await expect(errors).toBeVisible();
    const tokenErrors = errors.getByRole('table', { name: 'Endpoints called with an API token' });
    for (const status of ['401', '403', '429', '503']) {
      await expect(tokenErrors.getByRole('cell', { name: status, exact: true })).toBeVisible();
    }
    await expect(tokenErrors).toContainText('insufficient_scope');
    const adminErrors = errors.getByRole('table', { name: /^The admin API/ });
    await expect(adminErrors).toContainText('password_confirmation_required');

    // Each endpoint lists only what is its own, and points at the shared section.
    const responses = page.locator('article[id="articles.update"]').getByRole('table', { name: /^Responses/ });
    for (const status of ['200', '400', '404', '413']) {
      await expect(responses.getByRole('cell', { name: status, exact: true })).toBeVisible();
    }
    for (const status of ['401', '403', '429', '503']) {
      await expect(responses.getByRole('cell', { name: status, exact: true })).toHaveCount(0);
    }
    await responses.getByRole('link', { name: 'errors every endpoint can answer' }).click();
    await expect(page).toHaveURL(/#errors$/);
    await expect(errors).toBeInViewport();
    // The readiness check's own 503 stays with it.
    await expect(
      page.locator('article[id="health.ready"]').getByRole('cell', { name: '503', exact: true }),
    ).toBeVisible();

    // Folding the repeated rows keeps the page short however many operations there are.
    const operations = await page.locator('article[id]').count();
    expect(operations).toBeGreaterThan(30);
    const height = await page.evaluate(() => document.body.scrollHeight);
    expect(height).toBeLessThan(operations * HEIGHT_PER_OPERATION);
  });

  test('each permission in the matrix links to its endpoint', async ({ page }) => {
    // Arrange
    await gotoHydrated(page, NEW_TOKEN_PATH);
    await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });
    const link = page.getByRole('link', { name: 'Documentation of DELETE /api/authors/{id}' });
    await expect(link).toHaveAttribute('target', '_blank');

    // Act: the documentation opens in a new tab, so the form keeps what was typed.
    const [docs] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await waitForHydration(docs);

    // Assert
    await expect(docs).toHaveURL(/\/settings\/api-docs#authors\.delete$/);
    const entry = docs.locator('article[id="authors.delete"]');
    await expect(entry).toBeInViewport();
    await expect(entry.getByText('Needs authors.delete')).toBeVisible();
    await docs.close();
  });
});
