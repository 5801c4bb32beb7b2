/**
 * `npm run bench:serve`: `mixel serve` (the real CLI, its own process) under many browser-mode clients on
 * loopback. Each client connects as the window does (token, exact origin) and, for the whole run, asks
 * for image tiles and predictions of the built-in sample's tiles, with its own view id. Prints the errors,
 * the server's memory at start, peak and end (it should stay flat), and the p50 / p95 latencies.
 *
 *   npm run bench:serve [-- --clients 50 --seconds 30]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { MixelService } from '../src/core/protocol/MixelService.js';
import { connectService } from '../src/core/protocol/rpc.js';
import type { Rect } from '../src/core/protocol/types.js';
import { WebSocketProtocol } from '../src/main/transports/WebSocketProtocol.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const CLIENTS = arg('clients', 50);
const SECONDS = arg('seconds', 30);
/** One call in this many is a prediction; the rest are image tiles (a window asks for both as it pans). */
const PREDICT_EVERY = 4;
const TILE = 256;

interface Server {
  url: URL;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `mixel serve` on a free port with its own data folder; resolves once it printed its URL. */
function startServer(dataDir: string): Promise<Server> {
  const bin = new URL('../../bin/mixel.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
    env: { ...process.env, MIXEL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`mixel serve exited (${code}) before printing its URL`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (!match) return;
      resolve({
        url: new URL(match[0]),
        pid: child.pid!,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** Resident memory of a process in MiB (Linux /proc), or NaN where that is not available. */
function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status);
    return kb ? Number(kb[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function connect(url: URL): Promise<{ service: MixelService; socket: WebSocket }> {
  const socket = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, {
    origin: url.origin,
  });
  await new Promise((ok, fail) => socket.once('open', ok).once('error', fail));
  return { service: connectService(new WebSocketProtocol(socket)), socket };
}

/** Two strokes on the sample (a bright and a dark spot) and one training, so predictions do real work. */
async function train(service: MixelService): Promise<string> {
  const image = (await service.getProject()).images[0];
  const tile = await service.getImageTile({
    imageId: image.id,
    level: 1,
    rect: { x: 0, y: 0, width: image.width, height: image.height },
  });
  const plane = tile.channels[0];
  let bright = 0;
  let dark = 0;
  for (let i = 0; i < plane.length; i++) {
    if (plane[i] > plane[bright]) bright = i;
    if (plane[i] < plane[dark]) dark = i;
  }
  const at = (i: number) => [(i % tile.width) * 2 + 0.5, Math.floor(i / tile.width) * 2 + 0.5];
  const stroke = (id: string, classId: number, [x, y]: number[]) => ({
    id,
    kind: 'stroke' as const,
    imageId: image.id,
    classId,
    radiusPx: 2,
    mode: 'paint' as const,
    points: new Float32Array([x - 3, y, x + 3, y]),
  });
  await service.applyLabelChange({
    added: [stroke('bench-bright', 2, at(bright)), stroke('bench-dark', 1, at(dark))],
    removed: [],
  });
  const tiles = tileGrid(image.width, image.height);
  await service.predictTiles({
    requestId: 1,
    viewId: 'bench-setup',
    imageId: image.id,
    tiles,
    retrain: true,
  });
  return image.id;
}

function tileGrid(width: number, height: number): Rect[] {
  const tiles: Rect[] = [];
  for (let y = 0; y < height; y += TILE) {
    for (let x = 0; x < width; x += TILE) {
      tiles.push({ x, y, width: Math.min(TILE, width - x), height: Math.min(TILE, height - y) });
    }
  }
  return tiles;
}

interface Tally {
  imageTileMs: number[];
  predictMs: number[];
  tilesDelivered: number;
  cancelled: number;
  errors: Map<string, number>;
}

/** One client: image tiles and predictions back to back until the deadline, as a busy window would. */
async function runClient(url: URL, index: number, imageId: string, deadline: number, tally: Tally) {
  const { service, socket } = await connect(url);
  const viewId = `bench-client-${index}`;
  service.onDidUpdateTile((tile) => {
    if (tile.viewId === viewId) tally.tilesDelivered++;
  });
  const tiles = tileGrid(512, 512);
  let requestId = 1;
  for (let call = index; performance.now() < deadline; call++) {
    const rect = tiles[call % tiles.length];
    const start = performance.now();
    try {
      if (call % PREDICT_EVERY === 0) {
        const result = await service.predictTiles({
          requestId: requestId++,
          viewId,
          imageId,
          tiles: [rect],
          retrain: false,
        });
        if (result.isCancelled) tally.cancelled++;
        tally.predictMs.push(performance.now() - start);
      } else {
        await service.getImageTile({ imageId, level: call % 2, rect });
        tally.imageTileMs.push(performance.now() - start);
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      tally.errors.set(code, (tally.errors.get(code) ?? 0) + 1);
    }
  }
  socket.close();
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mixel-bench-serve-'));
  const server = await startServer(dir);
  try {
    const setup = await connect(server.url);
    const imageId = await train(setup.service);
    setup.socket.close();
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(`machine: ${availableParallelism()} cores, load average ${load.join(' ')}`);
    console.log(`${CLIENTS} clients for ${SECONDS} s on ${server.url.origin} (sample 512², tiles 256²)`);

    const rss: number[] = [rssMiB(server.pid)];
    const sampler = setInterval(() => rss.push(rssMiB(server.pid)), 1000);
    const tally: Tally = {
      imageTileMs: [],
      predictMs: [],
      tilesDelivered: 0,
      cancelled: 0,
      errors: new Map(),
    };
    const deadline = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => runClient(server.url, i, imageId, deadline, tally)),
    );
    clearInterval(sampler);
    // Memory once the load is gone: what a flat server gives back.
    await new Promise((r) => setTimeout(r, 2000));
    rss.push(rssMiB(server.pid));

    const errors = [...tally.errors].map(([code, n]) => `${code} × ${n}`).join(', ') || 'none';
    const calls = tally.imageTileMs.length + tally.predictMs.length;
    console.log(`calls: ${calls} (${(calls / SECONDS).toFixed(0)}/s), errors: ${errors}`);
    console.log(
      `getImageTile: ${tally.imageTileMs.length} calls, p50 ${ms(percentile(tally.imageTileMs, 50))}, p95 ${ms(percentile(tally.imageTileMs, 95))}`,
    );
    console.log(
      `predictTiles (1 tile): ${tally.predictMs.length} calls, p50 ${ms(percentile(tally.predictMs, 50))}, p95 ${ms(percentile(tally.predictMs, 95))}; ` +
        `${tally.tilesDelivered} tiles delivered, ${tally.cancelled} cancelled`,
    );
    const mib = (v: number) => `${v.toFixed(0)} MiB`;
    console.log(
      `server RSS: start ${mib(rss[0])}, peak ${mib(Math.max(...rss))}, end ${mib(rss[rss.length - 1])}`,
    );
    // Every 5 s of the run: a leak climbs, a flat server levels off once its caches are warm.
    console.log(
      `server RSS every 5 s: ${rss
        .filter((_, i) => i % 5 === 0)
        .map((v) => v.toFixed(0))
        .join(' ')} MiB`,
    );
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
