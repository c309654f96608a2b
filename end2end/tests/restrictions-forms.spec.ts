// A token's restrictions and metadata in the create and edit forms, "copy as new" and the
// token list (issue 14): every restriction typed in, seen in the list's short form and on
// the token's page; changed and cleared by an edit; carried by a copy; refused under its
// own field with nothing typed lost; and suspending several tokens at once from the list.
// The same forms without JavaScript: restrictions_nojs.spec.ts.
import {
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  apiGet,
  createViaApi,
  expect,
  expectPath,
  gotoHydrated,
  listUrl,
  revealBanner,
  signIn,
  test,
  tokenRow,
  uniqueName,
  waitForHydration,
  type ApiError,
  type Created,
  type Locator,
  type Page,
} from './fixtures';

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

const SAVED_MESSAGE = "Saved. The changes apply from the token's next request.";

/** The create and edit forms' collapsible restrictions. */
function restrictionsFields(page: Page): Locator {
  return page.getByTestId('restrictions-fields');
}

/** Opens the collapsed restrictions (they start collapsed while none is set). */
async function openRestrictions(page: Page): Promise<void> {
  await expect(restrictionsFields(page)).not.toHaveAttribute('open', /.*/);
  await restrictionsFields(page).locator('summary').click();
  await expect(restrictionsFields(page)).toHaveAttribute('open', '');
}

type RestrictionInput = {
  networks?: string;
  rate?: string;
  per?: 'second' | 'minute' | 'hour';
  quota?: string;
  refill?: '' | 'daily' | 'monthly';
  /** A datetime-local value, read as UTC. */
  notBefore?: string;
  metadata?: string;
};

async function fillRestrictions(page: Page, input: RestrictionInput): Promise<void> {
  if (input.networks !== undefined) await page.getByLabel('Allowed networks', { exact: true }).fill(input.networks);
  if (input.rate !== undefined) await page.getByLabel('Rate limit', { exact: true }).fill(input.rate);
  if (input.per !== undefined) await page.getByLabel('Rate limit period', { exact: true }).selectOption(input.per);
  if (input.quota !== undefined) await page.getByLabel('Quota', { exact: true }).fill(input.quota);
  if (input.refill !== undefined) await page.getByLabel('Quota refill', { exact: true }).selectOption(input.refill);
  if (input.notBefore !== undefined) await page.getByLabel('Not before (UTC)', { exact: true }).fill(input.notBefore);
  if (input.metadata !== undefined) await page.getByLabel('Metadata (JSON)', { exact: true }).fill(input.metadata);
}

/** Starts the create form with a name, no expiry and read-only access. */
async function startCreateForm(page: Page, name: string): Promise<void> {
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'Never' });
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: 'Read-only' });
}

/** Save on the create form, then the list with the new value, copied (so leaving is quiet). */
async function saveNewToken(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
  await expect(revealBanner(page)).toBeVisible();
  await revealBanner(page).getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(revealBanner(page).getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
}

/** The restriction chips of the token's row in the list. */
function chips(page: Page, name: string): Locator {
  return tokenRow(page, name).getByTestId('restriction-chips').getByRole('listitem');
}

/** A token made through the admin API, then restricted as an edit would (the page's own
 * server function), so each test starts from what it needs. */
async function restrictedToken(
  page: Page,
  name: string,
  restrictions: Record<string, unknown>,
  metadata: Record<string, unknown>,
): Promise<number> {
  const { id } = await createViaApi(page, { name, type: 'read-only' });
  const response = await page.request.post('/rpc/update_token', { data: { id, patch: { restrictions, metadata } } });
  expect(response.status(), await response.text()).toBe(200);
  return id;
}

const EVERY_RESTRICTION = {
  networks: '10.0.0.0/8\n192.0.2.7',
  rate: '100',
  per: 'minute',
  quota: '1000',
  refill: 'daily',
  notBefore: '2030-01-02T03:04',
  metadata: '{"customer": "acme", "plan": "pro"}',
} as const;
const EVERY_RESTRICTION_CHIPS = ['2 networks', '100/min', 'quota 1000/day', 'from 2030-01-02 03:04 UTC'];

test('a token made with every restriction shows them in the list and on its page', async ({ page }) => {
  // Arrange
  const name = uniqueName('Restricted');
  await startCreateForm(page, name);
  await openRestrictions(page);

  // Act
  await fillRestrictions(page, EVERY_RESTRICTION);
  await saveNewToken(page);

  // Assert: the list's short form…
  await expect(chips(page, name)).toHaveText(EVERY_RESTRICTION_CHIPS);
  await expect(tokenRow(page, name).locator('td.status .badge')).toHaveText('Active');

  // …and the token's page, in words, with the networks written canonically.
  await tokenRow(page, name).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByTestId('restriction-networks')).toContainText('10.0.0.0/8');
  await expect(page.getByTestId('restriction-networks')).toContainText('192.0.2.7/32');
  await expect(page.getByTestId('restriction-rate')).toContainText('100 requests per minute');
  await expect(page.getByTestId('restriction-quota')).toContainText('1,000');
  await expect(page.getByTestId('restriction-quota')).toContainText('refills daily');
  await expect(page.getByTestId('restriction-start')).toContainText('2030-01-02 03:04 UTC');
  await expect(page.getByTestId('token-metadata')).toContainText('"customer": "acme"');
  await expect(page.getByTestId('token-metadata')).toContainText('"plan": "pro"');
});

