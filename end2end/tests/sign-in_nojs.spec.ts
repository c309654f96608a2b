// Sign-in and sign-out with JavaScript off (the `chromium-nojs` project): the browser posts
// the forms itself, and the server's redirects carry where to go and why it was refused.
import { ADMIN_EMAIL, ADMIN_PASSWORD, NEW_TOKEN_PATH, TOKENS_PATH, expect, expectPath, test, type Page } from './fixtures';

async function signInWithoutScript(page: Page, password = ADMIN_PASSWORD, email = ADMIN_EMAIL): Promise<void> {
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', /.*/);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('a link opened while signed out returns there after sign-in, refusals included', async ({ page }) => {
  // Arrange: signed out, a link to a page of the panel.
  await page.goto(NEW_TOKEN_PATH);
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fapi-tokens%2Fnew$/);

  // Act: a wrong password first (the refusal keeps where to go), then the right one.
  await signInWithoutScript(page, 'not the password');
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(page).toHaveURL(/next=%2Fsettings%2Fapi-tokens%2Fnew/);
  await signInWithoutScript(page);

  // Assert
  await expectPath(page, NEW_TOKEN_PATH);
});

test('a next that leads off the site is ignored', async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent('//evil.example/x')}`);
  await signInWithoutScript(page);
  await expectPath(page, TOKENS_PATH);
});

test('the attempts-left warning comes back with the refused form', async ({ page }) => {
  const email = `nojs-warned-${Date.now()}@example.com`;
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.goto('/login');
    await signInWithoutScript(page, `wrong ${attempt}`, email);
  }
  await expect(page.getByRole('alert')).toHaveText(
    'Email or password is incorrect. 2 attempts left before sign-in is locked for 15 minutes.',
  );
});

test('signing out works without JavaScript and says so', async ({ page }) => {
  // Arrange
  await page.goto('/login');
  await signInWithoutScript(page);
  await expectPath(page, TOKENS_PATH);

  // Act
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  // Assert
  await expectPath(page, '/login');
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await page.goto(TOKENS_PATH);
  await expectPath(page, '/login');
});
