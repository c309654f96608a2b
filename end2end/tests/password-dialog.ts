import { expect, gotoHydrated, type Locator, type Page } from './fixtures';

// The password re-confirmation dialog ("sudo mode"), shared by the specs that meet it.

export function passwordDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Confirm your password' });
}

/** Profile › "Ask for my password again": the next sensitive action must ask. */
export async function forgetConfirmation(page: Page): Promise<void> {
  await gotoHydrated(page, '/settings/profile');
  await page.getByRole('button', { name: 'Ask for my password again', exact: true }).click();
  await expect(page.getByText('Done: the next sensitive action will ask for your password.')).toBeVisible();
}

export async function confirmIn(dialog: Locator, password: string): Promise<void> {
  await dialog.getByLabel('Password', { exact: true }).fill(password);
  await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();
}

/** The page's one live region (role=status), where results are announced. */
export function announcer(page: Page): Locator {
  return page.locator('#announcer');
}