test('an edit shows the restrictions, changes one and clears the others', async ({ page }) => {
  // Arrange
  const name = uniqueName('Edit restrictions');
  const id = await restrictedToken(
    page,
    name,
    {
      allowed_networks: ['10.0.0.0/8'],
      rate_limit: { requests: 10, per: 'second' },
      quota: { requests: 500, refill: 'monthly' },
      not_before: '2026-01-01T00:00:00Z',
    },
    { plan: 'pro' },
  );
  await gotoHydrated(page, `${TOKENS_PATH}/${id}/edit`);

  // Assert: open, since something is set, and filled in from the token.
  await expect(restrictionsFields(page)).toHaveAttribute('open', '');
  await expect(page.getByLabel('Allowed networks', { exact: true })).toHaveValue('10.0.0.0/8');
  await expect(page.getByLabel('Rate limit', { exact: true })).toHaveValue('10');
  await expect(page.getByLabel('Rate limit period', { exact: true })).toHaveValue('second');
  await expect(page.getByLabel('Quota', { exact: true })).toHaveValue('500');
  await expect(page.getByLabel('Quota refill', { exact: true })).toHaveValue('monthly');
  await expect(page.getByLabel('Not before (UTC)', { exact: true })).toHaveValue('2026-01-01T00:00');
  await expect(page.getByLabel('Metadata (JSON)', { exact: true })).toHaveValue(/"plan": "pro"/);

  // Act: a new rate; every other restriction and the metadata cleared.
  await fillRestrictions(page, {
    networks: '',
    rate: '20',
    per: 'hour',
    quota: '',
    notBefore: '',
    metadata: '',
  });
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: saved; only the rate limit is left.
  await expectPath(page, `${TOKENS_PATH}/${id}`);
  await expect(page.locator('#saved-notice')).toHaveText(SAVED_MESSAGE);
  await expect(page.getByTestId('restriction-rate')).toContainText('20 requests per hour');
  await expect(page.getByTestId('restriction-networks')).toContainText('Any address');
  await expect(page.getByTestId('restriction-quota')).toHaveText('None');
  await expect(page.getByTestId('restriction-start')).toContainText('Right away');
  await expect(page.getByTestId('token-metadata')).toHaveText('None');
  await gotoHydrated(page, listUrl({ search: name }));
  await expect(chips(page, name)).toHaveText(['20/h']);

});

test('copy as new carries the restrictions and the metadata', async ({ page }) => {
  // Arrange
  const name = uniqueName('Copied restrictions');
  const id = await restrictedToken(
    page,
    name,
    { allowed_networks: ['2001:db8::/32'], quota: { requests: 42 } },
    { customer: 'acme' },
  );
  await gotoHydrated(page, `${TOKENS_PATH}/${id}`);

  // Act
  await page.getByRole('link', { name: 'Copy as new', exact: true }).click();
  await expectPath(page, NEW_TOKEN_PATH);
  await waitForHydration(page);

  // Assert: the form starts from them…
  await expect(page.getByTestId('copied-from')).toContainText(name);
  await expect(restrictionsFields(page)).toHaveAttribute('open', '');
  await expect(page.getByLabel('Allowed networks', { exact: true })).toHaveValue('2001:db8::/32');
  await expect(page.getByLabel('Quota', { exact: true })).toHaveValue('42');
  await expect(page.getByLabel('Quota refill', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Rate limit', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Metadata (JSON)', { exact: true })).toHaveValue(/"customer": "acme"/);

  // …and the copy has them.
  await saveNewToken(page);
  await expect(chips(page, `${name} (copy)`)).toHaveText(['2001:db8::/32', 'quota 42']);
  await tokenRow(page, `${name} (copy)`).getByRole('link').click();
  await expect(page.getByTestId('token-metadata')).toContainText('"customer": "acme"');
});

