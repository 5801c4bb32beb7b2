import { describe, expect, it } from 'vitest';
import { encodeFrame, decodeFrame } from './binaryCodec.js';
import { MAX_CALLS_IN_FLIGHT_PER_CONNECTION, MAX_SUBSCRIPTIONS_PER_CONNECTION } from './constants.js';
import { Emitter } from './Event.js';
import { createInMemoryProtocolPair } from './InMemoryProtocol.js';
import type { MixelService } from './MixelService.js';
import { connectService, serveService } from './rpc.js';
import { ServiceError } from './ServiceError.js';
import type { ProbabilityTile, Progress } from './types.js';

/** A service whose members record calls; only what these tests use is implemented. */
function fakeService() {
  const progress = new Emitter<Progress>();
  const tiles = new Emitter<ProbabilityTile>();
  const calls: [string, unknown[]][] = [];
  const service = {
    onDidProgress: progress.event,
    onDidUpdateTile: tiles.event,
    async addImage(path: string) {
      calls.push(['addImage', [path]]);
      if (path === '/hang') return new Promise(() => {});
      if (path.endsWith('.bmp'))
        throw new ServiceError('image-unreadable', `cannot open image ${path}: use TIFF, PNG or JPEG`);
      return {
        id: 'a',
        name: 'a.tif',
        path,
        width: 2,
        height: 2,
        channelCount: 1,
        sampleType: 'uint8',
        channelRanges: [],
      };
    },
    async predictTiles(request: { requestId: number; viewId: string; imageId: string }) {
      calls.push(['predictTiles', [request]]);
      return { requestId: request.requestId, hasModel: true, isCancelled: false };
    },
    async cancel(requestId: number) {
      calls.push(['cancel', [requestId]]);
    },
  } as unknown as MixelService;
  return { service, calls, progress, tiles };
}

function connect() {
  const fake = fakeService();
  const [server, client] = createInMemoryProtocolPair();
  serveService(fake.service, server);
  return { ...fake, client: connectService(client), raw: client };
}

describe('calls over a protocol', () => {
  it('forwards a call and its result', async () => {
    const { client, calls } = connect();
    const image = await client.addImage('/data/a.tif');
    expect(image.path).toBe('/data/a.tif');
    expect(calls).toEqual([['addImage', ['/data/a.tif']]]);
  });

  it('brings errors back as { name, message, code }', async () => {
    const { client } = connect();
    const error = await client.addImage('/data/x.bmp').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      name: 'ServiceError',
      code: 'image-unreadable',
      message: 'cannot open image /data/x.bmp: use TIFF, PNG or JPEG',
    });
  });

  it('refuses invalid arguments before they reach the service', async () => {
    const { client, calls } = connect();
    await expect(client.addImage('' as string)).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(client.cancel(-1)).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringContaining('cancel'),
    });
    expect(calls).toEqual([]);
  });

  it('refuses unknown method names instead of dispatching them', async () => {
    const { raw } = connect();
    const answers: unknown[] = [];
    raw.onMessage((f) => answers.push(decodeFrame(f)));
    raw.send(encodeFrame({ type: 'call', id: 9, method: 'constructor', args: [] }));
    await new Promise((r) => setTimeout(r, 5));
    expect(answers).toEqual([
      {
        type: 'error',
        id: 9,
        error: { name: 'ServiceError', code: 'unknown-method', message: 'unknown method "constructor"' },
      },
    ]);
  });

  it('delivers events with binary payloads to subscribers until they unsubscribe', async () => {
    const { client, tiles } = connect();
    const got: ProbabilityTile[] = [];
    const sub = client.onDidUpdateTile((t) => got.push(t));
    // Tiles go to the connection that predicted for their view.
    await client.predictTiles({ requestId: 1, viewId: 'view', imageId: 'a', tiles: [], retrain: false });
    await new Promise((r) => setTimeout(r, 5));
    const tile = {
      requestId: 1,
      viewId: 'view',
      imageId: 'a',
      rect: { x: 0, y: 0, width: 2, height: 1 },
      stride: 1,
      width: 2,
      height: 1,
      classCount: 2,
      probabilities: new Uint8Array([255, 0, 0, 255]),
    };
    tiles.fire(tile);
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toHaveLength(1);
    expect(got[0].probabilities).toBeInstanceOf(Uint8Array);
    expect(Array.from(got[0].probabilities)).toEqual([255, 0, 0, 255]);
    sub.dispose();
    await new Promise((r) => setTimeout(r, 5));
    tiles.fire(tile);
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toHaveLength(1);
  });
});

