// Until the wasm runs, a control that needs JavaScript would swallow a click for good, so
// it must look and be unavailable; what works without JavaScript (links, form posts) stays
// enabled. The wasm is held back here until the test lets it load.
import { NEW_TOKEN_PATH, TOKENS_PATH, expect, signIn, test, waitForHydration, type Page } from './fixtures';

/** Holds every `.wasm` response until the returned function is called. */
async function holdWasm(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

async function expectNotHydrated(page: Page): Promise<void> {
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', /.*/);
}

test('the shell: the bell waits for the page, sign-out works at once', async ({ page }) => {
  // Arrange: signed in, then the token list (it lists the two first-start tokens) without its wasm.
  await signIn(page);
  const release = await holdWasm(page);
  await page.goto(TOKENS_PATH);
  await expectNotHydrated(page);

  // Assert: before hydration.
  const bell = page.getByRole('button', { name: /^Notifications/ });
  await expect(bell).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeEnabled();
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeAttached();
  // The list's own controls wait too: a row's Revoke (it opens a dialog) and Refresh.
  const revoke = page.getByRole('button', { name: /^Revoke / }).first();
  await expect(revoke).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Refresh', exact: true })).toBeDisabled();

  // Act
  release();
  await waitForHydration(page);

  // Assert: now it works.
  await expect(revoke).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Refresh', exact: true })).toBeEnabled();
  await expect(bell).toBeEnabled();
  await bell.click();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('region', { name: 'Notifications' })).toBeVisible();
});

test('signing out before the page has hydrated still signs out', async ({ page }) => {
  // Arrange
  await signIn(page);
  await holdWasm(page);
  await page.goto(NEW_TOKEN_PATH);
  await expectNotHydrated(page);

  // Act
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  // Assert: the post went through without the wasm.
  await expect(page).toHaveURL(/\/login\?signed-out$/);
  await expect(page.locator('#signed-out')).toHaveText('You have signed out.');
});

test('the permission matrix waits for the page, the Save button does not', async ({ page }) => {
  // Arrange: the create form without its wasm, custom type chosen (the matrix shows by CSS).
  await signIn(page);
  const release = await holdWasm(page);
  await page.goto(NEW_TOKEN_PATH);
  await expectNotHydrated(page);
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Custom' });

  // Assert: a row's "All" box needs the wasm, so it is not offered yet; Save posts the
  // form without it.
  const all = page.getByRole('checkbox', { name: /^Select all \w+ permissions$/ }).first();
  await expect(all).toBeHidden();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeEnabled();

  // Act + Assert: once hydrated, "All" ticks its row.
  release();
  await waitForHydration(page);
  await expect(all).toBeVisible();
  await expect(all).toBeEnabled();
  await all.check();
  await expect(all).toBeChecked();
});
