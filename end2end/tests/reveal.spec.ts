import { execSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  ADMIN_PASSWORD,
  TOKENS_PATH,
  expect,
  expectPath,
  gotoHydrated,
  readRevealedToken,
  revealBanner,
  signIn,
  submitTokenForm,
  test,
  uniqueName,
  waitForHydration,
  type Page,
  type TokenForm,
} from './fixtures';

// The one-time reveal after create and regenerate (its examples run as shown, Copy, Done,
// the warning on leaving), and the bell's part in it: your own creations are not news.

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

/**
 * Creates a token and stays on the reveal without copying anything (the fixtures'
 * `createToken` copies the value, as an admin would, so its callers may leave freely).
 */
async function reveal(page: Page, form: TokenForm): Promise<string> {
  await submitTokenForm(page, form);
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
  await expect(revealBanner(page)).toBeVisible();
  return readRevealedToken(page);
}

/** The example lines exactly as the banner shows them. */
async function shownExamples(page: Page): Promise<{ exportLine: string; request: string }> {
  const banner = revealBanner(page);
  const text = (testId: string) =>
    banner.getByTestId(testId).evaluate((element) => element.textContent ?? '');
  return { exportLine: await text('example-export'), request: await text('example-request') };
}

/**
 * Runs `lines` in bash, one after the other as pasted into a terminal, and returns the HTTP
 * status of the curl among them. The lines are run unchanged: a `.curlrc` of a throwaway
 * home makes curl print only the status, and no proxy may take the local request.
 */
async function runInShell(lines: string[]): Promise<number> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'tollgate-curl-'));
  try {
    await fs.writeFile(
      path.join(home, '.curlrc'),
      ['silent', 'show-error', 'noproxy = "*"', 'output = "/dev/null"', 'write-out = "%{http_code}"', ''].join('\n'),
    );
    const output = execSync(lines.join('\n'), {
      shell: '/bin/bash',
      env: { PATH: process.env.PATH, HOME: home, CURL_HOME: home },
      encoding: 'utf8',
      timeout: 15_000,
    });
    return Number(output.trim());
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}

/** Collects every dialog the page opens (and dismisses it), to assert that none did. */
function recordDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (dialog) => {
    seen.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

const LEAVE_QUESTION = 'Leave without copying the token? Its value will not be shown again.';

test("a read-only token's examples run as shown, and each copy button copies exactly what it shows", async ({
  page,
}) => {
  // Arrange
  const token = await reveal(page, { name: uniqueName('Example read'), duration: '7 days', type: 'Read-only' });

  // Act
  const { exportLine, request } = await shownExamples(page);

  // Assert: the value is in the export line only; the request reads it from $TOKEN.
  expect(exportLine).toBe(`export TOKEN='${token}'`);
  expect(request).toMatch(/^curl -H "Authorization: Bearer \$TOKEN" http:\/\/127\.0\.0\.1:\d+\/api\/articles$/);
  expect(request).not.toContain(token);
  await expect(revealBanner(page)).toContainText('read -rs TOKEN');
  expect(await runInShell([exportLine, request])).toBe(200);

  const banner = revealBanner(page);
  await banner.getByRole('button', { name: /^Copy\s+the export line$/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(exportLine);
  await banner.getByRole('button', { name: /^Copy\s+the request$/ }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(request);
});

test("a custom write-only token's example posts a document the API accepts", async ({ page }) => {
  // Arrange: a token that may only create articles: POST with a JSON body.
  await reveal(page, {
    name: uniqueName('Example write'),
    duration: '7 days',
    type: 'Custom',
    permissions: ['articles create'],
  });

  // Act
  const { exportLine, request } = await shownExamples(page);

  // Assert
  expect(request).toContain('-X POST ');
  expect(request).toContain("-H 'Content-Type: application/json' -d '{");
  expect(await runInShell([exportLine, request])).toBe(201);
});

test('the reveal takes focus and is announced; "Copied" is announced and resets', async ({ page }) => {
  // Arrange + Act
  const name = uniqueName('Focus');
  const token = await reveal(page, { name, duration: '7 days', type: 'Read-only' });

  // Assert: focus on the banner's heading, and the reveal said in the live region.
  await expect(revealBanner(page).getByRole('heading', { name: `Token “${name}” created` })).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText(
    `Token “${name}” created. Copy it now; it will not be shown again.`,
  );

  // Act + Assert: Copy says so, out loud too, and offers to copy again a moment later.
  const banner = revealBanner(page);
  await banner.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(banner.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  await expect(page.locator('#announcer')).toHaveText('Copied to clipboard');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(banner.getByRole('button', { name: 'Copy', exact: true })).toBeVisible({ timeout: 5_000 });
  await expect(banner.getByRole('button', { name: 'Copied', exact: true })).toHaveCount(0);
});

test('Done dismisses the reveal, focus stays in the page, and leaving no longer asks', async ({ page }) => {
  // Arrange
  const token = await reveal(page, { name: uniqueName('Done'), duration: '7 days', type: 'Read-only' });
  const dialogs = recordDialogs(page);

  // Act
  await revealBanner(page).getByRole('button', { name: 'Done', exact: true }).click();

  // Assert: gone for good (not just hidden), focus on the new row or the main region.
  await expect(revealBanner(page)).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.id ?? ''))
    .toMatch(/^(token-\d+|main)$/);
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
  await expectPath(page, '/settings/audit-log');
  expect(dialogs).toEqual([]);
});

test('following a link before the value was copied asks first, and staying keeps the value', async ({ page }) => {
  // Arrange
  const token = await reveal(page, { name: uniqueName('Leave'), duration: '7 days', type: 'Read-only' });
  const auditLog = page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' });

  // Act: say "stay".
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });
  await auditLog.click();

  // Assert: asked, and still here with the value.
  expect(await asked).toBe(`confirm: ${LEAVE_QUESTION}`);
  await expectPath(page, TOKENS_PATH);
  expect(await readRevealedToken(page)).toBe(token);

  // Act: say "leave".
  page.once('dialog', (dialog) => void dialog.accept());
  await auditLog.click();

  // Assert
  await expectPath(page, '/settings/audit-log');
  await expect(revealBanner(page)).toHaveCount(0);
});

test('closing or reloading the page before the value was copied asks the browser to confirm', async ({ page }) => {
  // Arrange
  await reveal(page, { name: uniqueName('Unload'), duration: '7 days', type: 'Read-only' });

  // Act: the page's unload handlers run, and the admin chooses to stay.
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.type());
      void dialog.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });

  // Assert
  expect(await asked).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
  await expect(revealBanner(page)).toBeVisible();
});

