import {
  ADMIN_NAME,
  ADMIN_PASSWORD,
  TOKENS_PATH,
  TOKEN_PATTERN,
  createToken,
  expect,
  expectPath,
  gotoHydrated,
  readRevealedToken,
  revealBanner,
  signIn,
  submitTokenForm,
  test,
  tokenRow,
  uniqueName,
  waitForHydration,
} from './fixtures';
import { announcer, confirmIn, forgetConfirmation, passwordDialog } from './password-dialog';

// The password re-confirmation ("sudo" window) and the audit log, in order on this file's
// own instance: the audit log test reads what the tests before it did.
test.describe.configure({ mode: 'serial' });

const AUDIT_PATH = '/settings/audit-log';
const SUDO_TOKEN = uniqueName('Sudo made');
const VIEWER = {
  email: `audit-viewer-${Date.now()}@example.com`,
  name: uniqueName('Audit Viewer'),
};

test('creating a token asks for the password in place, then carries on', async ({ page }) => {
  await signIn(page);
  await forgetConfirmation(page);

  await submitTokenForm(page, { name: SUDO_TOKEN, duration: '7 days', type: 'Read-only' });
  const dialog = passwordDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Password', { exact: true })).toBeFocused();

  // A wrong password keeps the dialog open and says so (on screen and through the live
  // region), empties the field and leaves focus there for another try.
  await confirmIn(dialog, 'not my password');
  await expect(dialog.locator('#password-dialog-error')).toContainText('not correct');
  await expect(announcer(page)).toContainText('not correct');
  await expect(dialog.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(dialog.getByLabel('Password', { exact: true })).toBeFocused();

  // Escape gives up: the form says why and keeps what was typed; nothing was created.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.locator('#token-form-error')).toContainText('Confirm your password to continue');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(SUDO_TOKEN);

  // Saving again asks again; the right password lets the same request through.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeVisible();
  await confirmIn(dialog, ADMIN_PASSWORD);
  await expectPath(page, TOKENS_PATH);
  await expect(revealBanner(page)).toBeVisible();
  expect(await readRevealedToken(page)).toMatch(TOKEN_PATTERN);

  // Within the window nothing asks again.
  await createToken(page, { name: uniqueName('No second ask'), duration: '7 days', type: 'Read-only' });
  await expect(passwordDialog(page)).toHaveCount(0);
});

test('an edit that widens a token asks for the password; one that narrows it does not', async ({ page }) => {
  // Arrange: a read-only token, then the window closed.
  await signIn(page);
  const name = uniqueName('Widened later');
  await createToken(page, { name, duration: '7 days', type: 'Read-only' });
  await gotoHydrated(page, TOKENS_PATH);
  await tokenRow(page, name).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  expect(id).toBeGreaterThan(0);
  const editPath = `${TOKENS_PATH}/${id}/edit`;
  await forgetConfirmation(page);

  // Narrowing (a new description) saves without asking.
  await gotoHydrated(page, editPath);
  await page.getByLabel('Description', { exact: true }).fill('narrowed without a password');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(passwordDialog(page)).toHaveCount(0);

  // Widening (read-only → full access) asks; giving up saves nothing and says why.
  await gotoHydrated(page, editPath);
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Full access' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const dialog = passwordDialog(page);
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.locator('#token-form-error')).toContainText('Confirm your password to continue');
  await expectPath(page, editPath);

  // Saving again asks again; the right password lets the same edit through.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeVisible();
  await confirmIn(dialog, ADMIN_PASSWORD);
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await gotoHydrated(page, TOKENS_PATH);
  await expect(tokenRow(page, name).getByText('Full access', { exact: true })).toBeVisible();
});

