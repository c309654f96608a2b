import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  NEW_TOKEN_PATH,
  TOKENS_PATH,
  expect,
  expectPath,
  gotoHydrated,
  signIn,
  test,
  type AllowedConsoleError,
  type Page,
} from './fixtures';

// Wrong passwords are the point here: their 401s and the final 429 are expected.
test.use({
  allowedConsoleErrors: [
    ((message) => /^Failed to load resource: the server responded with a status of (401|429)\b/.test(message.text())) as AllowedConsoleError,
  ],
});

const RESET_COMMAND = 'tollgate admin reset-password --email <email>';

/** Types `password` for `email` on the hydrated sign-in page and waits for the answer's status. */
async function tryPassword(page: Page, password: string): Promise<number> {
  await page.getByLabel('Password', { exact: true }).fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/rpc/sign_in'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  return (await answer).status();
}

test('wrong passwords warn before the lock, and the lock says when it ends and the way out', async ({ page }) => {
  // Arrange: an address nobody has (unknown accounts are throttled like known ones).
  const email = `throttled-${Date.now()}@example.com`;
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  const message = page.locator('#sign-in-error');
  const announcer = page.locator('#announcer');
  const password = page.getByLabel('Password', { exact: true });

  // Act + Assert: the first two say only that it was wrong…
  for (const attempt of [1, 2]) {
    expect(await tryPassword(page, `wrong password ${attempt}`)).toBe(401);
    await expect(message).toHaveText('Email or password is incorrect.');
  }
  // …and each refusal empties the password, outlines the fields, focuses the password
  // to type again, and is announced.
  await expect(password).toHaveValue('');
  await expect(password).toBeFocused();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(announcer).toHaveText('Email or password is incorrect.');

  // The last ones count down.
  expect(await tryPassword(page, 'wrong password 3')).toBe(401);
  const twoLeft = 'Email or password is incorrect. 2 attempts left before sign-in is locked for 15 minutes.';
  await expect(message).toHaveText(twoLeft);
  await expect(announcer).toHaveText(twoLeft);
  expect(await tryPassword(page, 'wrong password 4')).toBe(401);
  await expect(message).toHaveText('Email or password is incorrect. 1 attempt left before sign-in is locked for 15 minutes.');
  expect(await tryPassword(page, 'wrong password 5')).toBe(401);
  await expect(message).toContainText('That was the last attempt: sign-in is now locked');
  await expect(message).toContainText(RESET_COMMAND);

  // Then it waits, says until when, and names the way out; focus goes to the message.
  const status = await tryPassword(page, 'and one more');
  expect(status).toBe(429);
  await expect(message).toContainText(/^Too many failed sign-ins\. Try again in 15 minutes, at \d\d:\d\d UTC\./);
  await expect(message).toContainText(RESET_COMMAND);
  await expect(message).toBeFocused();
  await expect(announcer).toContainText('Too many failed sign-ins.');
});

test('both sign-in pages name the product', async ({ page }) => {
  await gotoHydrated(page, '/login');
  await expect(page.locator('.auth-brand')).toHaveText('Tollgate');
  await expect(page).toHaveTitle('Sign in · Tollgate');
});

test('a link opened while signed out returns there after sign-in', async ({ page }) => {
  // Arrange: signed out, a link to a page of the panel.
  await page.goto(NEW_TOKEN_PATH);
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fapi-tokens%2Fnew$/);

  // Act
  await signInHere(page);

  // Assert
  await expectPath(page, NEW_TOKEN_PATH);
});

test('a next that leads off the site is ignored', async ({ page }) => {
  for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await signInHere(page);
    await expectPath(page, TOKENS_PATH);
  }
});

test('signing out says so, and is announced', async ({ page }) => {
  // Arrange
  await signIn(page);

  // Act
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  // Assert
  await expectPath(page, '/login');
  await expect(page.locator('#signed-out')).toHaveText('You have signed out.');
  await expect(page.locator('#announcer')).toHaveText('You have signed out.');
  await page.goto(TOKENS_PATH);
  await expectPath(page, '/login');
});

test('the skip link is the first Tab stop and leads straight to the page', async ({ page }) => {
  // Arrange
  await signIn(page);
  await gotoHydrated(page, NEW_TOKEN_PATH);

  // Act + Assert: the first Tab reaches "Skip to content", Enter moves focus to main…
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();

  // …from where the form's Name field is a few Tabs away (it took 11 from the top).
  const name = page.getByLabel('Name', { exact: true });
  let tabs = 0;
  while (!(await name.evaluate((el) => el === document.activeElement)) && tabs < 11) {
    await page.keyboard.press('Tab');
    tabs += 1;
  }
  await expect(name).toBeFocused();
  expect(tabs).toBeLessThanOrEqual(3);
});

test('on a phone the header stays compact, with the pages, bell and account in reach', async ({ page }) => {
  // Arrange
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);

  // Assert: about two rows (it was ~200 px), and nothing scrolls sideways.
  const header = await page.locator('header.topbar').boundingBox();
  expect(header!.height).toBeLessThanOrEqual(110);
  const nav = page.getByRole('navigation', { name: 'Settings' });
  await expect(nav.getByRole('link', { name: 'Audit log' })).toBeAttached();
  await expect(page.getByRole('button', { name: /^Notifications/ })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeInViewport();
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(sideways).toBe(false);

  // The last page link is reachable by scrolling the row (as Tab does).
  const audit = nav.getByRole('link', { name: 'Audit log' });
  await audit.scrollIntoViewIfNeeded();
  await expect(audit).toBeInViewport();
});

test('signing out everywhere ends the sessions of every browser', async ({ page, browser }) => {
  // Arrange: signed in here and in a second browser.
  await signIn(page);
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await signIn(other);

  // Act
  await gotoHydrated(page, '/settings/profile');
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();

  // Assert: this browser is at the sign-in page, and so is the other one on its next visit.
  await expectPath(page, '/login');
  await other.goto(TOKENS_PATH);
  await expectPath(other, '/login');
  await elsewhere.close();
});

/** Signs in as Ada on the sign-in page already open (whatever its query). */
async function signInHere(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
