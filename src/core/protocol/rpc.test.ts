import { describe, expect, it } from 'vitest';
import { encodeFrame, decodeFrame } from './binaryCodec.js';
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
    await new Promise((r) => setTimeout(r, 5));
    const tile = {
      requestId: 1,
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
