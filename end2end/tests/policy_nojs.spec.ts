// Settings › Token policy with JavaScript off: the browser posts the form itself, and the
// page it is sent back to shows the preview, the refusal (with what was typed) or the
// result. Runs only in the `chromium-nojs` project.
import { expect, expectPath, signInWithoutScript, test, uniqueName } from './fixtures';

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
