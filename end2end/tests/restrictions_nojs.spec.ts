// A token's restrictions and metadata in the create and edit forms with JavaScript off
// (issue 14): the browser posts the fields itself and the server answers with pages. The
// same flows as restrictions-forms.spec.ts: every restriction set, changed and cleared,
// and refused under its own field with everything typed kept. Runs only in the
// `chromium-nojs` project (`javaScriptEnabled: false`).
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  TOKEN_PATTERN,
  createViaApi,
  expect,
  expectPath,
  listUrl,
  readRevealedToken,
  revealBanner,
  test,
  tokenRow,
  uniqueName,
  type Locator,
  type Page,
} from './fixtures';

const TOKEN_PAGE = new RegExp(`^https?://[^/]+${TOKENS_PATH}/(\\d+)$`);
const SAVED_MESSAGE = "Saved. The changes apply from the token's next request.";

/** Proves the page runs no script: the wasm marks the body once it has hydrated it. */
async function expectNoScript(page: Page): Promise<void> {
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', /.*/);
}

test.beforeEach(async ({ page }) => {
  await page.goto('/login');
  await expectNoScript(page);
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
});

function restrictionsFields(page: Page): Locator {
  return page.getByTestId('restrictions-fields');
}

function field(page: Page, label: string): Locator {
  return page.getByLabel(label, { exact: true });
}

/** The create form with a name, no expiry, read-only, and its restrictions opened (a
 * `<details>` opens without script). */
async function startCreateForm(page: Page, name: string): Promise<void> {
  await page.goto(NEW_TOKEN_PATH);
  await expectNoScript(page);
  await field(page, 'Name').fill(name);
  await field(page, 'Expires').selectOption({ label: 'Never' });
  await field(page, 'Token type').selectOption({ label: 'Read-only' });
  await expect(restrictionsFields(page)).not.toHaveAttribute('open', /.*/);
  await restrictionsFields(page).locator('summary').click();
  await expect(restrictionsFields(page)).toHaveAttribute('open', '');
}

