// Reviewing the inventory (inventory.spec.ts, inventory_nojs.spec.ts): a second admin who
// makes a token and is then deactivated, and reading an export's download.
import fs from 'node:fs';

import { ADMIN_PASSWORD, expect, type Page } from './fixtures';
import type { Browser, Download } from '@playwright/test';

/** The built-in Editor role (the roles migration gives it id 2). */
const EDITOR_ROLE_ID = 2;

/**
 * Adds an Editor named `name` (as the page's admin), has them create a read-only token named
 * `token`, then deactivates them: a token "created by an admin who is gone". Returns the
 * admin's id.
 */
export async function tokenOfAGoneAdmin(page: Page, browser: Browser, baseURL: string, name: string, token: string): Promise<number> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`;
  const added = await page.request.post('/rpc/add_admin', {
    data: { input: { email, name, role_id: EDITOR_ROLE_ID, password: ADMIN_PASSWORD } },
  });
  expect(added.status(), await added.text()).toBe(200);
  const id = ((await added.json()) as { id: number }).id;

  const theirs = await browser.newContext({ baseURL });
  const signedIn = await theirs.request.post('/rpc/sign_in', { data: { input: { email, password: ADMIN_PASSWORD } } });
  expect(signedIn.status(), await signedIn.text()).toBe(200);
  const created = await theirs.request.post('/admin/api/tokens', { data: { name: token, type: 'read-only' } });
  expect(created.status(), await created.text()).toBe(201);
  await theirs.close();

  const deactivated = await page.request.post('/rpc/change_admin_status', { data: { id, change: 'Deactivate' } });
  expect(deactivated.status(), await deactivated.text()).toBe(200);
  return id;
}

/** RFC 4180 records (quoted cells, doubled quotes, CRLF), the header first. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  expect(cell, 'the file ends with a line end').toBe('');
  return records;
}

/** Clicks the export link named `label` and waits for its download; its name and text. */
export async function downloadExport(page: Page, label: 'Export CSV' | 'Export JSON'): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label, exact: true }).click()]);
  return { name: download.suggestedFilename(), text: await readDownload(download) };
}

async function readDownload(download: Download): Promise<string> {
  const file = await download.path();
  expect(file).toBeTruthy();
  return fs.readFileSync(file as string, 'utf8');
}

export const CSV_HEADER = [
  'id',
  'name',
  'description',
  'type',
  'status',
  'permissions',
  'created_at',
  'created_by',
  'last_used_at',
  'last_used_ip',
  'expires_at',
  'revoked_at',
  'restrictions',
];

export const CSV_FILE = /^tollgate-tokens-\d{4}-\d{2}-\d{2}\.csv$/;
export const JSON_FILE = /^tollgate-tokens-\d{4}-\d{2}-\d{2}\.json$/;
