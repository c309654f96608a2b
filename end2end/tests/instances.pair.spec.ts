// Only in the two-instance run (playwright.pair.config.ts): the load balancer really
// alternates; a rolling restart behind it drops no request and loses no usage; and a change
// made on one instance is refused by the other within 100 ms at the 99th percentile, over
// 100 trials each for a revoked token, a changed role and a deactivated administrator,
// measured from the moment instance A answered the change to the first refusal from
// instance B, which is asked again and again in between.

import { ADMIN_EMAIL, ADMIN_PASSWORD, bearer, expect, gotoHydrated, signIn, test, type Instance } from './fixtures';

const TRIALS = 100;
const P99_BOUND_MS = 100;
/** Asking B this long without a refusal fails the trial. */
const GIVE_UP_MS = 5_000;

type Answer = { status: number; body: unknown };

/** A tiny HTTP client with one session cookie, for one instance. */
class Client {
  private cookie = '';

  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? safeJson(text) : null };
  }

  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const answer = await this.call(method, path, body);
    expect(answer.status, `${method} ${path} on ${this.base}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  }

  async signIn(email: string, password = ADMIN_PASSWORD): Promise<void> {
    const response = await fetch(`${this.base}/rpc/sign_in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input: { email, password } }),
    });
    expect(response.status, await response.text()).toBe(200);
    this.cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }
}

