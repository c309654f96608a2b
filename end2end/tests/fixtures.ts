import { startServer } from './server-process';
import { startBed } from './two-instances';

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
// The first administrator of every instance (setup.spec.ts creates it through the form).
// ---------------------------------------------------------------------------------------------

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_NAME = 'Ada Admin';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export const TOKENS_PATH = '/settings/api-tokens';
export const NEW_TOKEN_PATH = '/settings/api-tokens/new';

/** A full token as revealed once: `tg_` + 38 base62 characters. */
export const TOKEN_PATTERN = /^tg_[0-9A-Za-z]{38}$/;

// ---------------------------------------------------------------------------------------------
// Console errors: fail any test during which the page threw or logged one.
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

// ---------------------------------------------------------------------------------------------
// Instances: each spec file gets a Tollgate of its own.
// ---------------------------------------------------------------------------------------------

/**
 * What the tests of one spec file talk to: `url` is the one address they use; `direct` are
 * the instances behind it (one for the `single` bed, where `url` is that instance; two behind
 * nginx for the `pair` bed).
 */
export type Instance = {
  url: string;
  direct: string[];
  stop: () => Promise<void>;
  /** The pair bed only: restarts instance 0 or 1 in place (see tests/two-instances.ts). */
  restart?: (which: 0 | 1) => Promise<void>;
};

/**
 * Where the specs run: `single` (playwright.config.ts), one release build on its own SQLite
 * database per spec file; `pair` (playwright.pair.config.ts), two instances on one Postgres
 * database behind a round-robin nginx per spec file (tests/two-instances.ts).
 */
export type BedKind = 'single' | 'pair';

