// Locks Ada's own account, so it has a file (and an instance) of its own: every other spec
// signs in as her.
import { ADMIN_EMAIL, ADMIN_PASSWORD, expect, gotoHydrated, test, type AllowedConsoleError } from './fixtures';

test.use({
  allowedConsoleErrors: [
    ((message) => /^Failed to load resource: the server responded with a status of (401|429)\b/.test(message.text())) as AllowedConsoleError,
  ],
});

test('once locked, the right password is refused too, with when it unlocks and the way out', async ({ page }) => {
  // Arrange: five wrong passwords for a real account.
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  const password = page.getByLabel('Password', { exact: true });
  const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
  const message = page.locator('#sign-in-error');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await password.fill(`wrong password ${attempt}`);
    const answer = page.waitForResponse((r) => r.url().endsWith('/rpc/sign_in'));
    await signIn.click();
    expect((await answer).status()).toBe(401);
  }
  await expect(message).toContainText('sign-in is now locked');

  // Act: now the right one.
  await password.fill(ADMIN_PASSWORD);
  const answer = page.waitForResponse((r) => r.url().endsWith('/rpc/sign_in'));
  await signIn.click();

  // Assert
  expect((await answer).status()).toBe(429);
  await expect(message).toContainText(/Try again in 15 minutes, at \d\d:\d\d UTC\./);
  await expect(message).toContainText('tollgate admin reset-password --email <email>');
  await expect(page).toHaveURL(/\/login$/);
});
