// The sign-in, create and edit forms with JavaScript off: the browser posts them itself and
// the server answers with pages. Runs only in the `chromium-nojs` project
// (`javaScriptEnabled: false`). The tests run in parallel, so every name here is unique and
// nothing assumes an empty list.
import {
  ADMIN_PASSWORD,
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  TOKEN_PATTERN,
  apiGet,
  apiPost,
  expect,
  expectApiError,
  expectPath,
  readRevealedToken,
  revealBanner,
  test,
  uniqueName,
  type Page,
  type PermissionLabel,
  type TokenDuration,
  type TokenTypeLabel,
  type TokenVerification,
  signInWithoutScript,
} from './fixtures';

const TOKEN_PAGE = new RegExp(`^https?://[^/]+${TOKENS_PATH}/(\\d+)$`);

/** Proves the page runs no script: the wasm marks the body once it has hydrated it. */
async function expectNoScript(page: Page): Promise<void> {
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', /.*/);
}

type Form = {
  name: string;
  description?: string;
  duration: TokenDuration;
  type: TokenTypeLabel;
  permissions?: PermissionLabel[];
};

async function fillTokenForm(page: Page, form: Form): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(form.name);
  if (form.description !== undefined) {
    await page.getByLabel('Description', { exact: true }).fill(form.description);
  }
  await page.getByLabel('Expires', { exact: true }).selectOption({ label: form.duration });
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: form.type });
  for (const permission of form.permissions ?? []) {
    await page.getByRole('checkbox', { name: permission, exact: true }).check();
  }
}

/** Creates a token through the form; returns its id and the value its page revealed. */
async function createWithoutScript(page: Page, form: Form): Promise<{ id: number; token: string }> {
  await page.goto(NEW_TOKEN_PATH);
  await fillTokenForm(page, form);
  const tokenPage = page.waitForResponse((r) => TOKEN_PAGE.test(r.url()) && r.request().method() === 'GET');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // The response that carries the value may not be kept by any cache.
  expect((await tokenPage).headers()['cache-control']).toBe('no-store');
  await expect(page).toHaveURL(TOKEN_PAGE);
  await expect(revealBanner(page)).toBeVisible();
  const token = await readRevealedToken(page);
  expect(token).toMatch(TOKEN_PATTERN);
  const id = Number(TOKEN_PAGE.exec(page.url())?.[1]);
  return { id, token };
}

test.beforeEach(async ({ page }) => {
  await signInWithoutScript(page);
});

test('a wrong password is refused on the form, which keeps the email', async ({ page }) => {
  // Arrange: signed out, an address nobody has.
  await page.context().clearCookies();
  const email = `nojs-${Date.now()}@example.com`;
  await page.goto('/login');

  // Act
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  // Assert
  await expectPath(page, '/login');
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
});

