import {
  TOKENS_PATH,
  apiGet,
  createViaApi,
  expect,
  gotoHydrated,
  signIn,
  test,
  uniqueName,
} from './fixtures';

// A value reported to POST /api/tokens/leaked (no credentials, as a secret scanner sends
// it) stops working at once; the admin sees it in the bell, on the token's page (where and
// from which address), in the list and in the audit log.

test('a reported token is revoked, and the panel says where the leak was found', async ({ page, request }) => {
  // Arrange
  await signIn(page);
  const name = uniqueName('Leaked');
  const { id, secret } = await createViaApi(page, { name, type: 'read-only' });
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  const source = 'https://github.com/acme/app/blob/main/.env';

  // Act: an unauthenticated report, mixed with garbage.
  const report = await request.post('/api/tokens/leaked', {
    data: { tokens: [secret, 'tg_notatoken'], source },
  });

  // Assert: the same answer as for garbage alone, and the token no longer works.
  expect(report.status()).toBe(202);
  expect(await report.json()).toEqual({ received: 2 });
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(401);

  // The bell has the news, with the masked token, never the value.
  await gotoHydrated(page, TOKENS_PATH);
  const bell = page.getByRole('button', { name: /^Notifications/ });
  await bell.click();
  const news = page.getByRole('region', { name: 'Notifications' });
  await expect(news).toContainText(`The API token “${name}”`);
  await expect(news).toContainText('was reported as leaked and has been revoked');
  await expect(news).not.toContainText(secret);

  // The token's page: revoked as leaked, from where, found where (a link).
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  await expect(page.getByTestId('revoked')).toContainText('reported as leaked');
  const leak = page.getByTestId('leak-report');
  await expect(leak).toContainText('reported as leaked from 127.0.0.1');
  await expect(page.getByTestId('leak-source')).toHaveAttribute('href', source);
  await expect(page.getByRole('button', { name: 'Regenerate' })).toHaveCount(0);

  // The audit log: the event, by the leak report, with the source.
  await page.getByRole('link', { name: 'Audit log for this token', exact: true }).click();
  const event = page.locator('table.audit tbody tr').filter({ hasText: 'Token reported as leaked' });
  await expect(event).toHaveCount(1);
  await expect(event).toContainText('Leak report');
  await expect(event).toContainText(source);

  // The list's status filter "Revoked as leaked" finds it, and the row says how it ended;
  // a token an admin revoked is not among them.
  const byAdmin = await createViaApi(page, { name: `${name} by admin`, type: 'read-only' });
  expect((await page.request.delete(`/admin/api/tokens/${byAdmin.id}`)).status()).toBe(200);
  await gotoHydrated(page, `${TOKENS_PATH}?${new URLSearchParams({ search: name })}`);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Revoked as leaked' });
  await expect(page).toHaveURL(/status=leaked/);
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(name);
  await expect(rows.first()).toContainText('reported as leaked');
});