test('changing administrators asks too, and a Viewer has no audit log', async ({ page, browser }) => {
  await signIn(page);
  await forgetConfirmation(page);
  await gotoHydrated(page, '/settings/administrators');
  await page.getByRole('button', { name: 'Add administrator', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(VIEWER.email);
  await page.getByLabel('Name', { exact: true }).fill(VIEWER.name);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Viewer' });
  await page.getByLabel('Initial password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await confirmIn(passwordDialog(page), ADMIN_PASSWORD);
  await expect(page.getByRole('row').filter({ hasText: VIEWER.name })).toHaveCount(1);

  const context = await browser.newContext();
  const viewerPage = await context.newPage();
  await signIn(viewerPage, VIEWER.email);
  const nav = viewerPage.getByRole('navigation', { name: 'Settings' });
  await expect(nav.getByRole('link', { name: 'API Tokens' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  // Hiding the link is presentation; the server refuses the data itself.
  const direct = await viewerPage.request.post('/rpc/audit_log', { data: { params: [] } });
  expect(direct.status()).toBe(403);
  expect(await direct.json()).toEqual({
    Forbidden: 'Your role (Viewer) does not allow reading the audit log.',
  });
  await context.close();
});

test('the audit log says who did what from where, filters, and keeps its view in the URL', async ({
  page,
  request,
}) => {
  // Arrange: a wrong password for an address nobody has, as a stranger would try.
  const stranger = await request.post('/rpc/sign_in', {
    data: { input: { email: `audit-stranger-${Date.now()}@example.com`, password: 'not a password' } },
  });
  expect(stranger.status()).toBe(401);

  await signIn(page);
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
  await expectPath(page, AUDIT_PATH);
  await waitForHydration(page);
  const rows = page.locator('table.audit tbody tr');

  const created = rows.filter({ hasText: SUDO_TOKEN });
  await expect(created).toHaveCount(1);
  await expect(created).toHaveAttribute('data-action', 'token.create');
  await expect(created).toContainText('Created token');
  await expect(created).toContainText(ADMIN_NAME);
  await expect(created).toContainText('127.0.0.1');
  const added = rows.filter({ hasText: VIEWER.name }).filter({ hasText: 'Added administrator' });
  await expect(added).toContainText(`${VIEWER.email} as Viewer`);
  await expect(rows.filter({ hasText: 'Failed password confirmation' }).first()).toContainText(ADMIN_NAME);

  // Filter by action: only those rows, and the URL says so.
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Failed sign-in' });
  await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
  await expect(page).toHaveURL(/action=sign_in\.failed/);
  // The stranger's wrong password above, named by the email tried.
  await expect(rows.first()).toContainText('(not signed in)');
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Failed password confirmation' });
  await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
  await expect(page).toHaveURL(/action=password\.confirm_failed/);
  await expect(rows.first()).toHaveAttribute('data-action', 'password.confirm_failed');
  const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
  expect(new Set(actions)).toEqual(new Set(['password.confirm_failed']));

  // Filter by token name; a reload shows the same view.
  await page.getByRole('link', { name: 'Clear', exact: true }).click();
  await expectPath(page, AUDIT_PATH);
  // The old view stays until the new page arrives: wait for the cleared form.
  await expect(page.getByLabel('Action', { exact: true })).toHaveValue('');
  await page.getByLabel('Token', { exact: true }).fill(SUDO_TOKEN);
  await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
  await expect(page).toHaveURL(/token=/);
  await expect(rows).toHaveCount(1);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel('Token', { exact: true })).toHaveValue(SUDO_TOKEN);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(SUDO_TOKEN);

  // A date range that ends before today finds nothing.
  await page.getByLabel('Token', { exact: true }).fill('');
  await page.getByLabel('From', { exact: true }).fill('2020-01-01');
  await page.getByLabel('To', { exact: true }).fill('2020-12-31');
  await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
  await expect(page.getByTestId('audit-empty')).toHaveText('No events match these filters');

  // Each token's page links to its history.
  await gotoHydrated(page, TOKENS_PATH);
  await page.getByRole('link', { name: SUDO_TOKEN, exact: true }).click();
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Audit log for this token', exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/audit-log\?token=\d+$/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-action', 'token.create');
});
