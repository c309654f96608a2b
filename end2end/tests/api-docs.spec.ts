import SwaggerParser from '@apidevtools/swagger-parser';

import {
  NEW_TOKEN_PATH,
  expect,
  gotoHydrated,
  signIn,
  test,
  waitForHydration,
} from './fixtures';

type Operation = { operationId: string; 'x-tollgate-permission'?: string };
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
    await expect(create.getByRole('table', { name: 'Responses' })).toContainText('insufficient_scope');
    await expect(page.locator('article[id="health.live"]').getByText('Public: no token needed')).toBeVisible();
    await expect(page.getByRole('link', { name: /Download OpenAPI/ })).toHaveAttribute('href', '/api/openapi.json');
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
