import {
  ADMIN_PASSWORD,
  TOKENS_PATH,
  apiGet,
  createViaApi,
  expect,
  gotoHydrated,
  signIn,
  test,
  uniqueName,
} from './fixtures';
import { confirmIn, forgetConfirmation, passwordDialog } from './password-dialog';

// Renew on a token's page: the same value keeps working, the expiry moves by the duration
// it was first given; a token close to its expiry says so. It lets the token work longer,
// so a closed confirmation window asks for the password first.

test('renewing keeps the value and moves the expiry by the original duration', async ({ page, request }) => {
  // Arrange: a 7-day token, so it is "expiring soon" from the start.
  await signIn(page);
  const name = uniqueName('Renewed');
  const { id, secret } = await createViaApi(page, { name, type: 'read-only', duration: 7 });
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  await expect(page.getByTestId('expires-soon')).toHaveText('in 7 days');
  // The page shows minutes; the API has the moment, to see it move within one.
  const expiresAt = async () =>
    Date.parse(((await (await page.request.get(`/admin/api/tokens/${id}`)).json()) as { data: { expires_at: string } }).data.expires_at);
  const before = await expiresAt();

  // Act
  await forgetConfirmation(page);
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  await page.getByRole('button', { name: 'Renew for 7 days', exact: true }).click();
  await confirmIn(passwordDialog(page), ADMIN_PASSWORD);

  // Assert: said, focused, the expiry moved on, and the same value still works.
  const result = page.locator('#token-change-result');
  await expect(result).toContainText(`Token “${name}” renewed: it now expires`);
  await expect(result).toContainText('Its value did not change.');
  await expect(result).toBeFocused();
  expect(await expiresAt()).toBeGreaterThan(before);
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);

  // The audit log says what the renew did.
  await page.getByRole('link', { name: 'Audit log for this token', exact: true }).click();
  const event = page.locator('table.audit tbody tr').filter({ hasText: 'Renewed token' });
  await expect(event).toHaveCount(1);
  await expect(event).toContainText('renewed for 7 days');
});

test('a token that never expires, or may not be renewed, offers no Renew', async ({ page }) => {
  await signIn(page);
  const forever = await createViaApi(page, { name: uniqueName('Forever'), type: 'read-only', duration: 'unlimited' });
  await gotoHydrated(page, `${TOKENS_PATH}/${forever.id}`);
  await expect(page.getByTestId('token-facts')).toContainText('Never');
  await expect(page.getByRole('button', { name: /^Renew/ })).toHaveCount(0);

  // Revoked: history only.
  const revoked = await createViaApi(page, { name: uniqueName('Revoked'), type: 'read-only', duration: 30 });
  expect((await page.request.delete(`/admin/api/tokens/${revoked.id}`)).status()).toBe(200);
  await gotoHydrated(page, `${TOKENS_PATH}/${revoked.id}`);
  await expect(page.getByTestId('revoked')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Renew/ })).toHaveCount(0);
});
