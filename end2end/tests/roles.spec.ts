import {
  ADMIN_NAME,
  ADMIN_PASSWORD,
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  createToken,
  expect,
  expectPath,
  gotoHydrated,
  refusedServerFunction,
  signIn,
  test,
  tokenRow,
  uniqueName,
  waitForHydration,
  type AllowedConsoleError,
  type Locator,
  type Page,
} from './fixtures';

// Each built-in role, as the people holding it see Tollgate. The Super Admin adds the
// others through the Administrators page, so the tests build on each other. This file's
// instance is its own, so Ada Admin is its only Super Admin (the "last Super Admin" test).
test.describe.configure({ mode: 'serial' });

// A page whose data the role may not see is rendered with the server function's 403 as its
// own status, which Chromium logs; that refusal is what the Viewer test expects.
const forbiddenPage: AllowedConsoleError = (message) =>
  /status of 403\b/.test(message.text()) &&
  new URL(message.location().url || 'about:blank').pathname === '/settings/administrators';
test.use({ allowedConsoleErrors: [refusedServerFunction, forbiddenPage] });

const ADMINS_PATH = '/settings/administrators';
const ROLES_PATH = '/settings/roles';
const suffix = `${Date.now()}`;
const VIEWER = { email: `viewer-${suffix}@example.com`, name: `Vera Viewer ${suffix}` };
const EDITOR = { email: `editor-${suffix}@example.com`, name: `Eddie Editor ${suffix}` };
const PASSWORD = ADMIN_PASSWORD;
/** Made by the Super Admin, so the other roles have a token to look at. */
const ADMINS_TOKEN = uniqueName('Roles spec');
/** Made by the Editor, who is then removed. */
const EDITORS_TOKEN = uniqueName('Editor made');

function adminRow(page: Page, name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
}

/** A button shown disabled, with the reason on hover (on its wrapper). */
async function expectDenied(scope: Locator, name: string, why: string): Promise<void> {
  const button = scope.getByRole('button', { name, exact: true });
  await expect(button).toBeDisabled();
  const wrapper = scope
    .locator('.denied')
    .filter({ has: scope.page().getByRole('button', { name, exact: true }) });
  await expect(wrapper).toHaveAttribute('title', why);
}

