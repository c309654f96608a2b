import {
  ADMIN_EMAIL,
  ADMIN_NAME,
  ADMIN_PASSWORD,
  TOKENS_PATH,
  expect,
  expectPath,
  gotoHydrated,
  test,
  waitForHydration,
  type Page,
} from './fixtures';

// First run of a fresh server: no administrator exists yet. These steps build on each other.
test.describe.configure({ mode: 'serial' });
test.use({ firstAdmin: false });

type SetupForm = { email: string; name: string; password: string; confirm: string };

async function fillSetupForm(page: Page, form: SetupForm): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(form.email);
  await page.getByLabel('Name', { exact: true }).fill(form.name);
  await page.getByLabel('Password', { exact: true }).fill(form.password);
  await page.getByLabel('Confirm password', { exact: true }).fill(form.confirm);
  await page.getByRole('button', { name: 'Create administrator', exact: true }).click();
}

test('a fresh server sends every visitor to /setup', async ({ page }) => {
  await page.goto('/');
  await expectPath(page, '/setup');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();

  await page.goto('/login');
  await expectPath(page, '/setup');
});

test('mismatched passwords are refused', async ({ page }) => {
  // Arrange
  await gotoHydrated(page, '/setup');

  // Act
  await fillSetupForm(page, {
    email: ADMIN_EMAIL,
    name: ADMIN_NAME,
    password: ADMIN_PASSWORD,
    confirm: `${ADMIN_PASSWORD} typo`,
  });

  // Assert: the field to fix is outlined and focused, and the refusal is announced.
  await expect(page.locator('#password_confirm-error')).toHaveText('Passwords do not match.');
  const confirm = page.getByLabel('Confirm password', { exact: true });
  await expect(confirm).toHaveAttribute('aria-invalid', 'true');
  await expect(confirm).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText('Passwords do not match.');
  await expectPath(page, '/setup');
});

test('set-up names the product and gives the password rules under Password', async ({ page }) => {
  await gotoHydrated(page, '/setup');
  await expect(page.locator('.auth-brand')).toHaveText('Tollgate');
  // The hint follows the Password field, before Confirm password.
  const order = await page.evaluate(() => {
    const hint = document.getElementById('password-hint')!;
    const password = document.getElementById('password')!;
    const confirm = document.getElementById('password_confirm')!;
    const follows = (a: Node, b: Node) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    return follows(password, hint) && follows(hint, confirm);
  });
  expect(order).toBe(true);
  await expect(page.locator('#password-hint')).toHaveText(/At least 12 characters/);
});

test('creating the first administrator signs them in', async ({ page }) => {
  // Arrange
  await gotoHydrated(page, '/setup');

  // Act
  await fillSetupForm(page, {
    email: ADMIN_EMAIL,
    name: ADMIN_NAME,
    password: ADMIN_PASSWORD,
    confirm: ADMIN_PASSWORD,
  });

  // Assert
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
  await expect(page.getByText(`Signed in as ${ADMIN_NAME}`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();

  // The first start pre-generated two tokens, and nothing else is listed yet.
  await expect(page.locator('table.tokens tbody td.name')).toHaveText(['Read-only', 'Full access']);

  // Setup is over: the page now sends the administrator away.
  await page.goto('/setup');
  await expectPath(page, TOKENS_PATH);
});

test('the setup server function refuses a second administrator', async ({ request }) => {
  const response = await request.post('/rpc/create_first_admin', {
    data: {
      input: {
        email: 'x@example.com',
        name: 'X',
        password: 'abcdefghijkl',
        password_confirm: 'abcdefghijkl',
      },
    },
  });

  expect(response.ok()).toBe(false);
  expect(response.status()).toBe(409);
});
