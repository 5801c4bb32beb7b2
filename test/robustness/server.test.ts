/**
 * Attacks on `mixel serve` from another process on the same machine: malformed request targets, foreign
 * origins and Host headers, hand-built WebSocket frames that break the protocol, oversized frames, and
 * floods of subscriptions. After each, the server must still be up: a legitimate client connects and reads
 * the project.
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, decodeFrame } from '../../src/core/protocol/binaryCodec.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../src/core/protocol/constants.js';
import { MAX_CONNECTIONS } from '../../src/main/server/serveBrowserMode.js';
import { MAX_UNSENT_BYTES } from '../../src/main/transports/WebSocketProtocol.js';
import {
  answerStatus,
  closeCodeOf,
  connectClient,
  frame,
  openRawWebSocket,
  processKillers,
  rawExchange,
  serveSample,
  serverAnswers,
  statusOf,
  untilClosed,
  upgradeRequest,
  type ServedSample,
} from './serverHarness.js';

let served: ServedSample;

beforeAll(async () => {
  served = await serveSample();
});

afterEach(() => {
  // An error nobody handled would have ended the real server process.
  expect(processKillers.splice(0).map(String)).toEqual([]);
});

afterAll(async () => {
  await served?.close();
});

const httpGet = (target: string, host = `127.0.0.1:${served.server.port}`) =>
  rawExchange(served.server.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

describe('malformed request targets', () => {
  it.each(['//[x]/', 'http://[x]/', 'http://a:99999/', '/\\[x]/?token=t'])(
    'an upgrade to %s is refused with 400 and the server stays up',
    async (target) => {
      const answer = await rawExchange(served.server.port, upgradeRequest(served.server, { target }));
      expect(statusOf(answer)).toBe(400);
      expect(await serverAnswers(served.server)).toBe(true);
    },
  );

  it.each(['//[x]/', 'http://[x]/', 'http://a:99999/'])(
    'a page request for %s answers 400',
    async (target) => {
      expect(statusOf(await httpGet(target))).toBe(400);
      expect(await serverAnswers(served.server)).toBe(true);
    },
  );

  it('malformed percent-encoding (/%zz) answers 400, not 500', async () => {
    expect(statusOf(await httpGet(`/%zz?token=${served.server.token}`))).toBe(400);
    expect(statusOf(await httpGet('/assets/%E0%A4%A'))).toBe(400);
  });

  it('a request Node cannot parse answers 400 and the server stays up', async () => {
    const answer = await rawExchange(served.server.port, 'GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n');
    expect(statusOf(answer)).toBe(400);
    expect(await serverAnswers(served.server)).toBe(true);
  });
});

describe('the page and its files', () => {
  it('serves the page only with the token, and never sets a cookie (cookies ignore ports)', async () => {
    const without = await httpGet('/');
    expect(statusOf(without)).toBe(403);
    expect(without.toString()).toContain('open the URL that `mixel serve` printed');
    const withToken = await httpGet(`/?token=${served.server.token}`);
    expect(statusOf(withToken)).toBe(200);
    expect(withToken.toString().toLowerCase()).not.toContain('set-cookie');
    expect(withToken.toString()).toContain(`connect-src 'self' ws://127.0.0.1:${served.server.port};`);
  });

  it('serves the scripts without a token (they hold no secret) but nothing outside the window', async () => {
    expect(statusOf(await httpGet('/assets/app.js'))).toBe(200);
    expect(statusOf(await httpGet('/../../../../etc/passwd'))).toBe(404);
    expect(statusOf(await httpGet('/%2e%2e/%2e%2e/%2e%2e/etc/passwd'))).toBe(404);
  });

  it('clients that pipeline requests for the script and never read cannot fill memory', async () => {
    await writeFile(join(served.dir, 'renderer', 'assets', 'big.js'), Buffer.alloc(1024 ** 2, 65));
    const request = `GET /assets/big.js HTTP/1.1\r\nHost: 127.0.0.1:${served.server.port}\r\n\r\n`;
    const flood = Buffer.from(request.repeat(1000));
    const before = process.memoryUsage().rss;
    const sockets = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const socket = connect(served.server.port, '127.0.0.1');
        socket.on('error', () => {});
        await new Promise((ok) => socket.once('connect', ok));
        socket.pause();
        socket.write(flood);
        return socket;
      }),
    );
    await new Promise((r) => setTimeout(r, 2000));
    const grown = (process.memoryUsage().rss - before) / 1024 ** 2;
    for (const socket of sockets) socket.destroy();
    expect(grown).toBeLessThan(100);
    await expect.poll(async () => statusOf(await httpGet('/assets/big.js')), { timeout: 5000 }).toBe(200);
    expect(await serverAnswers(served.server)).toBe(true);
    // A browser's keep-alive connection asks one file after another, as often as it likes.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${served.server.origin}/assets/big.js`);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual(new Array(12).fill(200));
  });

  it('answers 403 to another Host name (DNS rebinding), even with the token', async () => {
    const port = served.server.port;
    expect(statusOf(await httpGet(`/?token=${served.server.token}`, `evil.example:${port}`))).toBe(403);
    expect(statusOf(await httpGet('/assets/app.js', `evil.example:${port}`))).toBe(403);
    expect(statusOf(await httpGet('/assets/app.js', `localhost:${port}`))).toBe(403);
  });
});

describe('who may open the WebSocket', () => {
  const upgrade = (headers: Parameters<typeof upgradeRequest>[1]) =>
    answerStatus(served.server.port, upgradeRequest(served.server, headers));

  it('the exact printed origin with the token is let in', async () => {
    expect(await upgrade({})).toBe(101);
  });

  it('a page of another local port is refused even with the right token', async () => {
    const other = served.server.port === 65535 ? 65534 : served.server.port + 1;
    expect(await upgrade({ origin: `http://127.0.0.1:${other}` })).toBe(403);
    expect(await upgrade({ origin: `http://localhost:${served.server.port}` })).toBe(403);
    expect(await upgrade({ origin: `https://127.0.0.1:${served.server.port}` })).toBe(403);
    expect(await upgrade({ origin: 'null' })).toBe(403);
  });

  it('a handshake without Origin, with another Host, or without the right token is refused', async () => {
    expect(await upgrade({ origin: null })).toBe(403);
    expect(await upgrade({ host: `evil.example:${served.server.port}` })).toBe(403);
    expect(await upgrade({ token: 'wrong' })).toBe(403);
    expect(await upgrade({ target: '/ws' })).toBe(403);
  });
});

describe('WebSocket protocol errors close that connection only', () => {
  const attacks: [string, number, Buffer][] = [
    ['opcode 3 (reserved)', 1002, frame({ opcode: 3, payload: Buffer.from('x') })],
    ['RSV1 set without compression', 1002, frame({ opcode: 2, rsv: 4, payload: Buffer.from('x') })],
    ['an unmasked client frame', 1002, frame({ opcode: 2, masked: false, payload: Buffer.from('x') })],
    ['invalid UTF-8 text', 1007, frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28, 0xff]) })],
    ['close code 999', 1002, frame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })],
    ['a 200-byte ping', 1002, frame({ opcode: 9, payload: Buffer.alloc(200, 1) })],
    ['a stray continuation frame', 1002, frame({ opcode: 0, payload: Buffer.from('x') })],
    ['a 64-bit length of 2^63', 1009, frame({ opcode: 2, declaredLength: 2n ** 63n })],
  ];

  it.each(attacks)('%s: closed with %i, the server stays up', async (_name, code, attack) => {
    const raw = await openRawWebSocket(served.server);
    raw.socket.write(attack);
    const { bytes } = await untilClosed(raw);
    expect(closeCodeOf(bytes)).toBe(code);
    expect(await serverAnswers(served.server)).toBe(true);
  });

  it('a frame declaring 3e9 bytes is refused (1009) before it is buffered', async () => {
    const raw = await openRawWebSocket(served.server);
    const before = process.memoryUsage().rss;
    raw.socket.write(frame({ opcode: 2, declaredLength: 3_000_000_000n }));
    // Keep sending what the frame promised, as an attacker would, until the server hangs up.
    const chunk = Buffer.alloc(1024 ** 2, 7);
    for (let sent = 0; sent < 256 && !raw.socket.destroyed; sent++) {
      if (!raw.socket.write(chunk)) await new Promise((ok) => raw.socket.once('drain', ok).once('close', ok));
    }
    const { bytes } = await untilClosed(raw);
    const grown = (process.memoryUsage().rss - before) / 1024 ** 2;
    expect(closeCodeOf(bytes)).toBe(1009);
    expect(grown).toBeLessThan(50);
    expect(await serverAnswers(served.server)).toBe(true);
  });
});

describe('one connection cannot hoard the service', () => {
  it(`at most ${MAX_CONNECTIONS} connections are served; the next is told 503`, async () => {
    const opened: Awaited<ReturnType<typeof openRawWebSocket>>[] = [];
    let refusal = '';
    try {
      for (let i = 0; i <= MAX_CONNECTIONS && !refusal; i++) {
        await openRawWebSocket(served.server).then(
          (raw) => opened.push(raw),
          (err: Error) => (refusal = err.message),
        );
      }
      expect(refusal).toContain('503');
      expect(opened.length).toBeLessThanOrEqual(MAX_CONNECTIONS);
    } finally {
      for (const raw of opened) raw.socket.destroy();
    }
    await expect.poll(() => serverAnswers(served.server).catch(() => false), { timeout: 5000 }).toBe(true);
  });

  it('a client that pings without reading the pongs is dropped instead of growing memory', async () => {
    const raw = await openRawWebSocket(served.server);
    raw.socket.pause();
    const ping = frame({ opcode: 9, payload: Buffer.alloc(125, 1) });
    const batch = Buffer.concat(Array.from({ length: 8192 }, () => ping));
    // 80 MiB of pings, never reading the pongs (`ws` ends such a connection itself: maxPendingAutoPongs).
    for (let sent = 0; sent < 80 * 1024 ** 2 && !raw.socket.destroyed; sent += batch.length) {
      if (!raw.socket.write(batch)) {
        await new Promise((ok) => {
          const timer = setTimeout(ok, 2000); // the server stopped reading us: enough sent
          raw.socket.once('drain', () => ok(clearTimeout(timer)));
        });
      }
    }
    raw.socket.resume();
    const { bytes, timedOut } = await untilClosed(raw, 15_000);
    expect(timedOut).toBe(false);
    expect(bytes.length).toBeLessThan(MAX_UNSENT_BYTES + 16 * 1024 ** 2);
    expect(await serverAnswers(served.server)).toBe(true);
  });

  it('a client that stops reading its answers is dropped instead of growing memory', async () => {
    const raw = await openRawWebSocket(served.server);
    raw.socket.pause();
    const imageId = (await served.backend.service.getProject()).images[0].id;
    // 120 answers of 1 MiB (512² float32) each, never read: far past MAX_UNSENT_BYTES.
    for (let id = 1; id <= 120; id++) {
      const call = {
        type: 'call',
        id,
        method: 'getImageTile',
        args: [{ imageId, level: 0, rect: { x: 0, y: 0, width: 512, height: 512 } }],
      };
      raw.socket.write(frame({ opcode: 2, payload: Buffer.from(encodeFrame(call)) }));
    }
    await new Promise((r) => setTimeout(r, 3000));
    raw.socket.resume();
    const { bytes, timedOut } = await untilClosed(raw, 10_000);
    expect(timedOut).toBe(false);
    expect(bytes.length).toBeLessThan(MAX_UNSENT_BYTES + 16 * 1024 ** 2);
    expect(await serverAnswers(served.server)).toBe(true);
  });

  it(`3000 subscriptions: ${MAX_SUBSCRIPTIONS_PER_CONNECTION} are kept, the rest are refused as busy`, async () => {
    const client = await connectClient(served.server);
    try {
      const refused: number[] = [];
      client.socket.on('message', (data: ArrayBuffer) => {
        const message = decodeFrame(data) as { type: string; id: number; error?: { code: string } };
        if (message.type === 'error' && message.error?.code === 'busy') refused.push(message.id);
      });
      for (let id = 1_000_000; id < 1_003_000; id++) {
        client.socket.send(encodeFrame({ type: 'subscribe', id, event: 'onDidUpdateTile' }));
      }
      await expect
        .poll(() => refused.length, { timeout: 10_000 })
        .toBe(3000 - MAX_SUBSCRIPTIONS_PER_CONNECTION);
      expect(Math.min(...refused)).toBe(1_000_000 + MAX_SUBSCRIPTIONS_PER_CONNECTION);
      expect((await client.service.getProject()).images.length).toBe(1);
    } finally {
      client.close();
    }
  });
});

describe('calls that race', () => {
  it('removing an image while a prediction trains answers without an internal error', async () => {
    const client = await connectClient(served.server);
    try {
      const outcomes: string[] = [];
      for (let round = 0; round < 3; round++) {
        const image = (await client.service.openSampleProject()).images[0];
        const stroke = (id: string, classId: number, y: number) => ({
          id: `${id}${round}`,
          kind: 'stroke' as const,
          imageId: image.id,
          classId,
          radiusPx: 3,
          mode: 'paint' as const,
          points: new Float32Array([10, y, 200, y]),
        });
        await client.service.applyLabelChange({
          added: [stroke('a', 1, 10), stroke('b', 2, 300)],
          removed: [],
        });
        const [predicted] = await Promise.allSettled([
          client.service.predictTiles({
            requestId: round,
            viewId: 'race',
            imageId: image.id,
            tiles: [{ x: 0, y: 0, width: 256, height: 256 }],
            retrain: true,
          }),
          client.service.removeImage(image.id),
        ]);
        outcomes.push(predicted.status === 'fulfilled' ? 'ok' : (predicted.reason as { code: string }).code);
      }
      expect(outcomes.filter((code) => code === 'internal')).toEqual([]);
    } finally {
      await client.service.openSampleProject();
      client.close();
    }
  });
});
