import {
  ADMIN_PASSWORD,
  TOKENS_PATH,
  apiGet,
  expect,
  expectApiError,
  gotoHydrated,
  signIn,
  test,
  tokenRow,
  type Page,
} from './fixtures';
import { announcer, confirmIn, forgetConfirmation, passwordDialog } from './password-dialog';

// Revoking from the list: one flow for a row's Revoke and for "Revoke selected". The
// password comes first when it is due, then the confirmation (typed name + Enter, or the
// list), then a message that is shown, announced and focused; Escape anywhere gives focus
// back to the button that opened the dialog. Serial: the sudo window is per session and
// the last test closes it.
test.describe.configure({ mode: 'serial' });

const RUN = `Revoke${Date.now()}`;

type Created = { id: number; secret: string };

/** Creates a token through the admin JSON API (signed in by the page's session cookie). */
async function createViaApi(page: Page, name: string): Promise<Created> {
  const response = await page.request.post('/admin/api/tokens', { data: { name, type: 'read-only' } });
  expect(response.status(), await response.text()).toBe(201);
  const json = (await response.json()) as { data: { id: number }; secret: string };
  return { id: json.data.id, secret: json.secret };
}

function listOf(search: string, sort?: string): string {
  const query = sort === undefined ? { search } : { search, sort };
  return `${TOKENS_PATH}?${new URLSearchParams(query).toString()}`;
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("a row's Revoke: Escape gives focus back, Enter in the name box revokes, the message takes focus", async ({
  page,
  request,
}) => {
  // Arrange
  const name = `${RUN} row`;
  const { id, secret } = await createViaApi(page, name);
  await gotoHydrated(page, listOf(name));
  const open = page.locator(`#revoke-${id}`);
  await expect(open).toHaveAccessibleName(`Revoke ${name}`);
  const dialog = page.getByRole('dialog', { name: `Revoke ${name}?` });
  const typed = dialog.getByLabel(`Type ${name} to confirm`);

  // Act + Assert: Escape closes it and focus is back on the row's button.
  await open.click();
  await expect(typed).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  // Act + Assert: so does Cancel, from the keyboard.
  await page.keyboard.press('Enter');
  await expect(typed).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(open).toBeFocused();

  // Act: Enter with a wrong name does nothing; with the name it revokes.
  await open.click();
  await typed.fill(name.slice(0, -1));
  await typed.press('Enter');
  await expect(dialog).toBeVisible();
  await typed.fill(name);
  await typed.press('Enter');

  // Assert: the dialog is gone, the message says what happened, has focus, and is announced.
  await expect(dialog).toBeHidden();
  const message = page.getByTestId('revoke-outcome');
  await expect(message).toHaveText(`Token “${name}” revoked.`);
  await expect(message).toBeFocused();
  await expect(announcer(page)).toHaveText(`Token “${name}” revoked.`);
  await expect(tokenRow(page, name)).toHaveCount(0);
  await expectApiError(await apiGet(request, '/api/articles', secret), 401, 'invalid_token');
});

test('Revoke selected: one confirmation, then one message naming them, focused and announced', async ({
  page,
  request,
}) => {
  // Arrange
  const prefix = `${RUN} bulk`;
  const made: Created[] = [];
  for (const n of [1, 2, 3]) {
    made.push(await createViaApi(page, `${prefix} ${n}`));
  }
  // By name, so the message names them in the same order as the test.
  await gotoHydrated(page, listOf(prefix, 'name'));
  await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  const open = page.locator('#revoke-selected');
  const dialog = page.getByRole('dialog', { name: 'Revoke 3 tokens?' });

  // Act + Assert: Escape gives focus back to "Revoke selected".
  await open.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  // Act
  await open.click();
  await dialog.getByRole('button', { name: 'Revoke 3 tokens', exact: true }).click();

  // Assert
  await expect(dialog).toBeHidden();
  const sentence = `3 tokens revoked: ${prefix} 1, ${prefix} 2, ${prefix} 3.`;
  const message = page.getByTestId('revoke-outcome');
  await expect(message).toHaveText(sentence);
  await expect(message).toBeFocused();
  await expect(announcer(page)).toHaveText(sentence);
  for (const { secret } of made) {
    await expectApiError(await apiGet(request, '/api/articles', secret), 401, 'invalid_token');
  }
});

test('when the password is due it is asked first; Escape there gives focus back to the row', async ({
  page,
  request,
}) => {
  // Arrange: the sudo window closed.
  const name = `${RUN} sudo`;
  const { id, secret } = await createViaApi(page, name);
  await forgetConfirmation(page);
  await gotoHydrated(page, listOf(name));
  const open = page.locator(`#revoke-${id}`);
  const password = passwordDialog(page);
  const confirm = page.getByRole('dialog', { name: `Revoke ${name}?` });

  // Act + Assert: the password dialog comes before the name is asked; Escape backs out.
  await open.click();
  await expect(password).toBeVisible();
  await expect(confirm).toHaveCount(0);
  await expect(password.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(password).toBeHidden();
  await expect(open).toBeFocused();

  // Act + Assert: a wrong password is refused in place; the pending revoke waits.
  await open.click();
  await confirmIn(password, 'not my password');
  await expect(password.locator('#password-dialog-error')).toContainText('not correct');
  await expect(password.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(password.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(confirm).toHaveCount(0);

  // Act: the right password, then the name and Enter: no second interruption.
  await confirmIn(password, ADMIN_PASSWORD);
  await expect(password).toBeHidden();
  const typed = confirm.getByLabel(`Type ${name} to confirm`);
  await expect(typed).toBeFocused();
  await typed.fill(name);
  await typed.press('Enter');

  // Assert
  await expect(confirm).toBeHidden();
  await expect(passwordDialog(page)).toHaveCount(0);
  await expect(page.getByTestId('revoke-outcome')).toBeFocused();
  await expectApiError(await apiGet(request, '/api/articles', secret), 401, 'invalid_token');
});