/** A client for instance A and one for instance B. */
function clientsOf(instance: Instance): [Client, Client] {
  const [a, b] = instance.direct;
  if (a === undefined || b === undefined) throw new Error('this spec needs the two-instance bed');
  return [new Client(a), new Client(b)];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** How often B was asked, over all trials, before it refused: 1 is "refused at once". */
const asks: number[] = [];

/** Milliseconds from now until `refused()` first says yes. */
async function timeUntil(refused: () => Promise<boolean>, counted = true): Promise<number> {
  const start = performance.now();
  let asked = 1;
  while (!(await refused())) {
    asked += 1;
    if (performance.now() - start > GIVE_UP_MS) throw new Error(`still accepted after ${GIVE_UP_MS} ms`);
  }
  if (counted) asks.push(asked);
  return performance.now() - start;
}

type Summary = { min: number; median: number; p99: number; max: number };

function summary(samples: number[]): Summary {
  const sorted = [...samples].sort((x, y) => x - y);
  // Nearest rank: the smallest sample at or above the given share of all samples.
  const rank = (share: number) => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? NaN;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { min: round(rank(0)), median: round(rank(0.5)), p99: round(rank(0.99)), max: round(rank(1)) };
}

/** Reports the trials' numbers (and how often B had to be asked) and checks the bound. */
async function report(what: string, samples: number[]): Promise<void> {
  expect(samples).toHaveLength(TRIALS);
  const numbers = summary(samples);
  const atOnce = asks.filter((n) => n === 1).length;
  const line =
    `${what}, refused by B after A answered (${TRIALS} trials, ms): min ${numbers.min}, ` +
    `median ${numbers.median}, p99 ${numbers.p99}, max ${numbers.max}; ` +
    `B refused the first time it was asked in ${atOnce} of ${asks.length}, at most after ${Math.max(...asks)} asks`;
  asks.length = 0;
  console.log(line);
  test.info().annotations.push({ type: 'propagation', description: line });
  expect(numbers.p99, line).toBeLessThan(P99_BOUND_MS);
}

test('the load balancer sends consecutive requests to different instances', async ({ instance, request }) => {
  expect(instance.direct).toHaveLength(2);
  const answeredBy: string[] = [];
  for (let i = 0; i < 6; i++) {
    const response = await request.get('/healthz');
    expect(response.status()).toBe(200);
    answeredBy.push(response.headers()['x-upstream'] ?? 'none');
  }
  const hosts = instance.direct.map((url) => new URL(url).host);
  expect(new Set(answeredBy)).toEqual(new Set(hosts));
  for (let i = 1; i < answeredBy.length; i++) {
    expect(answeredBy[i], `request ${i} went to the same instance as the one before`).not.toBe(answeredBy[i - 1]);
  }
});

test('a rolling restart behind the load balancer drops no request and loses no usage', async ({ instance, page }) => {
  test.slow();
  const restart = instance.restart;
  if (restart === undefined) throw new Error('this spec needs the two-instance bed');
  const [a] = clientsOf(instance);
  await a.signIn(ADMIN_EMAIL);
  const created = (await a.ok('POST', '/admin/api/tokens', { name: 'rolling restart', type: 'read-only' })) as {
    data: { id: number };
    secret: string;
  };

  // Act: four clients ask through nginx without a pause while each instance in turn gets
  // SIGTERM, drains, exits and is started again on its port.
  const answers = new Map<string, number>();
  let asking = true;
  const ask = async () => {
    while (asking) {
      const outcome = await fetch(`${instance.url}/api/tokens/verify`, { headers: bearer(created.secret) }).then(
        async (response) => {
          await response.arrayBuffer();
          return String(response.status);
        },
        (error: Error) => `failed: ${error.message}`,
      );
      answers.set(outcome, (answers.get(outcome) ?? 0) + 1);
    }
  };
  const clients = [ask(), ask(), ask(), ask()];
  await restart(0);
  await restart(1);
  asking = false;
  await Promise.all(clients);

  // Assert: every request was answered 200, and every one of them is counted (each stopped
  // instance wrote the usage it had buffered before it exited).
  const served = answers.get('200') ?? 0;
  expect(Object.fromEntries(answers)).toEqual({ '200': served });
  expect(served).toBeGreaterThan(100);
  console.log(`rolling restart: ${served} requests through nginx, every one answered 200 and counted`);
  await signIn(page);
  await expect
    .poll(
      async () => {
        await gotoHydrated(page, `/settings/api-tokens/${created.data.id}`);
        return (await page.locator('.usage-summary').allTextContents()).join('');
      },
      { timeout: 30_000 },
    )
    .toBe(`${served} requests, 0 refused, in the last 30 days.`);
});

test.describe('a change on instance A is refused by instance B', () => {
  test.describe.configure({ timeout: 180_000 });

  test('a revoked token', async ({ instance }) => {
    const [a, b] = clientsOf(instance);
    await a.signIn(ADMIN_EMAIL);
    const samples: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const created = (await a.ok('POST', '/admin/api/tokens', { name: `propagation ${trial}`, type: 'read-only' })) as {
        data: { id: number };
        secret: string;
      };
      // Each trial from an address of its own (B believes loopback's X-Forwarded-For, as it
      // believes nginx's): B's refusals count against the address, and 30 in a minute from
      // one would get 429 instead.
      const client = { ...bearer(created.secret), 'X-Forwarded-For': `198.51.100.${trial}` };
      const verify = () => b.call('GET', '/api/tokens/verify', undefined, client);
      // B has seen it (and keeps it in its cache): the revoke must reach B's cache.
      expect((await verify()).status).toBe(200);
      await a.ok('DELETE', `/admin/api/tokens/${created.data.id}`);
      samples.push(await timeUntil(async () => (await verify()).status === 401));
    }
    await report('revoked token', samples);
  });

  test('a changed role', async ({ instance }) => {
    const [a, b] = clientsOf(instance);
    await a.signIn(ADMIN_EMAIL);
    // Viewer (built in, id 3) may read tokens; "Audit only" may not.
    const viewer = 3;
    const auditOnly = ((await a.ok('POST', '/rpc/save_role', {
      id: null,
      input: { name: 'Audit only', permissions: ['audit.read'] },
    })) as { id: number }).id;
    const added = (await a.ok('POST', '/rpc/add_admin', {
      input: { email: 'rita@example.com', name: 'Rita Role', role_id: viewer, password: ADMIN_PASSWORD },
    })) as { id: number };
    const rita = b;
    await rita.signIn('rita@example.com');
    const readTokens = () => rita.call('GET', '/admin/api/tokens?limit=1');
    const samples: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      expect((await readTokens()).status).toBe(200);
      await a.ok('POST', '/rpc/change_admin_role', { id: added.id, role_id: auditOnly });
      samples.push(await timeUntil(async () => (await readTokens()).status === 403));
      await a.ok('POST', '/rpc/change_admin_role', { id: added.id, role_id: viewer });
      await timeUntil(async () => (await readTokens()).status === 200, false);
    }
    await report('role changed (Viewer → Audit only)', samples);
  });

  test('a deactivated administrator', async ({ instance }) => {
    const [a, b] = clientsOf(instance);
    await a.signIn(ADMIN_EMAIL);
    const added = (await a.ok('POST', '/rpc/add_admin', {
      input: { email: 'dora@example.com', name: 'Dora Deactivated', role_id: 3, password: ADMIN_PASSWORD },
    })) as { id: number };
    const samples: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      // Deactivating signs Dora out everywhere: she signs in on B again each time.
      await b.signIn('dora@example.com');
      const whoAmI = () => b.call('GET', '/admin/api/tokens?limit=1');
      expect((await whoAmI()).status).toBe(200);
      await a.ok('POST', '/rpc/change_admin_status', { id: added.id, change: 'Deactivate' });
      samples.push(await timeUntil(async () => (await whoAmI()).status === 401));
      await a.ok('POST', '/rpc/change_admin_status', { id: added.id, change: 'Reactivate' });
    }
    await report('administrator deactivated', samples);
  });
});