test('once the value was copied or downloaded, leaving asks nothing', async ({ page }) => {
  const dialogs = recordDialogs(page);
  const nav = page.getByRole('navigation', { name: 'Settings' });

  // Copied: follow a link freely.
  await reveal(page, { name: uniqueName('Copied'), duration: '7 days', type: 'Read-only' });
  await revealBanner(page).getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.locator('#announcer')).toHaveText('Copied to clipboard');
  await nav.getByRole('link', { name: 'Audit log' }).click();
  await expectPath(page, '/settings/audit-log');

  // Downloaded: reload freely.
  await gotoHydrated(page, `${TOKENS_PATH}/new`);
  await reveal(page, { name: uniqueName('Downloaded'), duration: '7 days', type: 'Read-only' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    revealBanner(page).getByRole('link', { name: 'Download', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^tollgate-token-downloaded-\d+-\d+\.txt$/);
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => page.isClosed()).toBe(true);
  expect(dialogs).toEqual([]);
});

test('regenerating moves focus to the new value and announces it', async ({ page }) => {
  // Arrange: a token of our own, on its page (Done first, so leaving does not ask).
  const name = uniqueName('Regenerate focus');
  await reveal(page, { name, duration: '7 days', type: 'Read-only' });
  await revealBanner(page).getByRole('button', { name: 'Done', exact: true }).click();
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

  // Act
  await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Regenerate', exact: true }).click();

  // Assert
  const heading = revealBanner(page).getByRole('heading', { name: `Token “${name}” regenerated` });
  await expect(heading).toBeFocused();
  await expect(page.locator('#announcer')).toHaveText(
    `Token “${name}” regenerated. Copy it now; it will not be shown again.`,
  );

  // Act + Assert: Done there too.
  await revealBanner(page).getByRole('button', { name: 'Done', exact: true }).click();
  await expect(revealBanner(page)).toHaveCount(0);
  await expect(page.locator('#main')).toBeFocused();
});

test.describe('the bell', () => {
  const bell = (page: Page) => page.getByRole('button', { name: /^Notifications/ });
  const panel = (page: Page) => page.getByRole('region', { name: 'Notifications' });

  test('is unavailable until the page is hydrated', async ({ page }) => {
    // Arrange: hold the wasm back until the bell was looked at.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });

    // Act
    await page.goto(TOKENS_PATH, { waitUntil: 'domcontentloaded' });

    // Assert
    await expect(bell(page)).toBeDisabled();
    release();
    await waitForHydration(page);
    await expect(bell(page)).toBeEnabled();
  });

  test("your own new token is listed but is not unread news; another admin's is", async ({ page, browser }) => {
    // Arrange: a second administrator, signed in elsewhere.
    const grace = { email: `grace-${Date.now()}@example.com`, name: uniqueName('Grace') };
    await gotoHydrated(page, '/settings/administrators');
    await page.getByRole('button', { name: 'Add administrator', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(grace.email);
    await page.getByLabel('Name', { exact: true }).fill(grace.name);
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Super Admin' });
    await page.getByLabel('Initial password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('row').filter({ hasText: grace.name })).toHaveCount(1);
    const elsewhere = await browser.newContext();
    const gracePage = await elsewhere.newPage();
    await signIn(gracePage, grace.email);

    // Act: Ada creates one.
    await gotoHydrated(page, `${TOKENS_PATH}/new`);
    const mine = uniqueName('Mine');
    await reveal(page, { name: mine, duration: '7 days', type: 'Read-only' });

    // Assert: listed for Ada, but no unread count; Grace hears of it.
    await expect(page.getByTestId('unread-count')).toHaveCount(0);
    await bell(page).click();
    const news = panel(page).getByRole('listitem').filter({ hasText: `“${mine}”` });
    await expect(news).toHaveCount(1);
    await expect(news).not.toHaveClass(/unread/);
    await gracePage.reload();
    await waitForHydration(gracePage);
    await expect(gracePage.getByTestId('unread-count')).toHaveText(', 1 unread');

    // Act + Assert: Escape closes the panel and hands focus back to the bell (W3C
    // disclosure pattern).
    await page.keyboard.press('Escape');
    await expect(panel(page)).toBeHidden();
    await expect(bell(page)).toBeFocused();

    // Act + Assert: Grace marks it read, and is told so.
    await bell(gracePage).click();
    await panel(gracePage).getByRole('button', { name: 'Mark all read' }).click();
    await expect(gracePage.locator('#announcer')).toHaveText('All notifications marked read.');
    await expect(gracePage.getByTestId('unread-count')).toHaveCount(0);
    await elsewhere.close();
  });
});
