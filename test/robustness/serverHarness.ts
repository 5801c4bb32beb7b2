/**
 * The real browser-mode server for robustness tests: `createBackend` (as `mixel serve` wires it) with the
 * built-in sample open, served by `serveBrowserMode` on 127.0.0.1, plus raw-socket helpers to send
 * requests and WebSocket frames no well-behaved client would.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { MixelService } from '../../src/core/protocol/MixelService.js';
import { connectService } from '../../src/core/protocol/rpc.js';
import { serveBrowserMode, type BrowserModeServer } from '../../src/main/server/serveBrowserMode.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import { WebSocketProtocol } from '../../src/main/transports/WebSocketProtocol.js';

export interface ServedSample {
  readonly backend: Backend;
  readonly server: BrowserModeServer;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * Errors that would have ended a real `mixel serve` process (vitest catches them so the run goes on):
 * each test asserts this list stays empty.
 */
export const processKillers: unknown[] = [];
process.on('uncaughtException', (err) => processKillers.push(err));
process.on('unhandledRejection', (err) => processKillers.push(err));

/** The sample project served as `mixel serve` serves it, with a tiny stand-in for the built window. */
export async function serveSample(): Promise<ServedSample> {
  const dir = await mkdtemp(join(tmpdir(), 'mixel-server-robustness-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Mixel</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("mixel");');
  const backend = createBackend({ dataDir: join(dir, 'data'), threads: 1 });
  await backend.service.openSampleProject();
  const server = await serveBrowserMode({ service: backend.service, rendererDir });
  return {
    backend,
    server,
    dir,
    async close() {
      await server.close();
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A client as the window is one: right token, right origin. Resolves once the socket is open. */
export async function connectClient(
  server: BrowserModeServer,
): Promise<{ service: MixelService; socket: WebSocket; close(): void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
    origin: server.origin,
  });
  await new Promise((ok, fail) => socket.once('open', ok).once('error', fail));
  const service = connectService(new WebSocketProtocol(socket));
  return { service, socket, close: () => socket.close() };
}

/** Whether a fresh, legitimate client can still connect and read the project: "the server is up". */
export async function serverAnswers(server: BrowserModeServer): Promise<boolean> {
  const client = await connectClient(server);
  try {
    const project = await client.service.getProject();
    return project.images.length > 0;
  } finally {
    client.close();
  }
}

/** Sends raw bytes on a fresh TCP connection and collects everything until the server closes it. */
export function rawExchange(port: number, bytes: Buffer | string, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {}); // a reset is an answer too: the server dropped us
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(bytes);
  });
}

/** The status code of an HTTP answer, or 0 when the server sent nothing. */
export function statusOf(answer: Buffer): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer.toString('latin1'));
  return match ? Number(match[1]) : 0;
}

export interface UpgradeHeaders {
  target?: string;
  host?: string;
  /** null leaves the Origin header out. */
  origin?: string | null;
  token?: string;
}

/** An HTTP/1.1 WebSocket upgrade request, correct unless told otherwise. */
export function upgradeRequest(server: BrowserModeServer, headers: UpgradeHeaders = {}): string {
  const target = headers.target ?? `/ws?token=${headers.token ?? server.token}`;
  const lines = [
    `GET ${target} HTTP/1.1`,
    `Host: ${headers.host ?? `127.0.0.1:${server.port}`}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
  ];
  const origin = headers.origin === undefined ? server.origin : headers.origin;
  if (origin !== null) lines.push(`Origin: ${origin}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** The three RSV bits, as a number 0..7. */
  rsv?: number;
  /** Client frames must be masked; false sends one unmasked. */
  masked?: boolean;
  /** A declared 64-bit payload length that differs from the payload sent. */
  declaredLength?: bigint;
}

/** One WebSocket frame as RFC 6455 lays it out, built by hand so it can break any rule. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const masked = spec.masked ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  const length = spec.declaredLength ?? BigInt(payload.length);
  let header: Buffer;
  if (spec.declaredLength === undefined && length < 126n) {
    header = Buffer.from([first, (masked ? 0x80 : 0) | Number(length)]);
  } else if (spec.declaredLength === undefined && length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, body]);
}

/** The close code of the first close frame in what the server sent after its 101 answer, or null. */
export function closeCodeOf(answer: Buffer): number | null {
  const end = answer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  let at = end + 4;
  while (at + 2 <= answer.length) {
    const opcode = answer[at] & 0x0f;
    let length = answer[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = answer.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(answer.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (opcode === 0x8) return length >= 2 ? answer.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return null;
}

/** Opens a raw socket, completes the upgrade, and returns it once the 101 answer has arrived. */
export function openRawWebSocket(server: BrowserModeServer): Promise<{ socket: Socket; received: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('error', () => {});
    socket.on('data', (d) => {
      received.push(d);
      const text = Buffer.concat(received).toString('latin1');
      if (text.includes('\r\n\r\n')) {
        if (text.startsWith('HTTP/1.1 101')) resolve({ socket, received });
        else reject(new Error(`upgrade refused: ${text.split('\r\n')[0]}`));
      }
    });
    socket.once('close', () => reject(new Error('closed before the upgrade')));
    socket.write(upgradeRequest(server));
  });
}

/**
 * Everything received once the server has closed the raw socket; `timedOut` when it had not closed it
 * after timeoutMs (the socket is then destroyed here).
 */
export function untilClosed(
  raw: { socket: Socket; received: Buffer[] },
  timeoutMs = 5000,
): Promise<{ bytes: Buffer; timedOut: boolean }> {
  return new Promise((resolve) => {
    let timedOut = false;
    const done = () => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(raw.received), timedOut });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      raw.socket.destroy();
    }, timeoutMs);
    if (raw.socket.destroyed) done();
    else raw.socket.once('close', done);
  });
}

/** The status of the server's answer to one request: read up to its status line, then hang up. */
export function answerStatus(port: number, request: string, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', () => {});
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(statusOf(Buffer.from(text, 'latin1')));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(statusOf(Buffer.from(text, 'latin1')));
    });
    socket.write(request);
  });
}
