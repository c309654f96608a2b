import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

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

/** One running server (`start-server.mjs`: the release build on a throwaway data dir). */
type Instance = { url: string; stop: () => Promise<void> };

const START_SERVER = path.resolve(__dirname, '..', 'start-server.mjs');

/** A port nothing listens on now: the kernel picks it, we let it go and hand it on. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts a fresh server and waits for `/healthz`; with `firstAdmin`, creates Ada Admin. */
async function startInstance(firstAdmin: boolean): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [START_SERVER], {
    env: { ...process.env, E2E_PORT: String(port), RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept for the error message if the server never comes up.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () => stopChild(child);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server on ${url} exited before it was ready:\n${output}`);
    }
    const ready = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server on ${url} was not ready within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  if (firstAdmin) {
    const response = await fetch(`${url}/rpc/create_first_admin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        input: { email: ADMIN_EMAIL, name: ADMIN_NAME, password: ADMIN_PASSWORD, password_confirm: ADMIN_PASSWORD },
      }),
    });
    if (!response.ok) {
      await stop();
      throw new Error(`creating the first administrator on ${url}: ${response.status} ${await response.text()}`);
    }
  }
  return { url, stop };
}

/**
 * The instances of one worker, one per spec file: a file's tests share its server (serial
 * files build on their own earlier steps), and nothing another file does can reach it, so
 * files run side by side and any one runs alone. A file whose tests run in parallel gets
 * one instance in each worker that runs some of them.
 */
class Instances {
  private readonly byFile = new Map<string, Promise<Instance>>();

  for(file: string, firstAdmin: boolean): Promise<Instance> {
    let instance = this.byFile.get(file);
    if (instance === undefined) {
      instance = startInstance(firstAdmin);
      this.byFile.set(file, instance);
    }
    return instance;
  }

  async stopAll(): Promise<void> {
    const started = [...this.byFile.values()];
    this.byFile.clear();
    await Promise.all(started.map((instance) => instance.then((i) => i.stop(), () => undefined)));
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
};

type WorkerFixtures = { instances: Instances };

export const test = base.extend<Fixtures, WorkerFixtures>({
  instances: [
    async ({}, use) => {
      const instances = new Instances();
      await use(instances);
      await instances.stopAll();
    },
    { scope: 'worker' },
  ],

  firstAdmin: [true, { option: true }],

  // Every page, context and `request` of a test talks to its file's own instance.
  baseURL: async ({ instances, firstAdmin }, use, testInfo) => {
    await use((await instances.for(testInfo.file, firstAdmin)).url);
  },

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