test('a token made with every restriction without JavaScript shows them on its page and in the list', async ({
  page,
}) => {
  // Arrange
  const name = uniqueName('No script, restricted');
  await startCreateForm(page, name);

  // Act
  await field(page, 'Allowed networks').fill('10.0.0.0/8, 192.0.2.7');
  await field(page, 'Rate limit').fill('100');
  await field(page, 'Rate limit period').selectOption('minute');
  await field(page, 'Quota').fill('1000');
  await field(page, 'Quota refill').selectOption('daily');
  await field(page, 'Not before (UTC)').fill('2030-01-02T03:04');
  await field(page, 'Metadata (JSON)').fill('{"customer": "acme", "plan": "pro"}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the token's page reveals the value and lists every restriction.
  await expect(page).toHaveURL(TOKEN_PAGE);
  await expectNoScript(page);
  expect(await readRevealedToken(page)).toMatch(TOKEN_PATTERN);
  await expect(revealBanner(page).getByRole('heading')).toHaveText(`Token “${name}” created`);
  await expect(page.getByTestId('restriction-networks')).toContainText('10.0.0.0/8');
  await expect(page.getByTestId('restriction-networks')).toContainText('192.0.2.7/32');
  await expect(page.getByTestId('restriction-rate')).toContainText('100 requests per minute');
  await expect(page.getByTestId('restriction-quota')).toContainText('refills daily');
  await expect(page.getByTestId('restriction-start')).toContainText('2030-01-02 03:04 UTC');
  await expect(page.getByTestId('token-metadata')).toContainText('"customer": "acme"');

  // …and the list, in short.
  await page.goto(listUrl({ search: name }));
  await expect(tokenRow(page, name).getByTestId('restriction-chips').getByRole('listitem')).toHaveText([
    '2 networks',
    '100/min',
    'quota 1000/day',
    'from 2030-01-02 03:04 UTC',
  ]);
});

test('an edit without JavaScript changes one restriction and clears the others', async ({ page }) => {
  // Arrange: a restricted token (the request context needs no page script).
  const name = uniqueName('No script, edit restrictions');
  const { id } = await createViaApi(page, { name, type: 'read-only' });
  const restricted = await page.request.post('/rpc/update_token', {
    data: {
      id,
      patch: {
        restrictions: { allowed_networks: ['10.0.0.0/8'], quota: { requests: 500, refill: 'monthly' } },
        metadata: { plan: 'pro' },
      },
    },
  });
  expect(restricted.status(), await restricted.text()).toBe(200);
  await page.goto(`${TOKENS_PATH}/${id}/edit`);
  await expectNoScript(page);
  await expect(restrictionsFields(page)).toHaveAttribute('open', '');
  await expect(field(page, 'Allowed networks')).toHaveValue('10.0.0.0/8');
  await expect(field(page, 'Quota')).toHaveValue('500');
  await expect(field(page, 'Quota refill')).toHaveValue('monthly');
  await expect(field(page, 'Metadata (JSON)')).toHaveValue(/"plan": "pro"/);

  // Act: a rate limit added; the networks, quota and metadata cleared.
  await field(page, 'Allowed networks').fill('');
  await field(page, 'Rate limit').fill('3');
  await field(page, 'Rate limit period').selectOption('second');
  await field(page, 'Quota').fill('');
  await field(page, 'Metadata (JSON)').fill('');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(page.locator('#saved-notice')).toHaveText(SAVED_MESSAGE);
  await expect(page.getByTestId('restriction-rate')).toContainText('3 requests per second');
  await expect(page.getByTestId('restriction-networks')).toContainText('Any address');
  await expect(page.getByTestId('restriction-quota')).toHaveText('None');
  await expect(page.getByTestId('token-metadata')).toHaveText('None');
});

test('without JavaScript a bad range and bad metadata come back under their fields, with everything kept', async ({
  page,
}) => {
  // Arrange
  const name = uniqueName('No script, refused restrictions');
  await startCreateForm(page, name);
  await field(page, 'Allowed networks').fill('10.0.0.0/33');
  await field(page, 'Quota').fill('250');
  await field(page, 'Quota refill').selectOption('monthly');
  await field(page, 'Metadata (JSON)').fill('{"customer": acme}');

  // Act: JSON that does not parse is refused before anything reaches the core.
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the form again, open on the field to fix, every value in place.
  await expectPath(page, NEW_TOKEN_PATH);
  await expect(page.locator('#token-form-error')).toHaveText('Please correct the fields marked below.');
  await expect(restrictionsFields(page)).toHaveAttribute('open', '');
  await expect(page.locator('#metadata-error')).toContainText('Metadata is not valid JSON');
  await expect(field(page, 'Metadata (JSON)')).toHaveAttribute('aria-invalid', 'true');
  await expect(field(page, 'Metadata (JSON)')).toBeFocused();
  await expect(field(page, 'Metadata (JSON)')).toHaveValue('{"customer": acme}');
  await expect(field(page, 'Allowed networks')).toHaveValue('10.0.0.0/33');
  await expect(field(page, 'Quota')).toHaveValue('250');
  await expect(field(page, 'Quota refill')).toHaveValue('monthly');
  await expect(field(page, 'Name')).toHaveValue(name);
  await expect(field(page, 'Expires')).toHaveValue('unlimited');

  // Act: the JSON fixed; now the core judges the range.
  await field(page, 'Metadata (JSON)').fill('{"customer": "acme"}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert
  await expectPath(page, NEW_TOKEN_PATH);
  await expect(page.locator('#allowed_networks-error')).toHaveText(
    '`10.0.0.0/33` has an invalid prefix length: an IPv4 range takes /0 to /32.',
  );
  await expect(field(page, 'Allowed networks')).toBeFocused();
  await expect(field(page, 'Allowed networks')).toHaveValue('10.0.0.0/33');
  await expect(field(page, 'Metadata (JSON)')).toHaveValue('{"customer": "acme"}');
  await expect(field(page, 'Metadata (JSON)')).toHaveAttribute('aria-invalid', 'false');
  await expect(field(page, 'Quota')).toHaveValue('250');

  // Act + Assert: with a good range the same form goes through.
  await field(page, 'Allowed networks').fill('10.0.0.0/8');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(TOKEN_PAGE);
  await expect(page.getByTestId('restriction-quota')).toContainText('refills monthly');
  await expect(page.getByTestId('token-metadata')).toContainText('"customer": "acme"');
});

test('a refused edit without JavaScript keeps the restrictions typed', async ({ page }) => {
  // Arrange
  const name = uniqueName('No script, refused edit');
  const { id } = await createViaApi(page, { name, type: 'read-only' });
  await page.goto(`${TOKENS_PATH}/${id}/edit`);
  await expectNoScript(page);
  await restrictionsFields(page).locator('summary').click();

  // Act: a rate that is not a number, and a range with host bits set.
  await field(page, 'Rate limit').fill('lots');
  await field(page, 'Allowed networks').fill('10.0.0.1/8');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the page's own message for the rate; the range waits for the core.
  await expectPath(page, `${TOKENS_PATH}/${id}/edit`);
  await expect(page.locator('#rate_limit-error')).toContainText('whole number');
  await expect(field(page, 'Rate limit')).toBeFocused();
  await expect(field(page, 'Rate limit')).toHaveValue('lots');
  await expect(field(page, 'Allowed networks')).toHaveValue('10.0.0.1/8');

  // Act + Assert: a number; now the core says what the range should be.
  await field(page, 'Rate limit').fill('60');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('#allowed_networks-error')).toHaveText(
    '`10.0.0.1/8` has bits set after the prefix: did you mean 10.0.0.0/8?',
  );
  await expect(field(page, 'Rate limit')).toHaveValue('60');
  await expect(field(page, 'Allowed networks')).toHaveValue('10.0.0.1/8');
});
