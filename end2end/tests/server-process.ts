// Starting and stopping the release build of Tollgate (`start-server.mjs`) for a test.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const START_SERVER = path.resolve(__dirname, '..', 'start-server.mjs');

/** A process the tests started, and how to end it. */
export type Started = { url: string; stop: () => Promise<void> };

/** A port nothing listens on now: the kernel picks it, we let it go and hand it on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** SIGTERM (what a service manager sends), SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
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

/** Keeps the last few kilobytes a child printed, for the error when it never comes up. */
export function lastOutput(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

/** Waits until `url` answers 2xx, failing early if `child` exits first. */
export async function waitUntilAnswering(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url} exited before it was ready:\n${output()}`);
    }
    const ready = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${url} was not ready within 60 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts one Tollgate (its own temp data dir; `env` may name a shared database) and waits
 * for `/healthz`. On `port` if given (a restart takes its predecessor's place), else a free one.
 */
export async function startServer(env: Record<string, string> = {}, port?: number): Promise<Started> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [START_SERVER], {
    env: { ...process.env, ...env, E2E_PORT: String(port), RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitUntilAnswering(child, `${url}/healthz`, lastOutput(child));
  return { url, stop: () => stopChild(child) };
}
