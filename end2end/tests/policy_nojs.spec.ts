// Settings › Token policy with JavaScript off: the browser posts the form itself, and the
// page it is sent back to shows the preview, the refusal (with what was typed) or the
// result. The list's Policy filter is part of its GET form, and "Bring into policy" asks
// for the password in its own form when the confirmation window has closed. Runs only in
// the `chromium-nojs` project.
import {
  ADMIN_PASSWORD,
  TOKENS_PATH,
  expect,
  expectPath,
  signInWithoutScript,
  test,
  tokenRow,
  uniqueName,
} from './fixtures';

test.describe.configure({ mode: 'serial' });

const POLICY_PATH = '/settings/token-policy';

test('the policy form previews, refuses by field, saves and brings into policy', async ({ page }) => {
  await signInWithoutScript(page);
  const created = await page.request.post('/admin/api/tokens', {
    data: { name: uniqueName('Forever'), type: 'read-only', duration: null },
  });
  expect(created.status()).toBe(201);

  await page.goto(POLICY_PATH);
  await page.getByLabel('Maximum lifetime (days)').fill('14');
  await page.getByLabel('Default duration on the create form (days)').fill('7');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expectPath(page, POLICY_PATH);
  await expect(page.getByTestId('policy-preview')).toHaveText(
    'With these settings, 3 working tokens would be outside the policy. They keep working until you bring them into policy.',
  );
  // What was typed comes back with the page.
  await expect(page.getByLabel('Maximum lifetime (days)')).toHaveValue('14');

  // A default longer than the maximum is refused by field, with what was typed kept.
  await page.getByLabel('Default duration on the create form (days)').fill('30');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expectPath(page, POLICY_PATH);
  await expect(page.locator('#default_duration_days-error')).toHaveText(
    'The default duration must be at most the maximum lifetime (14 days).',
  );
  await expect(page.getByLabel('Default duration on the create form (days)')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Default duration on the create form (days)').fill('7');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByTestId('policy-saved')).toBeVisible();
  await expect(page.getByTestId('outside-now')).toHaveText(
    '3 working tokens are outside the policy in force. They keep working.',
  );

  await page.getByRole('button', { name: 'Bring into policy' }).click();
  await expectPath(page, POLICY_PATH);
  await expect(page.getByTestId('policy-brought')).toContainText('Brought 3 tokens into policy: they now expire');
  await expect(page.getByTestId('outside-now')).toHaveText('Every working token is inside the policy in force.');
});

test('the list filters by policy, and bringing into policy asks for the password itself', async ({ page }) => {
  // Arrange: a week-long token, then a policy of at most 3 days, which puts it and the three
  // tokens brought in above outside.
  await signInWithoutScript(page);
  const week = uniqueName('Nojs week');
  const created = await page.request.post('/admin/api/tokens', {
    data: { name: week, type: 'read-only', duration: 7 },
  });
  expect(created.status(), await created.text()).toBe(201);
  const saved = await page.request.put('/admin/api/policy', {
    data: { max_lifetime_days: 3, default_duration_days: 3, require_expiry: true, expiry_warning_days: [1] },
  });
  expect(saved.status(), await saved.text()).toBe(200);

  // The Policy filter is part of the list's form.
  await page.goto(TOKENS_PATH);
  await page.getByLabel('Policy', { exact: true }).selectOption({ label: 'Outside policy' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/policy=outside/);
  await expect(page.getByLabel('Policy', { exact: true })).toHaveValue('outside');
  await expect(page.locator('table.tokens tbody tr')).toHaveCount(4);
  await expect(tokenRow(page, week).getByTestId('outside-policy')).toHaveAttribute(
    'title',
    "Expires after the policy's maximum of 3 days. It keeps working until it is brought into policy.",
  );

  // Close this session's confirmation window, as Profile › "Ask for my password again" does.
  const forget = await page.request.post('/rpc/forget_password_confirmation', {
    headers: { 'Sec-Fetch-Site': 'same-origin' },
    form: {},
  });
  expect(forget.ok(), await forget.text()).toBe(true);

  // Act: no dialog without JavaScript; the form comes back asking for the password.
  await page.goto(POLICY_PATH);
  await expect(page.getByTestId('outside-now')).toHaveText('4 working tokens are outside the policy in force. They keep working.');
  await page.getByRole('button', { name: 'Bring into policy' }).click();
  await expectPath(page, POLICY_PATH);
  await expect(page.getByTestId('bring-refused')).toHaveText('Confirm your password to continue.');
  await expect(page.getByTestId('outside-now')).toHaveText('4 working tokens are outside the policy in force. They keep working.');

  // A wrong password is refused under its field, and nothing is shortened.
  await page.getByLabel('Your password', { exact: true }).fill('not my password');
  await page.getByRole('button', { name: 'Bring into policy' }).click();
  await expectPath(page, POLICY_PATH);
  await expect(page.getByText('Your current password is not correct.')).toBeVisible();
  await expect(page.getByLabel('Your password', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('policy-brought')).toHaveCount(0);

  // Assert: the right one confirms and brings them in, in the same post.
  await page.getByLabel('Your password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Bring into policy' }).click();
  await expectPath(page, POLICY_PATH);
  await expect(page.getByTestId('policy-brought')).toContainText('Brought 4 tokens into policy: they now expire');
  await expect(page.getByTestId('outside-now')).toHaveText('Every working token is inside the policy in force.');
  await expect(page.getByLabel('Your password', { exact: true })).toHaveCount(0);
});
