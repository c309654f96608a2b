import { TOKENS_PATH, expect, expectPath, gotoHydrated, signIn, test, type AllowedConsoleError } from './fixtures';

// Wrong passwords are the point here: their 401s and the final 429 are expected.
test.use({
  allowedConsoleErrors: [
    ((message) => /^Failed to load resource: the server responded with a status of (401|429)\b/.test(message.text())) as AllowedConsoleError,
  ],
});

test('after five wrong passwords an account waits, and says for how long', async ({ page }) => {
  // Arrange: an address nobody has (unknown accounts are throttled like known ones).
  const email = `throttled-${Date.now()}@example.com`;
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  const password = page.getByLabel('Password', { exact: true });
  const signIn = page.getByRole('button', { name: 'Sign in', exact: true });

  // Act: five wrong passwords…
  for (let attempt = 1; attempt <= 5; attempt++) {
    await password.fill(`wrong password ${attempt}`);
    const answer = page.waitForResponse((r) => r.url().endsWith('/rpc/sign_in'));
    await signIn.click();
    expect((await answer).status()).toBe(401);
    await expect(page.getByText('Email or password is incorrect.')).toBeVisible();
  }

  // …then a sixth.
  await password.fill('and one more');
  const answer = page.waitForResponse((r) => r.url().endsWith('/rpc/sign_in'));
  await signIn.click();

  // Assert
  const refused = await answer;
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()['retry-after'])).toBeGreaterThan(0);
  await expect(page.getByText('Too many failed sign-ins. Try again in 15 minutes.')).toBeVisible();
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
