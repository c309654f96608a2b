import {
  TOKENS_PATH,
  expect,
  gotoHydrated,
  signIn,
  test,
  uniqueName,
  type Locator,
  type Page,
} from './fixtures';

// The settings pages besides the token list (administrators, roles, profile, audit log):
// focus after each action goes to its result or to the first field at fault, each result
// is announced, buttons that need JavaScript are shown disabled until it runs, and the
// tables look like the token table. On this file's own instance.

const ADMINS_PATH = '/settings/administrators';
const ROLES_PATH = '/settings/roles';
const PROFILE_PATH = '/settings/profile';
const AUDIT_PATH = '/settings/audit-log';
const PASSWORD = 'correct horse battery staple';

const announcer = (page: Page): Locator => page.locator('#announcer');

/** The computed styles that make a table look like the token table. */
async function tableLook(cell: Locator): Promise<Record<string, string>> {
  return cell.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      padding: style.padding,
      borderBottom: `${style.borderBottomWidth} ${style.borderBottomStyle} ${style.borderBottomColor}`,
      fontSize: style.fontSize,
      textTransform: style.textTransform,
      textAlign: style.textAlign,
    };
  });
}

/** The computed styles that make a filter input look like the token list's search box. */
async function inputLook(input: Locator): Promise<Record<string, string>> {
  return input.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      padding: style.padding,
      border: `${style.borderTopWidth} ${style.borderTopStyle} ${style.borderTopColor}`,
      borderRadius: style.borderRadius,
      background: style.backgroundColor,
      color: style.color,
      font: `${style.fontSize} ${style.fontFamily}`,
    };
  });
}

