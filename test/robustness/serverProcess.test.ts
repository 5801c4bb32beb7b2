/**
 * The attacks that used to end `mixel serve`, against the server in a process of its own (the compiled
 * code `mixel serve` runs: createBackend + serveBrowserMode from dist/): afterwards that process must
 * still be running and serve a legitimate client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserModeServer } from '../../src/main/server/serveBrowserMode.js';
import {
  closeCodeOf,
  frame,
  openRawWebSocket,
  rawExchange,
  serverAnswers,
  statusOf,
  untilClosed,
  upgradeRequest,
} from './serverHarness.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Started in the child: the same wiring as `mixel serve`, printing where it listens as one JSON line. */
const SERVE_SCRIPT = `
const { createBackend } = await import(${JSON.stringify(join(ROOT, 'dist/src/main/service/createBackend.js'))});
const { serveBrowserMode } = await import(${JSON.stringify(join(ROOT, 'dist/src/main/server/serveBrowserMode.js'))});
const backend = createBackend({ dataDir: process.env.DATA_DIR, threads: 1 });
await backend.service.openSampleProject();
const server = await serveBrowserMode({ service: backend.service, rendererDir: process.env.RENDERER_DIR });
console.log(JSON.stringify({ port: server.port, token: server.token, origin: server.origin }));
`;

let dir: string;
let child: ChildProcess;
let server: BrowserModeServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-server-process-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Mixel</title>');
  child = spawn(process.execPath, ['--input-type=module', '-e', SERVE_SCRIPT], {
    env: { ...process.env, DATA_DIR: join(dir, 'data'), RENDERER_DIR: join(dir, 'renderer') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}): ${err}`)));
  });
  const where = JSON.parse(printed) as { port: number; token: string; origin: string };
  server = { ...where, url: `${where.origin}/?token=${where.token}`, close: async () => {} };
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('survives malformed request targets, bad percent-encoding and broken frames', async () => {
  for (const target of ['//[x]/', 'http://[x]/', 'http://a:99999/']) {
    expect(statusOf(await rawExchange(server.port, upgradeRequest(server, { target })))).toBe(400);
  }
  const page = `GET /%zz?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
  expect(statusOf(await rawExchange(server.port, `${page.slice(0, -2)}Connection: close\r\n\r\n`))).toBe(400);
  const broken = [
    frame({ opcode: 3, payload: Buffer.from('x') }),
    frame({ opcode: 2, masked: false, payload: Buffer.from('x') }),
    frame({ opcode: 2, declaredLength: 2n ** 63n }),
    frame({ opcode: 2, declaredLength: 3_000_000_000n }),
  ];
  for (const bytes of broken) {
    const raw = await openRawWebSocket(server);
    raw.socket.write(bytes);
    expect(closeCodeOf((await untilClosed(raw)).bytes)).not.toBeNull();
  }
  expect(child.exitCode).toBeNull();
  expect(await serverAnswers(server)).toBe(true);
});
