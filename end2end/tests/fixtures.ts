import {
  test as base,
  expect,
  type APIRequestContext,
  type APIResponse,
  type ConsoleMessage,
  type Locator,
  type Page,
} from '@playwright/test';

export { expect };
export type { Locator, Page } from '@playwright/test';

// ---------------------------------------------------------------------------------------------
// The administrator created by setup.spec.ts and used by every other test.
// ---------------------------------------------------------------------------------------------

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_NAME = 'Ada Admin';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export const TOKENS_PATH = '/settings/api-tokens';
export const NEW_TOKEN_PATH = '/settings/api-tokens/new';

/** A full token as revealed once: `tg_` + 38 base62 characters. */
export const TOKEN_PATTERN = /^tg_[0-9A-Za-z]{38}$/;

// ---------------------------------------------------------------------------------------------
// Fixtures: fail any test during which the page threw or logged a console error.
// ---------------------------------------------------------------------------------------------

/**
 * Console errors that are part of a test's expected behaviour rather than a bug.
 *
 * By default: Chromium logs "Failed to load resource: the server responded with a status of
 * 4xx" for every non-2xx fetch, so a server function that refuses a form (validation, wrong
 * password) with a 4xx status shows up as a console error. Those are the refusals the tests
 * provoke on purpose; a 5xx, any other console error and every uncaught page error still
 * fail the test.
 */
export type AllowedConsoleError = (message: ConsoleMessage) => boolean;

export const refusedServerFunction: AllowedConsoleError = (message) =>
  /^Failed to load resource: the server responded with a status of 4\d\d\b/.test(message.text()) &&
  new URL(message.location().url || 'about:blank').pathname.startsWith('/rpc/');

type Fixtures = {
  /** Override with `test.use({ allowedConsoleErrors: [...] })`. */
  allowedConsoleErrors: AllowedConsoleError[];
  failOnBrowserErrors: void;
};

export const test = base.extend<Fixtures>({
  allowedConsoleErrors: [[refusedServerFunction], { option: true }],

  failOnBrowserErrors: [
    async ({ page, allowedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (error) => {
        errors.push(`pageerror: ${error.name}: ${error.message}`);
      });
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        if (allowedConsoleErrors.some((allowed) => allowed(message))) return;
        const where = message.location().url;
        errors.push(`console.error: ${message.text()}${where ? ` (at ${where})` : ''}`);
      });

      await use();

      expect(errors, 'the page threw or logged errors').toEqual([]);
    },
    { auto: true },
  ],
});

// ---------------------------------------------------------------------------------------------
// Page helpers.
// ---------------------------------------------------------------------------------------------

/** Clicks that land before the wasm has hydrated the page do nothing: wait for the marker. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Matches the current URL when its path is exactly `path` (any query string or hash). */
export function urlWithPath(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^https?://[^/]+${escaped}(?:[?#].*)?$`);
}

export async function expectPath(page: Page, path: string): Promise<void> {
  await expect(page).toHaveURL(urlWithPath(path));
}

export async function gotoHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
}

export async function signIn(page: Page): Promise<void> {
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
}

/** A name no other test (or earlier run against a reused server) has used. */
export function uniqueName(label: string): string {
  return `${label} ${Date.now()}-${Math.floor(Math.random() * 1_000)}`;
}

// ---------------------------------------------------------------------------------------------
// Token form.
// ---------------------------------------------------------------------------------------------

export type TokenDuration = '7 days' | '30 days' | '90 days' | 'Unlimited';
export type TokenTypeLabel = 'Read-only' | 'Full access' | 'Custom';
export type Resource = 'articles' | 'categories' | 'authors';
export type Action = 'find' | 'findOne' | 'create' | 'update' | 'delete';
/** The accessible name of a permission checkbox, e.g. `articles find`. */
export type PermissionLabel = `${Resource} ${Action}`;

export type TokenForm = {
  name: string;
  description?: string;
  duration: TokenDuration;
  type: TokenTypeLabel;
  permissions?: PermissionLabel[];
};

/** Opens the create form, fills it in and presses Save, without checking the outcome. */
export async function submitTokenForm(page: Page, form: TokenForm): Promise<void> {
  await gotoHydrated(page, NEW_TOKEN_PATH);
  await expect(page.getByRole('heading', { name: 'Create API token' })).toBeVisible();

  const name = page.getByLabel('Name', { exact: true });
  await name.fill(form.name);
  // Fails clearly if the input truncates (e.g. a maxlength attribute).
  await expect(name).toHaveValue(form.name);
  if (form.description !== undefined) {
    await page.getByLabel('Description', { exact: true }).fill(form.description);
  }
  await page.getByLabel('Token duration', { exact: true }).selectOption({ label: form.duration });
  await page.getByLabel('Token type', { exact: true }).selectOption({ label: form.type });
  for (const permission of form.permissions ?? []) {
    await page.getByRole('checkbox', { name: permission, exact: true }).check();
  }

  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

export function revealBanner(page: Page): Locator {
  return page.getByTestId('token-reveal');
}

/** The revealed token, whether the page shows it as text or in a read-only input. */
export async function readRevealedToken(page: Page): Promise<string> {
  const value = revealBanner(page).getByTestId('token-value');
  await expect(value).toBeVisible();
  const text = await value.evaluate((element) =>
    element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement
      ? element.value
      : (element.textContent ?? ''),
  );
  return text.trim();
}

/** Creates a token through the UI and returns the full token from the reveal banner. */
export async function createToken(page: Page, form: TokenForm): Promise<string> {
  await submitTokenForm(page, form);
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
  await expect(revealBanner(page)).toBeVisible();
  const token = await readRevealedToken(page);
  expect(token).toMatch(TOKEN_PATTERN);
  return token;
}

// ---------------------------------------------------------------------------------------------
// Token list.
// ---------------------------------------------------------------------------------------------

/** The list's row for the token named `name` (the name is a cell of its own). */
export function tokenRow(page: Page, name: string): Locator {
  return page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name, exact: true }) });
}

// ---------------------------------------------------------------------------------------------
// The token-protected API.
// ---------------------------------------------------------------------------------------------

export type ApiError = {
  error: { status: number; code: string; message: string };
};

export type Article = { id?: unknown; title?: string; body?: string } & Record<string, unknown>;

export type TokenVerification = {
  status: string;
  name: string;
  type: 'read-only' | 'full-access' | 'custom';
  permissions: string[];
  expires_at: string | null;
};

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

export function apiGet(request: APIRequestContext, path: string, token?: string): Promise<APIResponse> {
  return request.get(path, token === undefined ? {} : { headers: bearer(token) });
}

export function apiPost(
  request: APIRequestContext,
  path: string,
  token: string,
  data: Record<string, unknown>,
): Promise<APIResponse> {
  return request.post(path, { headers: bearer(token), data });
}

/** Asserts an API refusal: status, JSON error code and the RFC 6750 `WWW-Authenticate` header. */
export async function expectApiError(
  response: APIResponse,
  status: 401 | 403,
  code: 'invalid_token' | 'insufficient_scope',
): Promise<void> {
  expect(response.status()).toBe(status);
  const body = (await response.json()) as ApiError;
  expect(body.error.code).toBe(code);
  expect(response.headers()['www-authenticate']).toContain(code);
}