test.describe('signed in', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('before the wasm runs, the buttons that need it are shown disabled', async ({
    page,
    browser,
    baseURL,
  }) => {
    // The same session in a browser that runs no script: what the server renders.
    const noScript = await browser.newContext({
      ...(baseURL ? { baseURL } : {}),
      javaScriptEnabled: false,
      storageState: await page.context().storageState(),
    });
    const early = await noScript.newPage();

    await early.goto(ADMINS_PATH);
    await expect(early.getByRole('heading', { level: 1, name: 'Administrators' })).toBeVisible();
    await expect(early.getByRole('button', { name: 'Add administrator', exact: true })).toBeDisabled();

    await early.goto(ROLES_PATH);
    await expect(early.getByRole('heading', { level: 1, name: 'Roles' })).toBeVisible();
    await expect(early.getByRole('button', { name: 'Create role', exact: true })).toBeDisabled();

    // The profile forms post through the wasm only; a plain submit would put the
    // passwords in the address.
    await early.goto(PROFILE_PATH);
    await expect(early.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();
    for (const name of ['Save name', 'Change password', 'Sign out everywhere', 'Ask for my password again']) {
      await expect(early.getByRole('button', { name, exact: true })).toBeDisabled();
    }
    await noScript.close();

    // Once hydrated, they work.
    await gotoHydrated(page, PROFILE_PATH);
    await expect(page.getByRole('button', { name: 'Save name', exact: true })).toBeEnabled();
    await gotoHydrated(page, ROLES_PATH);
    await expect(page.getByRole('button', { name: 'Create role', exact: true })).toBeEnabled();
  });

  test('adding an administrator: focus into the form, to the field at fault, then to the result', async ({
    page,
  }) => {
    await gotoHydrated(page, ADMINS_PATH);
    const open = page.getByRole('button', { name: 'Add administrator', exact: true });

    // Opening moves focus to the first field; Cancel gives it back to the opener.
    await open.click();
    await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(open).toBeFocused();

    // A refused form: focus on the first field at fault.
    await open.click();
    const name = uniqueName('Nia Newcomer');
    await page.getByLabel('Email', { exact: true }).fill('not an address');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Initial password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Email', { exact: true })).toBeFocused();

    // Added: the result message has focus and is announced.
    await page.getByLabel('Email', { exact: true }).fill(`nia-${Date.now()}@example.com`);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const result = page.locator('#admins-result');
    await expect(result).toHaveText(`Added ${name} as Viewer.`);
    await expect(result).toBeFocused();
    await expect(announcer(page)).toHaveText(`Added ${name} as Viewer.`);
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
    await expect(row).toHaveCount(1);

    // Deactivating: the row's button is re-drawn, so focus goes to the result.
    await row.getByRole('button', { name: `Deactivate ${name}` }).click();
    await expect(result).toHaveText(`Deactivated ${name}: signed out everywhere.`);
    await expect(result).toBeFocused();
    await expect(announcer(page)).toHaveText(`Deactivated ${name}: signed out everywhere.`);
    await expect(row.getByRole('button', { name: `Reactivate ${name}` })).toBeVisible();

    // The row's buttons are spaced, not touching.
    const reactivate = await row.getByRole('button', { name: `Reactivate ${name}` }).boundingBox();
    const remove = await row.getByRole('button', { name: `Remove ${name}` }).boundingBox();
    expect(remove!.x - (reactivate!.x + reactivate!.width)).toBeGreaterThanOrEqual(6);
  });

  test('a role: focus into the form, to the field at fault, back on Cancel, then to the result', async ({
    page,
  }) => {
    await gotoHydrated(page, ROLES_PATH);
    const create = page.getByRole('button', { name: 'Create role', exact: true });

    await create.click();
    const name = page.getByLabel('Name', { exact: true });
    await expect(name).toBeFocused();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(create).toBeFocused();

    // No name: focus on Name. A name but no permission: focus on the first permission.
    await create.click();
    await page.getByRole('button', { name: 'Save role', exact: true }).click();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toBeFocused();
    const role = uniqueName('Auditor');
    await name.fill(role);
    await page.getByRole('button', { name: 'Save role', exact: true }).click();
    await expect(page.getByText('Choose at least one permission.')).toBeVisible();
    await expect(page.getByRole('checkbox').first()).toBeFocused();

    await page.getByRole('checkbox', { name: /^audit\.read\b/ }).check();
    await page.getByRole('button', { name: 'Save role', exact: true }).click();
    const result = page.locator('#roles-result');
    await expect(result).toHaveText(`Created the role ${role}.`);
    await expect(result).toBeFocused();
    await expect(announcer(page)).toHaveText(`Created the role ${role}.`);

    // Edit, then Cancel: focus goes back to that row's Edit.
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: role }) });
    const edit = row.getByRole('button', { name: `Edit ${role}` });
    await edit.click();
    await expect(name).toHaveValue(role);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(edit).toBeFocused();

    // Deleting: the row goes, so focus goes to the result.
    await row.getByRole('button', { name: `Delete ${role}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(result).toHaveText(`Deleted the role ${role}.`);
    await expect(result).toBeFocused();
    await expect(row).toHaveCount(0);
  });

  test('the administrators and roles tables look like the token table', async ({ page }) => {
    await gotoHydrated(page, TOKENS_PATH);
    const tokenHeader = await tableLook(page.locator('table.tokens th').nth(1));
    const tokenCell = await tableLook(page.locator('table.tokens tbody tr:not(:last-child) td').nth(1));

    await gotoHydrated(page, ADMINS_PATH);
    expect(await tableLook(page.locator('table.admins th').first())).toEqual(tokenHeader);
    await gotoHydrated(page, ROLES_PATH);
    expect(await tableLook(page.locator('table.roles th').first())).toEqual(tokenHeader);
    const roleCell = await tableLook(page.locator('table.roles tbody tr').first().locator('td').nth(2));
    expect({ padding: roleCell.padding, borderBottom: roleCell.borderBottom }).toEqual({
      padding: tokenCell.padding,
      borderBottom: tokenCell.borderBottom,
    });
  });

  test('the profile announces what it saved and points at what it refused', async ({ page }) => {
    await gotoHydrated(page, PROFILE_PATH);
    const name = page.getByLabel('Your name', { exact: true });
    const was = await name.inputValue();

    await name.fill('');
    await page.getByRole('button', { name: 'Save name', exact: true }).click();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toBeFocused();

    await name.fill(was);
    await page.getByRole('button', { name: 'Save name', exact: true }).click();
    await expect(announcer(page)).toHaveText('Saved your name.');

    await page.getByLabel('Current password', { exact: true }).fill('not my password');
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await expect(page.locator('#password-form [aria-invalid="true"]').first()).toBeFocused();

    await page.getByRole('button', { name: 'Ask for my password again', exact: true }).click();
    await expect(announcer(page)).toHaveText(
      'Your password will be asked for at the next sensitive action.',
    );
  });

  test('the audit log looks like the token list: table, filters, buttons, empty state', async ({ page }) => {
    await gotoHydrated(page, TOKENS_PATH);
    const tokenHeader = await tableLook(page.locator('table.tokens th').nth(1));
    const tokenCell = await tableLook(page.locator('table.tokens tbody tr:not(:last-child) td.description').first());
    const tokenSearch = await inputLook(page.getByLabel('Search tokens'));

    await gotoHydrated(page, AUDIT_PATH);
    const table = page.locator('table.audit');
    await expect(table.locator('tbody tr').first()).toBeVisible();
    expect(await tableLook(table.locator('th').first())).toEqual(tokenHeader);
    const cell = await tableLook(table.locator('tbody tr').first().locator('td').nth(1));
    expect({ padding: cell.padding, borderBottom: cell.borderBottom }).toEqual({
      padding: tokenCell.padding,
      borderBottom: tokenCell.borderBottom,
    });
    expect(await inputLook(page.getByLabel('Token', { exact: true }))).toEqual(tokenSearch);
    expect(await inputLook(page.getByLabel('From', { exact: true }))).toEqual(tokenSearch);

    // The two filter buttons are spaced.
    const apply = await page.getByRole('button', { name: 'Apply filters', exact: true }).boundingBox();
    const clear = await page.getByRole('link', { name: 'Clear', exact: true }).boundingBox();
    expect(clear!.x - (apply!.x + apply!.width)).toBeGreaterThanOrEqual(6);

    // At 390 px the page does not scroll sideways; the table scrolls in its own labelled box.
    await page.setViewportSize({ width: 390, height: 844 });
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await expect(page.getByRole('region', { name: 'Audit log entries' })).toBeVisible();

    // Nothing matches: an empty state with the way back.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-02');
    await page.getByRole('button', { name: 'Apply filters', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'No events match these filters' })).toBeVisible();
    await page.getByRole('link', { name: 'Clear filters', exact: true }).click();
    await expect(table.locator('tbody tr').first()).toBeVisible();
  });
});