test('a bad range and bad metadata are refused under their fields, keeping what was typed', async ({ page }) => {
  // Arrange
  const name = uniqueName('Refused restrictions');
  await startCreateForm(page, name);
  await openRestrictions(page);
  await fillRestrictions(page, {
    networks: '10.0.0.0/33',
    rate: '5',
    per: 'second',
    metadata: '{"customer": "acme",}',
  });
  const networks = page.getByLabel('Allowed networks', { exact: true });
  const metadata = page.getByLabel('Metadata (JSON)', { exact: true });

  // Act: JSON that does not parse can't be sent; the page says so before asking the server.
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the message says what to fix, and focus is on the field.
  await expectPath(page, NEW_TOKEN_PATH);
  await expect(page.locator('#metadata-error')).toContainText('Metadata is not valid JSON');
  await expect(page.locator('#metadata-error')).toContainText('line 1 column');
  await expect(metadata).toHaveAttribute('aria-invalid', 'true');
  await expect(metadata).toBeFocused();
  await expect(metadata).toHaveValue('{"customer": "acme",}');
  await expect(networks).toHaveValue('10.0.0.0/33');

  // Act: fixed JSON; the server judges the range.
  await metadata.fill('{"customer": "acme"}');
  await page.getByRole('button', { name: 'Save', exact: true }).click();

  // Assert: the core's message, under the networks; nothing typed is lost.
  await expect(page.locator('#allowed_networks-error')).toHaveText(
    '`10.0.0.0/33` has an invalid prefix length: an IPv4 range takes /0 to /32.',
  );
  await expect(networks).toHaveAttribute('aria-invalid', 'true');
  await expect(networks).toBeFocused();
  await expect(metadata).toHaveAttribute('aria-invalid', 'false');
  await expect(page.locator('#metadata-error')).toHaveText('');
  await expect(networks).toHaveValue('10.0.0.0/33');
  await expect(metadata).toHaveValue('{"customer": "acme"}');
  await expect(page.getByLabel('Rate limit', { exact: true })).toHaveValue('5');
  await expect(page.getByLabel('Rate limit period', { exact: true })).toHaveValue('second');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);

  // Act + Assert: a good range goes through.
  await networks.fill('10.0.0.0/8');
  await saveNewToken(page);
  await expect(chips(page, name)).toHaveText(['10.0.0.0/8', '5/s']);
});

test('suspending two selected tokens: both show Suspended, the filter finds them, the door refuses them', async ({
  page,
  request,
}) => {
  // Arrange: three tokens, two of them to suspend.
  const prefix = uniqueName('Bulk suspend');
  const made: Created[] = [];
  for (const n of [1, 2, 3]) {
    made.push(await createViaApi(page, { name: `${prefix} ${n}`, type: 'read-only' }));
  }
  await gotoHydrated(page, listUrl({ search: prefix, sort: 'name' }));
  const box = (n: number) => page.getByRole('checkbox', { name: `Select ${prefix} ${n}`, exact: true });

  // Act: select 1 and 2, Suspend selected, give a reason.
  await box(1).check();
  await box(2).check();
  const suspendSelected = page.getByRole('button', { name: 'Suspend selected (2)', exact: true });
  await suspendSelected.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Suspend 2 tokens?' })).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveText([`${prefix} 1`, `${prefix} 2`]);
  const reason = dialog.getByLabel('Reason (optional)', { exact: true });
  await expect(reason).toBeFocused();
  await reason.fill('rotating the partner keys');
  await dialog.getByRole('button', { name: 'Suspend 2 tokens', exact: true }).click();

  // Assert: the message, focused; both rows suspended, the third untouched.
  await expect(dialog).toBeHidden();
  const outcome = page.getByTestId('suspend-outcome');
  await expect(outcome).toHaveText(`2 tokens suspended: ${prefix} 1, ${prefix} 2.`);
  await expect(outcome).toBeFocused();
  for (const n of [1, 2]) {
    await expect(tokenRow(page, `${prefix} ${n}`).locator('td.status')).toHaveText('Suspended');
    await expect(tokenRow(page, `${prefix} ${n}`).locator('td.status .badge')).toHaveAttribute(
      'title',
      'rotating the partner keys',
    );
  }
  await expect(tokenRow(page, `${prefix} 3`).locator('td.status')).toHaveText('Active');
  for (const { secret } of made.slice(0, 2)) {
    const refused = await apiGet(request, '/api/articles', secret);
    expect(refused.status()).toBe(401);
    expect(((await refused.json()) as ApiError).error.code).toBe('token_suspended');
  }
  expect((await apiGet(request, '/api/articles', made[2]!.secret)).status()).toBe(200);

  // The status filter finds exactly them.
  await page.getByLabel('Status', { exact: true }).selectOption('suspended');
  await expect(page.locator('table.tokens td.name')).toHaveText([`${prefix} 1`, `${prefix} 2`]);

  // Suspending one again is reported, not hidden.
  await box(1).check();
  await page.getByRole('button', { name: 'Suspend selected (1)', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Suspend 1 token', exact: true }).click();
  await expect(page.getByTestId('suspend-outcome').locator('p')).toHaveText('Could not suspend 1 token:');
  await expect(page.getByTestId('suspend-outcome').getByRole('listitem')).toHaveText(
    `${prefix} 1: The token is already suspended.`,
  );
});