describe('a hostile client on one connection', () => {
  const settle = () => new Promise((r) => setTimeout(r, 20));
  function listen(raw: ReturnType<typeof connect>['raw']) {
    const answers: { type: string; id: number; error?: { code: string; message: string } }[] = [];
    raw.onMessage((f) => answers.push(decodeFrame(f) as (typeof answers)[number]));
    return answers;
  }

  it(`keeps at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions and answers the rest busy`, async () => {
    const { raw, tiles } = connect();
    const answers = listen(raw);
    for (let id = 1; id <= 3000; id++)
      raw.send(encodeFrame({ type: 'subscribe', id, event: 'onDidUpdateTile' }));
    await settle();
    const busy = answers.filter((a) => a.type === 'error' && a.error?.code === 'busy');
    expect(busy).toHaveLength(3000 - MAX_SUBSCRIPTIONS_PER_CONNECTION);
    answers.length = 0;
    tiles.fire({ requestId: 1 } as unknown as ProbabilityTile);
    await settle();
    expect(answers.filter((a) => a.type === 'event')).toHaveLength(MAX_SUBSCRIPTIONS_PER_CONNECTION);
  });

  it(`answers busy beyond ${MAX_CALLS_IN_FLIGHT_PER_CONNECTION} calls running at once`, async () => {
    const { raw } = connect();
    const answers = listen(raw);
    for (let id = 1; id <= MAX_CALLS_IN_FLIGHT_PER_CONNECTION + 1; id++) {
      raw.send(encodeFrame({ type: 'call', id, method: 'addImage', args: ['/hang'] }));
    }
    await settle();
    expect(answers).toEqual([
      expect.objectContaining({
        type: 'error',
        id: MAX_CALLS_IN_FLIGHT_PER_CONNECTION + 1,
        error: expect.objectContaining({ code: 'busy' }),
      }),
    ]);
  });

  it('a cancel for a call that is not running does not swallow a later answer with that id', async () => {
    const { raw } = connect();
    const answers = listen(raw);
    raw.send(encodeFrame({ type: 'cancel', id: 5 }));
    raw.send(encodeFrame({ type: 'call', id: 5, method: 'addImage', args: ['/data/a.tif'] }));
    await settle();
    expect(answers).toEqual([expect.objectContaining({ type: 'result', id: 5 })]);
  });

  it('drops frames it cannot read and refuses names that are not strings, then still answers', async () => {
    const { raw, client } = connect();
    const answers = listen(raw);
    const junk = [
      new Uint8Array([1, 2]).buffer,
      new Uint8Array([255, 255, 255, 255, 0]).buffer,
      encodeFrame('call'),
      encodeFrame({ type: 'call', method: 'getProject', args: [] }),
      encodeFrame({ type: 'call', id: 1.5, method: 'getProject', args: [] }),
      encodeFrame({ type: 'explode', id: 2 }),
    ];
    for (const frame of junk) raw.send(frame);
    raw.send(encodeFrame({ type: 'call', id: 3, method: { toString: 1 }, args: [] }));
    raw.send(encodeFrame({ type: 'subscribe', id: 4, event: { toString: 1 } }));
    raw.send(encodeFrame({ type: 'call', id: 6, method: 'addImage', args: 'not a list' }));
    await settle();
    expect(answers.map((a) => [a.id, a.error?.code])).toEqual([
      [3, 'unknown-method'],
      [4, 'unknown-event'],
      [6, 'invalid-argument'],
    ]);
    expect((await client.addImage('/data/b.tif')).path).toBe('/data/b.tif');
  });

  it('a 16 MiB array sent as a method name is refused at once, not written out into the message', async () => {
    const { raw } = connect();
    const answers = listen(raw);
    // Encoding the 16 MiB is the hostile client's work (a few hundred ms on a loaded machine): not timed.
    const frame = encodeFrame({ type: 'call', id: 12, method: new Uint8Array(16 * 1024 ** 2), args: [] });
    const started = Date.now();
    raw.send(frame);
    await expect.poll(() => answers.length, { timeout: 10_000, interval: 5 }).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answers[0].error).toMatchObject({
      code: 'unknown-method',
      message: 'unknown method of type object',
    });
  });

  it('a "__proto__" key cannot dress a plain object up as a typed array', async () => {
    const { raw, calls } = connect();
    const answers = listen(raw);
    // {"points": {"__proto__": <Float32Array>}}: before, JSON.parse's own "__proto__" key became the prototype.
    const header = new TextEncoder().encode(
      JSON.stringify({
        v: { type: 'call', id: 8, method: 'applyLabelChange', args: [] },
        b: [[0, 8]],
      }).replace(
        '"args":[]',
        `"args":[{"added":[{"id":"s","kind":"stroke","imageId":"a","classId":1,"radiusPx":2,"mode":"paint",` +
          `"points":{"__proto__":{"$bin":0,"$type":"Float32Array"}}}],"removed":[]}]`,
      ),
    );
    const frame = new Uint8Array(((4 + header.length + 7) & ~7) + 8);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    raw.send(frame.buffer);
    await settle();
    expect(answers).toEqual([
      expect.objectContaining({ id: 8, error: expect.objectContaining({ code: 'invalid-argument' }) }),
    ]);
    expect(calls).toEqual([]);
  });
});

describe('several windows on one service', () => {
  it('sends each connection the tiles of its own views only, and progress to all', async () => {
    const fake = fakeService();
    const windows = ['left', 'right'].map((viewId) => {
      const [server, client] = createInMemoryProtocolPair();
      serveService(fake.service, server);
      const service = connectService(client);
      const tiles: string[] = [];
      const progress: unknown[] = [];
      service.onDidUpdateTile((t) => tiles.push(t.viewId));
      service.onDidProgress((p) => progress.push(p));
      return { viewId, service, tiles, progress };
    });
    await new Promise((r) => setTimeout(r, 5));
    for (const w of windows) {
      await w.service.predictTiles({
        requestId: 1,
        viewId: w.viewId,
        imageId: 'a',
        tiles: [{ x: 0, y: 0, width: 2, height: 2 }],
        retrain: false,
      });
    }
    for (const viewId of ['left', 'right', 'nobody']) {
      fake.tiles.fire({ requestId: 1, viewId } as unknown as ProbabilityTile);
    }
    fake.progress.fire({ task: 'predict' } as unknown as Progress);
    await new Promise((r) => setTimeout(r, 5));
    expect(windows.map((w) => w.tiles)).toEqual([['left'], ['right']]);
    expect(windows.map((w) => w.progress.length)).toEqual([1, 1]);
  });
});
