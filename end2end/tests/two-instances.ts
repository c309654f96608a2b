// The two-instance test bed (playwright.pair.config.ts): two release builds of Tollgate on one
// Postgres database, with the same secret key, behind a real nginx on loopback that sends
// each request to the next instance in turn (round-robin, no sticky sessions). The nginx
// upstream block is the one docs/DEPLOYMENT.md shows.
//
// Postgres is the one `scripts/postgres.sh` starts; its URL comes from
// TOLLGATE_TEST_POSTGRES_URL (scripts/test.sh exports it). Each bed gets a database of its
// own, dropped when the bed stops, so spec files stay as independent as they are with one
// SQLite instance each.

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { freePort, lastOutput, startServer, stopChild, waitUntilAnswering, type Started } from './server-process';

const run = promisify(execFile);

/**
 * The load balancer's address, each instance's own (for the tests that pick one), and a
 * restart of one instance in place, as a rolling deploy does it: SIGTERM, wait until it has
 * drained and exited, start the new one on the same port.
 */
export type Bed = Started & { direct: [string, string]; restart: (which: 0 | 1) => Promise<void> };

function basePostgresUrl(): string {
  const url = process.env.TOLLGATE_TEST_POSTGRES_URL;
  if (!url) {
    throw new Error(
      'the two-instance run needs Postgres: start it with `scripts/postgres.sh` and export ' +
        'TOLLGATE_TEST_POSTGRES_URL=<the URL it prints> (scripts/test.sh does both)',
    );
  }
  return url;
}

async function psql(url: string, sql: string): Promise<void> {
  await run('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
}

/** A new, empty database next to the test one; its URL and how to drop it. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = basePostgresUrl();
  const name = `tollgate_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  await psql(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: an instance killed after its 5 s may have left a connection behind.
    drop: () => psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The nginx configuration: the upstream block of docs/DEPLOYMENT.md, on loopback. */
function nginxConf(dir: string, port: number, instances: string[]): string {
  const servers = instances.map((url) => `        server ${new URL(url).host} max_fails=0;`).join('\n');
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

    # --- as in docs/DEPLOYMENT.md, from here ---
    upstream tollgate {
        # Round-robin, the default: each request goes to the next instance. max_fails=0: never
        # mark an instance down for fail_timeout (10 s) after a refused connection, or the
        # first instance of a rolling restart would still count as down when the second stops,
        # and nginx would answer 502 "no live upstreams" with both running.
${servers}
    }
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://tollgate;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A request an instance could not take (it is restarting) goes to the next one;
            # a host that does not answer at all is given up on quickly.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 1s;
        }
    # --- to here ---
        # For the tests only: which instance answered.
        add_header X-Upstream $upstream_addr always;
    }
}
`;
}

async function startNginx(instances: string[]): Promise<Started> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-nginx-'));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxConf(dir, port, instances));
  const binary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => fs.existsSync(candidate));
  if (binary === undefined) throw new Error('nginx is not installed (scripts/setup.sh installs it)');
  const child = spawn(binary, ['-c', conf, '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  const output = lastOutput(child);
  await waitUntilAnswering(child, `${url}/healthz`, () => output() + readLog(path.join(dir, 'error.log')));
  return {
    url,
    stop: async () => {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-4_000) : '';
}

/** Two instances on a fresh database with one secret key, behind nginx. */
export async function startBed(): Promise<Bed> {
  const database = await freshDatabase();
  const env = {
    E2E_DATABASE_URL: database.url,
    E2E_SECRET_KEY: randomBytes(32).toString('hex'),
    // nginx connects from loopback: believe its X-Forwarded-For, as in production.
    E2E_TRUSTED_PROXIES: '127.0.0.1/32',
  };
  let nginx: Started | undefined;
  const instances: Started[] = [];
  const stopAll = async () => {
    await Promise.all([nginx, ...instances].map((s) => s?.stop()));
    await database.drop();
  };
  const restart = async (which: 0 | 1) => {
    const old = instances[which];
    if (old === undefined) throw new Error(`no instance ${which}`);
    await old.stop();
    instances[which] = await startServer(env, Number(new URL(old.url).port));
  };
  try {
    // One after the other: both would run the migrations at once otherwise (they take a
    // lock, but the second would wait out the first anyway).
    const a = await startServer(env);
    instances.push(a);
    const b = await startServer(env);
    instances.push(b);
    nginx = await startNginx([a.url, b.url]);
    return { url: nginx.url, direct: [a.url, b.url], stop: stopAll, restart };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