test('a custom token made without JavaScript is revealed once and works', async ({ page, request }) => {
  // Arrange
  const name = uniqueName('No script');

  // Act: two permissions, 30 days.
  const { id, token } = await createWithoutScript(page, {
    name,
    description: 'made by a plain form post',
    duration: '30 days',
    type: 'Custom',
    permissions: ['articles find', 'articles create'],
  });

  // Assert: the banner names it and shows a request to paste; the page shows the token.
  await expectNoScript(page);
  await expect(revealBanner(page).getByRole('heading')).toHaveText(`Token “${name}” created`);
  await expect(revealBanner(page).locator('pre.export')).toHaveText(`export TOKEN='${token}'`);
  await expect(revealBanner(page).locator('pre.curl')).toContainText(
    'curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:',
  );
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  expect(id).toBeGreaterThan(0);

  // …and the value works against the API, with exactly what was ticked, for 30 days.
  expect((await apiGet(request, '/api/articles', token)).status()).toBe(200);
  expect((await apiPost(request, '/api/articles', token, { title: uniqueName('No script') })).status()).toBe(201);
  await expectApiError(await apiGet(request, '/api/categories', token), 403, 'insufficient_scope');
  const verified = (await (await apiGet(request, '/api/tokens/verify', token)).json()) as TokenVerification;
  expect(verified.name).toBe(name);
  expect(verified.type).toBe('custom');
  expect([...verified.permissions].sort()).toEqual(['articles.create', 'articles.find']);
  const days = (Date.parse(verified.expires_at ?? '') - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThanOrEqual(30);

  // Shown once: the same page again has no value.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(revealBanner(page)).toHaveCount(0);
});

test('when the password must be confirmed again, the create form asks for it itself', async ({ page }) => {
  // Arrange: close this session's confirmation window, as Profile › "Ask for my password
  // again" does (that button needs JavaScript).
  const forget = await page.request.post('/rpc/forget_password_confirmation', {
    headers: { 'Sec-Fetch-Site': 'same-origin' },
    form: {},
  });
  expect(forget.ok(), await forget.text()).toBe(true);
  const name = uniqueName('Confirmed without script');
  await page.goto(NEW_TOKEN_PATH);
  await fillTokenForm(page, { name, description: 'typed once', duration: '7 days', type: 'Read-only' });

  // Act: Save. No dialog without JavaScript: the form comes back asking for the password.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectPath(page, NEW_TOKEN_PATH);
  await expectNoScript(page);
  await expect(page.getByText('Confirm your password to continue.')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await expect(page.getByLabel('Description', { exact: true })).toHaveValue('typed once');

  // A wrong password is refused under its field; the form keeps the rest.
  await page.getByLabel('Your password', { exact: true }).fill('not my password');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectPath(page, NEW_TOKEN_PATH);
  await expect(page.getByText('Your current password is not correct.')).toBeVisible();
  await expect(page.getByLabel('Your password', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);

  // Assert: the right one confirms and creates in the same post; the value is revealed.
  await page.getByLabel('Your password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(TOKEN_PAGE);
  await expect(revealBanner(page).getByRole('heading')).toHaveText(`Token “${name}” created`);
  expect(await readRevealedToken(page)).toMatch(TOKEN_PATTERN);
});

test('an empty name comes back under its field, with everything typed kept', async ({ page }) => {
  // Arrange
  await page.goto(NEW_TOKEN_PATH);

  // Act: everything but a name.
  await fillTokenForm(page, {
    name: '',
    description: 'kept after the refusal',
    duration: '90 days',
    type: 'Custom',
    permissions: ['categories find', 'authors delete'],
  });
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the form again, the message under the name, the typed values in place.
  await expectPath(page, NEW_TOKEN_PATH);
  await expect(page.locator('#token-form-error')).toHaveText('Please correct the fields marked below.');
  const nameInput = page.getByLabel('Name', { exact: true });
  await expect(nameInput).toHaveAttribute('aria-invalid', 'true');
  // The page starts on the field to fix (autofocus).
  await expect(nameInput).toBeFocused();
  await expect(page.locator('#name-error')).toHaveText('Name is required.');
  await expect(page.getByLabel('Description', { exact: true })).toHaveValue('kept after the refusal');
  await expect(page.getByLabel('Expires', { exact: true })).toHaveValue('90');
  await expect(page.getByLabel('Token type', { exact: true })).toHaveValue('custom');
  await expect(page.getByRole('checkbox', { name: 'categories find', exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'authors delete', exact: true })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'articles find', exact: true })).not.toBeChecked();

  // Act again: with a name, the same form goes through.
  const name = uniqueName('No script, second try');
  await nameInput.fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(TOKEN_PAGE);
  await expect(revealBanner(page)).toBeVisible();
  await expect(page.getByTestId('token-facts')).toContainText('categories.find');
  await expect(page.getByTestId('token-facts')).toContainText('authors.delete');
});

test('an edit made without JavaScript shows on the token page', async ({ page }) => {
  // Arrange
  const name = uniqueName('No script, edited');
  const { id } = await createWithoutScript(page, { name, duration: '7 days', type: 'Read-only' });

  // Act
  await page.goto(`${TOKENS_PATH}/${id}/edit`);
  await expect(page.getByRole('heading', { level: 1, name: 'Edit API token' })).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await page.getByLabel('Description', { exact: true }).fill('described by a plain form post');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the token's page says so, and starts there.
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(page.locator('#saved-notice')).toHaveText("Saved. The changes apply from the token's next request.");
  await expect(page.locator('#saved-notice')).toBeFocused();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('described by a plain form post')).toBeVisible();
  await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
});

test('a refused edit comes back with the typed values and the message', async ({ page }) => {
  // Arrange
  const name = uniqueName('No script, refused edit');
  const { id } = await createWithoutScript(page, { name, duration: '7 days', type: 'Full access' });
  await page.goto(`${TOKENS_PATH}/${id}/edit`);

  // Act: a custom type with nothing ticked.
  await page.getByLabel('Description', { exact: true }).fill('typed, then refused');
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert
  await expectPath(page, `${TOKENS_PATH}/${id}/edit`);
  await expect(page.locator('#permissions-error')).toHaveText('Choose at least one permission.');
  // The page starts on the first permission, the field to fix.
  await expect(page.locator('#token-form-error')).toHaveText('Please correct the fields marked below.');
  await expect(page.getByRole('checkbox', { name: 'articles find', exact: true })).toBeFocused();
  await expect(page.getByLabel('Description', { exact: true })).toHaveValue('typed, then refused');
  await expect(page.getByLabel('Token type', { exact: true })).toHaveValue('custom');
});
