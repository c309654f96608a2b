// Settings › Token policy, hydrated: set a maximum lifetime, see how many tokens the change
// would put outside the policy before saving, save it, find a longer token refused by the
// create form with the policy's message, and bring the old tokens into policy. The steps
// build on each other on this file's own instance.
import {
  NEW_TOKEN_PATH,
  createViaApi,
  expect,
  gotoHydrated,
  signIn,
  test,
  uniqueName,
} from './fixtures';

test.describe.configure({ mode: 'serial' });

const POLICY_PATH = '/settings/token-policy';

/** A date `days` from today, as a date input takes it. */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('a maximum lifetime is previewed, saved, enforced and brought into', async ({ page }) => {
  await signIn(page);
  await createViaApi(page, { name: uniqueName('Forever'), type: 'read-only', duration: null });
  await createViaApi(page, { name: uniqueName('Quarter'), type: 'read-only', duration: 90 });
  await createViaApi(page, { name: uniqueName('Week'), type: 'read-only', duration: 7 });

  // With the two tokens Tollgate makes on its first start (they never expire), 4 are outside.
  // Reached from the settings navigation, which shows it to Super Admins.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Token policy' }).click();
  await expect(page.getByRole('heading', { name: 'Token policy', level: 1 })).toBeVisible();
  await expect(page.getByTestId('outside-now')).toHaveText('Every working token is inside the policy in force.');
  await expect(page.getByRole('button', { name: 'Bring into policy' })).toBeDisabled();

  await page.getByLabel('Maximum lifetime (days)').fill('30');
  await page.getByLabel('Default duration on the create form (days)').fill('30');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('policy-preview')).toHaveText(
    'With these settings, 4 working tokens would be outside the policy. They keep working until you bring them into policy.',
  );

  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByTestId('policy-saved')).toBeVisible();
  await expect(page.getByTestId('outside-now')).toHaveText(
    '4 working tokens are outside the policy in force. They keep working.',
  );
  await expect(page.getByLabel('Every token must expire')).toBeChecked();
});

test('the create form offers only what the policy allows and refuses a later date', async ({ page }) => {
  await signIn(page);
  await gotoHydrated(page, NEW_TOKEN_PATH);
  const expires = page.getByLabel('Expires', { exact: true });
  await expect(expires).toHaveValue('30');
  await expect(expires.locator('option', { hasText: '90 days' })).toBeDisabled();
  await expect(expires.locator('option', { hasText: 'Never' })).toBeDisabled();
  await expect(page.getByTestId('duration-policy')).toContainText('Token policy: tokens may live at most 30 days');

  await page.getByLabel('Name', { exact: true }).fill(uniqueName('Too long'));
  await expires.selectOption({ label: 'Custom date' });
  await page.getByLabel('Expiry date').fill(daysFromNow(60));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#duration-error')).toContainText(
    'Token policy: tokens may live at most 30 days; choose 30 days or fewer, or a date on or before',
  );
  await expect(page).toHaveURL(/\/settings\/api-tokens\/new$/);
});

test('bringing into policy shortens the tokens outside it', async ({ page }) => {
  await signIn(page);
  await gotoHydrated(page, POLICY_PATH);
  await page.getByRole('button', { name: 'Bring into policy' }).click();
  await expect(page.getByTestId('policy-brought')).toContainText('Brought 4 tokens into policy: they now expire');
  await expect(page.getByTestId('outside-now')).toHaveText('Every working token is inside the policy in force.');

  const response = await page.request.post('/admin/api/policy/preview', {
    data: { max_lifetime_days: 30, default_duration_days: 30, require_expiry: true, expiry_warning_days: [7, 1] },
  });
  expect(response.status()).toBe(200);
  expect((await response.json()).data.outside_policy).toBe(0);
});
