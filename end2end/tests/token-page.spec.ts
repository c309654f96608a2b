import {
  ADMIN_PASSWORD,
  TOKENS_PATH,
  apiGet,
  apiPost,
  expect,
  expectApiError,
  gotoHydrated,
  signIn,
  test,
  type Page,
} from './fixtures';
import { announcer, confirmIn, forgetConfirmation, passwordDialog } from './password-dialog';

// A token's own page: its status by the title, Revoke there too (password first when it
// is due, then the typed name and Enter, then the message and the revoked page), dialogs
// that give focus back, and a usage chart with axes, a legend, an empty state and text
// for screen readers.

type Created = { id: number; secret: string };

async function createViaApi(page: Page, name: string): Promise<Created> {
  const response = await page.request.post('/admin/api/tokens', { data: { name, type: 'read-only' } });
  expect(response.status(), await response.text()).toBe(201);
  const json = (await response.json()) as { data: { id: number }; secret: string };
  return { id: json.data.id, secret: json.secret };
}

function uniqueName(label: string): string {
  return `${label} ${Date.now()}-${Math.floor(Math.random() * 1_000)}`;
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("revoking from the token's page: password first, then the name and Enter, then the revoked page", async ({
  page,
  request,
}) => {
  // Arrange: a working token, and the sudo window closed.
  const name = uniqueName('Page revoke');
  const { id, secret } = await createViaApi(page, name);
  await forgetConfirmation(page);
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  await expect(page.getByTestId('token-status')).toHaveText('Active');
  const open = page.locator('.page-header .actions').getByRole('button', { name: 'Revoke', exact: true });
  const password = passwordDialog(page);
  const confirm = page.getByRole('dialog', { name: `Revoke ${name}?` });

  // Act: Revoke asks for the password before anything else.
  await open.click();
  await expect(password).toBeVisible();
  await expect(confirm).toHaveCount(0);
  await confirmIn(password, ADMIN_PASSWORD);

  // Act: then the name, confirmed with Enter.
  const typed = confirm.getByLabel(`Type ${name} to confirm`);
  await expect(typed).toBeFocused();
  await typed.fill(name);
  await typed.press('Enter');

  // Assert: the message is shown, focused and announced; the page shows the revoked token.
  await expect(confirm).toBeHidden();
  const message = page.getByTestId('revoke-outcome');
  await expect(message).toHaveText(`Token “${name}” revoked.`);
  await expect(message).toBeFocused();
  await expect(announcer(page)).toHaveText(`Token “${name}” revoked.`);
  await expect(page.getByTestId('token-status')).toHaveText('Revoked');
  await expect(page.getByTestId('revoked')).toHaveText(/ by Ada Admin$/);
  await expect(page.getByRole('button', { name: 'Revoke', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Regenerate', exact: true })).toHaveCount(0);
  await expect(page.locator('main')).not.toContainText(/regenerate/i);
  await expectApiError(await apiGet(request, '/api/articles', secret), 401, 'invalid_token');

  // Assert: the same after a reload (the server's page, not just the browser's).
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  await expect(page.getByTestId('token-status')).toHaveText('Revoked');
  await expect(page.locator('main')).not.toContainText(/regenerate/i);
});

test('Escape gives focus back to the button that opened the dialog, the password dialog too', async ({ page }) => {
  // Arrange
  const { id } = await createViaApi(page, uniqueName('Focus back'));
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  const regenerate = page.locator('#regenerate');
  const revoke = page.locator(`#revoke-${id}`);

  // Act + Assert: the regenerate dialog (opened from the keyboard).
  await regenerate.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: /^Regenerate/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(regenerate).toBeFocused();

  // Act + Assert: the revoke dialog.
  await revoke.click();
  await expect(page.getByRole('dialog', { name: /^Revoke/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(revoke).toBeFocused();

  // Act + Assert: the password dialog, when it is due, for both buttons.
  await forgetConfirmation(page);
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  for (const opener of [regenerate, revoke]) {
    await opener.click();
    await expect(passwordDialog(page)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(passwordDialog(page)).toBeHidden();
    await expect(opener).toBeFocused();
  }
});

test('an unused token says so instead of drawing an empty chart', async ({ page }) => {
  const { id } = await createViaApi(page, uniqueName('Unused'));
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
  await expect(page.locator('.chart-empty')).toHaveText('No requests in the last 30 days');
  await expect(page.locator('svg.chart')).toHaveCount(0);
  await expect(page.locator('.usage-summary')).toHaveText('0 requests, 0 refused, in the last 30 days.');
});

test('the usage chart has dates, a scale, a legend and a table for screen readers', async ({ page, request }) => {
  // Arrange: two allowed requests and one refused (a read-only token may not create).
  const { id, secret } = await createViaApi(page, uniqueName('Charted'));
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  expect((await apiGet(request, '/api/articles', secret)).status()).toBe(200);
  await expectApiError(await apiPost(request, '/api/articles', secret, { title: 'x' }), 403, 'insufficient_scope');

  // Act: usage is written in batches (every second in these tests): reload until it shows.
  await expect
    .poll(
      async () => {
        await gotoHydrated(page, `${TOKENS_PATH}/${id}`);
        return page.locator('.usage-summary').textContent();
      },
      { timeout: 15_000 },
    )
    .toBe('3 requests, 1 refused, in the last 30 days.');

  // Assert: the x axis names the first, middle and last day (today last), the y axis the
  // busiest day's count, and the legend both colours.
  const today = new Date();
  const short = today.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const days = page.getByTestId('x-axis').locator('span');
  await expect(days).toHaveCount(3);
  await expect(days.last()).toHaveText(short);
  await expect(days.first()).toHaveText(/^[A-Z][a-z]{2} \d{1,2}$/);
  await expect(page.getByTestId('y-max')).toHaveText('3');
  await expect(page.locator('.legend li')).toHaveText(['Allowed', 'Refused (401, 403)']);
  const colours = await page.evaluate(() => {
    const fill = (selector: string) => getComputedStyle(document.querySelector(selector)!).fill;
    const background = (selector: string) => getComputedStyle(document.querySelector(selector)!).backgroundColor;
    return {
      bar: fill('svg.chart .bar:not(.refused)'),
      refusedBar: fill('svg.chart .bar.refused'),
      allowed: background('.legend .swatch.allowed'),
      refused: background('.legend .swatch.refused'),
    };
  });
  expect(colours.allowed).toBe(colours.bar);
  expect(colours.refused).toBe(colours.refusedBar);

  // Assert: for screen readers, the chart is named and described, and each day is a row.
  const long = today.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const chart = page.getByRole('img', { name: '3 requests, 1 refused, in the last 30 days.' });
  await expect(chart).toHaveAccessibleDescription(`Busiest day: ${long}, 3 requests.`);
  const rows = page.getByTestId('usage-table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td')).toHaveText([long, '2', '0', '1']);
});