async function addAdmin(page: Page, who: { email: string; name: string }, role: string): Promise<void> {
  await page.getByRole('button', { name: 'Add administrator', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Name', { exact: true }).fill(who.name);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: role });
  await page.getByLabel('Initial password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const row = adminRow(page, who.name);
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('combobox', { name: `Role of ${who.name}` })).toHaveValue(
    await roleValue(page, role),
  );
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
}

/** The option value (role id) of the role named `role` in the add form's select. */
async function roleValue(page: Page, role: string): Promise<string> {
  return page
    .getByLabel('Role', { exact: true })
    .locator('option', { hasText: role })
    .first()
    .getAttribute('value')
    .then((value) => value ?? '');
}

test('a Super Admin adds a Viewer and an Editor on the Administrators page', async ({ page }) => {
  await signIn(page);
  await createToken(page, { name: ADMINS_TOKEN, duration: '7 days', type: 'Read-only' });
  await page.getByRole('link', { name: 'Administrators', exact: true }).click();
  await expectPath(page, ADMINS_PATH);
  await waitForHydration(page);

  await addAdmin(page, VIEWER, 'Viewer');
  await addAdmin(page, EDITOR, 'Editor');

  await gotoHydrated(page, ROLES_PATH);
  const viewerRole = page.getByRole('row').filter({ hasText: 'Viewer' });
  await expect(viewerRole.getByText('api_tokens.read')).toBeVisible();
  await expectDenied(
    viewerRole,
    'Delete',
    'Built-in roles cannot be changed or deleted; create a custom role instead.',
  );
});

test('a Viewer sees tokens, cannot create or revoke, and the server refuses a direct create', async ({
  page,
}) => {
  await signIn(page, VIEWER.email);
  await expect(tokenRow(page, ADMINS_TOKEN)).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Administrators', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Create new API token' })).toHaveCount(0);
  await expectDenied(
    page.locator('.toolbar'),
    'Create new API token',
    'Your role (Viewer) does not allow creating API tokens.',
  );
  await expectDenied(
    tokenRow(page, ADMINS_TOKEN),
    'Revoke',
    'Your role (Viewer) does not allow revoking API tokens.',
  );

  // The token's own page: every change is shown disabled, with the reason on hover.
  await tokenRow(page, ADMINS_TOKEN).getByRole('link', { name: ADMINS_TOKEN, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: ADMINS_TOKEN })).toBeVisible();
  await waitForHydration(page);
  const actions = page.locator('.page-header .actions');
  await expectDenied(actions, 'Edit', 'Your role (Viewer) does not allow editing API tokens.');
  await expectDenied(actions, 'Regenerate', 'Your role (Viewer) does not allow regenerating API tokens.');
  await expectDenied(actions, 'Copy as new', 'Your role (Viewer) does not allow creating API tokens.');
  await expect(actions.getByRole('link')).toHaveCount(0);

  // Straight to the server function, as a script would: 403, and nothing stored.
  const sneaky = uniqueName('Sneaky');
  const response = await page.request.post('/rpc/create_token', {
    data: { input: { name: sneaky, description: '', lifetime: '30', type: 'full-access' } },
  });
  expect(response.status()).toBe(403);
  expect(await response.json()).toEqual({
    Forbidden: 'Your role (Viewer) does not allow creating API tokens.',
  });
  await gotoHydrated(page, TOKENS_PATH);
  await expect(tokenRow(page, ADMINS_TOKEN)).toHaveCount(1);
  await expect(tokenRow(page, sneaky)).toHaveCount(0);

  // The create form, opened by its address, says so up front.
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await expect(page.getByRole('alert')).toHaveText(
    'Your role (Viewer) does not allow creating API tokens.',
  );
  await expectDenied(page.locator('form'), 'Save', 'Your role (Viewer) does not allow creating API tokens.');

  // The Administrators page itself answers with the reason.
  await gotoHydrated(page, ADMINS_PATH);
  await expect(page.getByRole('alert')).toHaveText(
    'Your role (Viewer) does not allow viewing administrators and roles.',
  );
});

test('an Editor creates a token but cannot revoke it or manage admins', async ({ page }) => {
  await signIn(page, EDITOR.email);
  await createToken(page, { name: EDITORS_TOKEN, duration: '30 days', type: 'Read-only' });
  const row = tokenRow(page, EDITORS_TOKEN);
  await expect(row.getByRole('cell', { name: EDITOR.name, exact: true })).toBeVisible();
  await expectDenied(row, 'Revoke', 'Your role (Editor) does not allow revoking API tokens.');
  await expect(page.getByRole('link', { name: 'Roles', exact: true })).toHaveCount(0);
});

