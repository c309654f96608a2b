// Starts the release build of Tollgate for the end-to-end tests, on a fresh data directory.
//
// Started once per spec file by the `instances` fixture in tests/fixtures.ts, with E2E_PORT
// set to a free port; also usable by hand (`E2E_PORT=3100 node start-server.mjs`). Build
// first with `cargo leptos build --release --precompress` (scripts/build.sh). The data directory is a new temp dir each time
// (so every instance starts with no administrator) and is removed when the server stops.
//
// For the two-instance test bed (tests/two-instances.ts) the database and the key come from
// E2E_DATABASE_URL and E2E_SECRET_KEY (the same for both instances, as in production), and
// E2E_TRUSTED_PROXIES names the load balancer in front.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ADDR = `127.0.0.1:${process.env.E2E_PORT ?? 3100}`;

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const binary = path.join(repo, 'target', 'release', 'tollgate');
const siteRoot = path.join(repo, 'target', 'site');

if (!fs.existsSync(binary)) {
  console.error(`tollgate binary not found at ${binary}`);
  console.error('build first: cargo leptos build --release --precompress');
  process.exit(1);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-e2e-'));
console.log(`[start-server] data dir ${dataDir}`);

/** @type {NodeJS.ProcessEnv} */
const env = {
  ...process.env,
  RUST_LOG: process.env.RUST_LOG ?? 'info',
  // For Leptos' own configuration, in case the binary reads it from the environment;
  // the command-line flags below are what the server is expected to use.
  LEPTOS_OUTPUT_NAME: process.env.LEPTOS_OUTPUT_NAME ?? 'tollgate',
  LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? siteRoot,
  LEPTOS_SITE_PKG_DIR: process.env.LEPTOS_SITE_PKG_DIR ?? 'pkg',
  LEPTOS_SITE_ADDR: process.env.LEPTOS_SITE_ADDR ?? ADDR,
};

// Usage is flushed every second so the usage chart test waits one second, not five.
const args = ['serve', '--addr', ADDR, '--data-dir', dataDir, '--site-root', siteRoot, '--usage-flush-seconds', '1'];
// Passed as the environment variables the server reads, so they never show in `ps`; never
// inherited from the shell that runs the tests (its DATABASE_URL is not the test's).
delete env.DATABASE_URL;
delete env.TOLLGATE_SECRET_KEY;
if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;
if (process.env.E2E_SECRET_KEY) env.TOLLGATE_SECRET_KEY = process.env.E2E_SECRET_KEY;
if (process.env.E2E_TRUSTED_PROXIES) args.push('--trusted-proxies', process.env.E2E_TRUSTED_PROXIES);

const child = spawn(binary, args, { cwd: repo, env, stdio: 'inherit' });

function removeDataDir() {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** @param {NodeJS.Signals} signal */
function forward(signal) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
  }
}
process.on('SIGTERM', () => forward('SIGTERM'));
process.on('SIGINT', () => forward('SIGINT'));

child.on('error', (error) => {
  console.error(`[start-server] could not start ${binary}: ${error.message}`);
  removeDataDir();
  process.exit(1);
});

child.on('exit', (code, signal) => {
  removeDataDir();
  if (code !== null) {
    process.exit(code);
  }
  // Killed by a signal: exit the way a shell reports it (128 + signal number).
  const number = signal ? os.constants.signals[signal] : undefined;
  process.exit(number ? 128 + number : 1);
});
