import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createViaApi, expect, gotoHydrated, signIn, test, uniqueName } from './fixtures';

// Settings › Webhooks end to end: an endpoint pointing at a receiver this file runs on
// loopback (plain http is allowed only there), its secret shown once, a test event sent
// and seen with its status, and a token change delivered signed.
test.describe.configure({ mode: 'serial' });

const WEBHOOKS_PATH = '/settings/webhooks';

type Received = { type: string; verified: boolean; body: Record<string, unknown> };

/** A receiver that checks each delivery's Standard Webhooks signature with `secret`. */
class Receiver {
  secret = '';
  readonly received: Received[] = [];
  private server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      const timestamp = String(request.headers['webhook-timestamp'] ?? '');
      const signatures = String(request.headers['webhook-signature'] ?? '').split(' ');
      const key = Buffer.from(this.secret.replace(/^whsec_/, ''), 'base64');
      const expected = `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
      const parsed = JSON.parse(body) as { type: string };
      this.received.push({ type: parsed.type, verified: signatures.includes(expected), body: parsed });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('thanks from the test receiver');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const receiver = new Receiver();
let receiverUrl = '';

test.beforeAll(async () => {
  receiverUrl = await receiver.start();
});

test.afterAll(async () => {
  await receiver.stop();
});

test('an endpoint is registered and its secret shown once', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
  await page.getByLabel('URL', { exact: true }).fill(receiverUrl);
  await page.getByLabel('Description (optional)').fill('Playwright receiver');
  await page.getByLabel(/token\.created/).check();
  await page.getByRole('button', { name: 'Add endpoint', exact: true }).click();

  const secret = page.locator('#webhook-secret');
  await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/]+=*$/);
  receiver.secret = (await secret.textContent()) ?? '';
  const row = page.getByRole('row').filter({ hasText: receiverUrl });
  await expect(row).toContainText('token.created');
  await expect(row).toContainText('token.revoked');
  await expect(row).toContainText('Enabled');

  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await expect(secret).toHaveCount(0);
  // Never again: not on a fresh load of the page either.
  await gotoHydrated(page, WEBHOOKS_PATH);
  await expect(page.getByRole('row').filter({ hasText: receiverUrl })).toBeVisible();
  await expect(page.getByText(receiver.secret)).toHaveCount(0);
});

test('a test event is delivered, signed, and listed with its status', async ({ page }) => {
  await signIn(page);
  await gotoHydrated(page, WEBHOOKS_PATH);
  await page.getByRole('link', { name: receiverUrl }).click();
  await expect(page.getByRole('heading', { name: receiverUrl, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Send a test event', exact: true }).click();
  await expect(page.locator('#webhook-result')).toContainText('Test event queued');

  const delivery = page.locator('tr.delivery').filter({ hasText: 'webhook.test' });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect(delivery.locator('.state')).toHaveText('Delivered', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(delivery.locator('.status-code')).toHaveText('200');
  await expect(delivery).toContainText('thanks from the test receiver');
  const test = receiver.received.find((r) => r.type === 'webhook.test');
  expect(test?.verified, 'the receiver verified the signature').toBe(true);

  // Redeliver sends the same event again.
  await delivery.getByRole('button', { name: /^Redeliver webhook\.test/ }).click();
  await expect(page.locator('#webhook-result')).toContainText('Queued again');
  await expect.poll(() => receiver.received.filter((r) => r.type === 'webhook.test').length).toBe(2);
});

test('a token created in the panel reaches the receiver, signed', async ({ page }) => {
  await signIn(page);
  const name = uniqueName('Webhook spec');
  const created = await createViaApi(page, { name, type: 'read-only' });
  await expect
    .poll(() => receiver.received.find((r) => r.type === 'token.created'), { timeout: 15_000 })
    .toBeTruthy();
  const event = receiver.received.find((r) => r.type === 'token.created');
  expect(event?.verified).toBe(true);
  expect((event?.body.data as { id: number; name: string }).id).toBe(created.id);
  expect(JSON.stringify(event?.body)).not.toContain(created.secret);
});