test('the last Super Admin stays; deactivating signs out at once; a removed creator is marked', async ({
  page,
  browser,
}) => {
  // The Viewer is signed in elsewhere.
  const elsewhere = await browser.newContext();
  const viewerPage = await elsewhere.newPage();
  await signIn(viewerPage, VIEWER.email);

  await signIn(page);
  await gotoHydrated(page, ADMINS_PATH);

  // Demoting the only Super Admin (oneself) is refused, and the row keeps the role.
  const me = adminRow(page, ADMIN_NAME);
  const myRole = me.getByRole('combobox');
  const superAdmin = await myRole.inputValue();
  await myRole.selectOption({ label: 'Editor' });
  const result = page.locator('#admins-result');
  await expect(result).toContainText('This is the last active Super Admin');
  await expect(result).toBeFocused();
  await expect(page.locator('#announcer')).toContainText('This is the last active Super Admin');
  await expect(me.getByRole('combobox')).toHaveValue(superAdmin);

  // Deactivating the Viewer ends their session in the other browser at once.
  await adminRow(page, VIEWER.name)
    .getByRole('button', { name: `Deactivate ${VIEWER.name}` })
    .click();
  await expect(adminRow(page, VIEWER.name).getByText('Deactivated', { exact: true })).toBeVisible();
  await viewerPage.reload();
  await expectPath(viewerPage, '/login');
  await elsewhere.close();

  // Removing the Editor keeps their token, marked as made by a removed admin.
  await adminRow(page, EDITOR.name).getByRole('button', { name: `Remove ${EDITOR.name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(adminRow(page, EDITOR.name)).toHaveCount(0);
  await gotoHydrated(page, TOKENS_PATH);
  await expect(
    tokenRow(page, EDITORS_TOKEN).getByRole('cell', { name: `${EDITOR.name} (removed)`, exact: true }),
  ).toBeVisible();

  // The Super Admin may revoke what the Editor could not.
  await tokenRow(page, EDITORS_TOKEN).getByRole('button', { name: `Revoke ${EDITORS_TOKEN}` }).click();
  await page.getByRole('dialog').getByLabel(`Type ${EDITORS_TOKEN} to confirm`).fill(EDITORS_TOKEN);
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(tokenRow(page, EDITORS_TOKEN)).toHaveCount(0);
});

test('a Super Admin creates, edits and deletes a custom role', async ({ page }) => {
  const name = `Auditor ${suffix}`;
  await signIn(page);
  await gotoHydrated(page, ROLES_PATH);

  await page.getByRole('button', { name: 'Create role', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save role', exact: true }).click();
  await expect(page.getByText('Choose at least one permission.')).toBeVisible();

  await page.getByRole('checkbox', { name: /^api_tokens\.read\b/ }).check();
  await page.getByRole('checkbox', { name: /^audit\.read\b/ }).check();
  await page.getByRole('button', { name: 'Save role', exact: true }).click();
  const row = adminRow(page, name);
  await expect(row.getByText('audit.read', { exact: true })).toBeVisible();

  await row.getByRole('button', { name: `Edit ${name}` }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await page.getByRole('checkbox', { name: /^audit\.read\b/ }).uncheck();
  await page.getByRole('button', { name: 'Save role', exact: true }).click();
  await expect(row.getByText('audit.read', { exact: true })).toHaveCount(0);
  await expect(row.getByText('api_tokens.read', { exact: true })).toBeVisible();

  await row.getByRole('button', { name: `Delete ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(adminRow(page, name)).toHaveCount(0);
});

test('an admin changes their own name and password; their other sessions end', async ({
  page,
  browser,
}) => {
  const pat = { email: `pat-${suffix}@example.com`, name: `Pat ${suffix}` };
  await signIn(page);
  await gotoHydrated(page, ADMINS_PATH);
  await addAdmin(page, pat, 'Viewer');

  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await signIn(otherPage, pat.email);
  await page.context().clearCookies();
  await signIn(page, pat.email);

  await page.getByRole('link', { name: `Signed in as ${pat.name} (Viewer)` }).click();
  await expectPath(page, '/settings/profile');
  await waitForHydration(page);
  await page.getByLabel('Your name', { exact: true }).fill(`${pat.name} Renamed`);
  await page.getByRole('button', { name: 'Save name', exact: true }).click();
  await expect(page.getByText(`Signed in as ${pat.name} Renamed (Viewer)`)).toBeVisible();

  const newPassword = 'a completely new passphrase';
  await page.getByLabel('Current password', { exact: true }).fill('not the password');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('New password again', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await expect(page.getByText('Your current password is not correct.')).toBeVisible();

  await page.getByLabel('Current password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await expect(page.locator('main').getByText('Password changed. Your other sessions have ended.')).toBeVisible();
  await expect(page.locator('#announcer')).toHaveText('Password changed. Your other sessions have ended.');

  // This session goes on; the other browser is signed out.
  await gotoHydrated(page, TOKENS_PATH);
  await expectPath(page, TOKENS_PATH);
  await otherPage.reload();
  await expectPath(otherPage, '/login');
  await elsewhere.close();
});