async function createFirstAdmin(url: string): Promise<void> {
  const response = await fetch(`${url}/rpc/create_first_admin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      input: { email: ADMIN_EMAIL, name: ADMIN_NAME, password: ADMIN_PASSWORD, password_confirm: ADMIN_PASSWORD },
    }),
  });
  if (!response.ok) {
    throw new Error(`creating the first administrator on ${url}: ${response.status} ${await response.text()}`);
  }
}

/** Starts a fresh bed; with `firstAdmin`, creates Ada Admin through it. */
async function startInstance(bed: BedKind, firstAdmin: boolean): Promise<Instance> {
  const instance: Instance =
    bed === 'pair'
      ? await startBed()
      : await startServer().then((started) => ({ ...started, direct: [started.url] }));
  if (firstAdmin) {
    try {
      await createFirstAdmin(instance.url);
    } catch (error) {
      await instance.stop();
      throw error;
    }
  }
  return instance;
}

/**
 * A pair nobody has used for this long is stopped (a later test of its file gets a new one):
 * a worker runs through many spec files, and 33 idle pairs would hold more connections than
 * Postgres allows. Single instances (SQLite) are cheap and live as long as the worker.
 */
const PAIR_IDLE_MS = 5_000;

type Entry = { instance: Promise<Instance>; users: number; idle?: NodeJS.Timeout };

/**
 * The instances of one worker, one per spec file: a file's tests share its server (serial
 * files build on their own earlier steps), and nothing another file does can reach it, so
 * files run side by side and any one runs alone. A file whose tests run in parallel gets
 * one instance in each worker that runs some of them.
 */
class Instances {
  private readonly byFile = new Map<string, Entry>();

  constructor(private readonly bed: BedKind) {}

  /** The file's instance, started if need be; call `release` when the test is done with it. */
  async use(file: string, firstAdmin: boolean): Promise<{ instance: Instance; release: () => void }> {
    let entry = this.byFile.get(file);
    if (entry === undefined) {
      entry = { instance: startInstance(this.bed, firstAdmin), users: 0 };
      this.byFile.set(file, entry);
    }
    const held = entry;
    clearTimeout(held.idle);
    held.users += 1;
    const release = () => {
      held.users -= 1;
      if (this.bed !== 'pair' || held.users > 0) return;
      held.idle = setTimeout(() => {
        if (this.byFile.get(file) !== held || held.users > 0) return;
        this.byFile.delete(file);
        void held.instance.then((i) => i.stop(), () => undefined);
      }, PAIR_IDLE_MS);
    };
    try {
      return { instance: await held.instance, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  async stopAll(): Promise<void> {
    const started = [...this.byFile.values()];
    this.byFile.clear();
    await Promise.all(
      started.map((entry) => {
        clearTimeout(entry.idle);
        return entry.instance.then((i) => i.stop(), () => undefined);
      }),
    );
  }
}

type Fixtures = {
  /** Override with `test.use({ allowedConsoleErrors: [...] })`. */
  allowedConsoleErrors: AllowedConsoleError[];
  failOnBrowserErrors: void;
  /**
   * Whether the file's instance starts with Ada Admin (made through the setup function) or,
   * with `test.use({ firstAdmin: false })`, with no administrator at all.
   */
  firstAdmin: boolean;
  /** The file's bed: its address, and the instances behind it. */
  instance: Instance;
};

type WorkerFixtures = {
  /** Set per project in the config: `single` or `pair` (see {@link BedKind}). */
  bed: BedKind;
  instances: Instances;
};

export const test = base.extend<Fixtures, WorkerFixtures>({
  bed: ['single', { option: true, scope: 'worker' }],

  instances: [
    async ({ bed }, use) => {
      const instances = new Instances(bed);
      await use(instances);
      await instances.stopAll();
    },
    { scope: 'worker' },
  ],

  firstAdmin: [true, { option: true }],

  // Every page, context and `request` of a test talks to its file's own instance.
  baseURL: async ({ instance }, use) => {
    await use(instance.url);
  },

  instance: async ({ instances, firstAdmin }, use, testInfo) => {
    const { instance, release } = await instances.use(testInfo.file, firstAdmin);
    try {
      await use(instance);
    } finally {
      release();
    }
  },

  allowedConsoleErrors: [[refusedServerFunction], { option: true }],

  failOnBrowserErrors: [
    async ({ page, allowedConsoleErrors }, use, testInfo) => {
      const errors: string[] = [];
      // What a hydration panic needs to be understood: the HTML the page was hydrated from,
      // which instance sent it (the pair's nginx says), and the server functions the page
      // called after it arrived. Kept for the latest page only; attached when it threw.
      let served = { url: '', upstream: '', html: '', calls: [] as string[] };
      page.on('response', async (response) => {
        const request = response.request();
        if (request.resourceType() === 'document' && request.frame() === page.mainFrame()) {
          served = { url: response.url(), upstream: response.headers()['x-upstream'] ?? '', html: '', calls: [] };
          const current = served;
          current.html = await response.text().catch((error: Error) => `(body unavailable: ${error.message})`);
        } else if (new URL(response.url()).pathname.startsWith('/rpc/')) {
          served.calls.push(`${request.method()} ${new URL(response.url()).pathname} → ${response.status()} ${response.headers()['x-upstream'] ?? ''}`);
        }
      });
      page.on('pageerror', (error) => {
        errors.push(`pageerror: ${error.name}: ${error.message}`);
        const { url, upstream, html, calls } = served;
        void testInfo.attach(`page that threw (${errors.length})`, {
          contentType: 'text/html',
          body: `<!-- ${url} from ${upstream || 'the one instance'}; then: ${calls.join('; ') || 'no server function'} -->\n${html}`,
        });
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

export async function signIn(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<void> {
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
}

/** A name no other test (or earlier run against a reused server) has used. */
/** Signs in with JavaScript off (the `chromium-nojs` project): the browser posts the form. */
export async function signInWithoutScript(page: Page): Promise<void> {
  await page.goto('/login');
  await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', /.*/);
  await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expectPath(page, TOKENS_PATH);
}

export function uniqueName(label: string): string {
  return `${label} ${Date.now()}-${Math.floor(Math.random() * 1_000)}`;
}

// ---------------------------------------------------------------------------------------------
// Token form.
// ---------------------------------------------------------------------------------------------

export type TokenDuration = '7 days' | '30 days' | '90 days' | 'Never';
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
  await page.getByLabel('Expires', { exact: true }).selectOption({ label: form.duration });
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

/**
 * Creates a token through the UI and returns the full token from the reveal banner. It
 * copies the value, as an admin would, so leaving the page afterwards does not ask
 * (reveal.spec.ts tests the reveal before anything was copied).
 */
export async function createToken(page: Page, form: TokenForm): Promise<string> {
  await submitTokenForm(page, form);
  await expectPath(page, TOKENS_PATH);
  await waitForHydration(page);
  await expect(revealBanner(page)).toBeVisible();
  const token = await readRevealedToken(page);
  expect(token).toMatch(TOKEN_PATTERN);
  await revealBanner(page).getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(revealBanner(page).getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  return token;
}

// ---------------------------------------------------------------------------------------------
// Token list.
// ---------------------------------------------------------------------------------------------

export type Created = { id: number; secret: string };

/** Creates a token through the admin JSON API (signed in by the page's session cookie). */
export async function createViaApi(page: Page, body: Record<string, unknown>): Promise<Created> {
  const response = await page.request.post('/admin/api/tokens', { data: body });
  expect(response.status(), await response.text()).toBe(201);
  const json = (await response.json()) as { data: { id: number }; secret: string };
  return { id: json.data.id, secret: json.secret };
}

/** The token list with `query` (search, filters, sort) in its address. */
export function listUrl(query: Record<string, string>): string {
  return `${TOKENS_PATH}?${new URLSearchParams(query).toString()}`;
}

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
