/**
 * The service through its real engine (worker pool, feature bank, EM), reached over the in-memory
 * protocol and over a real WebSocket: the same suite for both transports (STYLE.md §6).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Stroke } from '../../core/labels/Stroke.js';
import { createInMemoryProtocolPair } from '../../core/protocol/InMemoryProtocol.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { connectService, serveService } from '../../core/protocol/rpc.js';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { serveBrowserMode } from '../server/serveBrowserMode.js';
import { WebSocketProtocol } from '../transports/WebSocketProtocol.js';
import { createBackend, type Backend } from './createBackend.js';

let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-service-'));
  backend = createBackend({ dataDir: dir, threads: 2 });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

function stroke(imageId: string, classId: number, points: number[], id = `s${classId}-${points[0]}`): Stroke {
  return {
    id,
    kind: 'stroke',
    imageId,
    classId,
    radiusPx: 4,
    mode: 'paint',
    points: new Float32Array(points),
  };
}

const transports: [string, () => Promise<{ client: MixelService; close: () => Promise<void> }>][] = [
  [
    'in-memory',
    async () => {
      const [a, b] = createInMemoryProtocolPair();
      const served = serveService(backend.service, a);
      return { client: connectService(b), close: async () => served.dispose() };
    },
  ],
  [
    'WebSocket',
    async () => {
      const server = await serveBrowserMode({ service: backend.service, rendererDir: dir, token: 'secret' });
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=secret`, {
        origin: server.origin,
      });
      await new Promise((ok, fail) => socket.once('open', ok).once('error', fail));
      return {
        client: connectService(new WebSocketProtocol(socket)),
        close: async () => {
          socket.close();
          await server.close();
        },
      };
    },
  ],
];

describe.each(transports)('the service over %s', (_name, connect) => {
  it('opens the sample, learns from two strokes, and paints nuclei brighter than background', async () => {
    const { client, close } = await connect();
    try {
      const project = await client.openSampleProject();
      const image = project.images[0];
      expect(image.width).toBe(512);
      expect(project.classes.map((c) => c.name)).toEqual(['background', 'nucleus']);

      const tile = await client.getImageTile({
        imageId: image.id,
        level: 1,
        rect: { x: 0, y: 0, width: 512, height: 512 },
      });
      expect(tile.width).toBe(256);
      expect(tile.channels[0]).toBeInstanceOf(Float32Array);
      // Find a bright (nucleus) and a dark (background) spot to scribble on.
      const plane = tile.channels[0];
      let bright = 0;
      let dark = 0;
      for (let i = 0; i < plane.length; i++) {
        if (plane[i] > plane[bright]) bright = i;
        if (plane[i] < plane[dark]) dark = i;
      }
      const at = (i: number) => [(i % 256) * 2 + 0.5, Math.floor(i / 256) * 2 + 0.5];
      const [bx, by] = at(bright);
      const [dx, dy] = at(dark);
      await client.applyLabelChange({
        added: [stroke(image.id, 2, [bx - 2, by, bx + 2, by]), stroke(image.id, 1, [dx - 6, dy, dx + 6, dy])],
        removed: [],
      });

      const tiles: ProbabilityTile[] = [];
      const sub = client.onDidUpdateTile((t) => tiles.push(t));
      const result = await client.predictTiles({
        requestId: 1,
        viewId: 'test-view',
        imageId: image.id,
        tiles: [
          { x: 0, y: 0, width: 256, height: 256 },
          { x: 256, y: 256, width: 256, height: 256 },
        ],
        retrain: true,
      });
      sub.dispose();
      expect(result.hasModel).toBe(true);
      expect(result.tilesDone).toBe(2);
      await new Promise((r) => setTimeout(r, 20));
      expect(tiles).toHaveLength(2);
      expect(tiles[0].probabilities).toBeInstanceOf(Uint8Array);
      expect(tiles[0].probabilities.length).toBe(2 * 256 * 256);
      // Probabilities of the two classes add up to 1 (255 after rounding, ±1).
      const p = tiles[0].probabilities;
      for (const i of [0, 1000, 40000]) expect(Math.abs(p[i] + p[65536 + i] - 255)).toBeLessThanOrEqual(1);
    } finally {
      await close();
    }
  });

  it('refuses malformed arguments with a message naming the method', async () => {
    const { client, close } = await connect();
    try {
      await expect(
        client.getImageTile({ imageId: 'x', level: -1, rect: { x: 0, y: 0, width: 1, height: 1 } }),
      ).rejects.toMatchObject({
        code: 'invalid-argument',
        message: expect.stringContaining('invalid arguments to getImageTile'),
      });
      await expect(client.openProject(join(dir, 'missing.mixel'))).rejects.toMatchObject({
        code: 'project-unreadable',
        message: expect.stringContaining('no such project file'),
      });
    } finally {
      await close();
    }
  });
});

describe('saving and reopening', () => {
  it('keeps the labels, classes and colours', async () => {
    const service = backend.service;
    const project = await service.openSampleProject();
    const imageId = project.images[0].id;
    await service.setClasses([
      { id: 1, name: 'background', color: '#112233' },
      { id: 2, name: 'nucleus', color: '#ff0000' },
    ]);
    await service.applyLabelChange({ added: [stroke(imageId, 2, [100, 100, 120, 100])], removed: [] });
    await service.applyLabelChange({ added: [stroke(imageId, 1, [300, 300, 340, 300])], removed: [] });
    const path = join(dir, 'saved', 'cells.mixel');
    await service.saveProject(path);
    // The saved model is the one for these labels, so `mixel predict` runs the project as saved.
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved.model.format).toBe('mixel-gmm-classifier');
    expect(saved.model.classes).toEqual([1, 2]);
    await service.newProject();
    const reopened = await service.openProject(path);
    expect(reopened.classes).toEqual([
      { id: 1, name: 'background', color: '#112233' },
      { id: 2, name: 'nucleus', color: '#ff0000' },
    ]);
    const base = await service.getBaseLabels(reopened.images[0].id);
    expect(base![100 * 512 + 110]).toBe(2);
    expect(base![300 * 512 + 320]).toBe(1);
    expect(base![450 * 512 + 450]).toBe(0);
  });
});

describe('several images', () => {
  it('trains on the labels of all images: one class painted on each still gives a model', async () => {
    const service = backend.service;
    const project = await service.openSampleProject();
    const first = project.images[0].id;
    const { writeSyntheticSample } = await import('../sample/writeSyntheticSample.js');
    const other = await writeSyntheticSample(join(dir, 'second'), { width: 256, height: 256, seed: 5 });
    const second = (await service.addImage(other.image)).id;
    await service.applyLabelChange({
      added: [
        stroke(first, 1, [300, 300, 340, 300], 's-first'),
        stroke(second, 2, [100, 100, 104, 100], 's-second'),
      ],
      removed: [],
    });
    const result = await service.predictTiles({
      requestId: 77,
      viewId: 'test-view',
      imageId: second,
      tiles: [{ x: 0, y: 0, width: 256, height: 256 }],
      retrain: true,
    });
    expect(result.hasModel).toBe(true);
    expect(result.tilesDone).toBe(1);
  });
});

describe('export', () => {
  it('writes float32 probabilities that sum to 1 and a segmentation that agrees; a failing image does not stop the rest', async () => {
    const service = backend.service;
    const project = await service.openSampleProject();
    const imageId = project.images[0].id;
    await service.applyLabelChange({
      added: [stroke(imageId, 1, [300, 300, 340, 300], 'e1'), stroke(imageId, 2, [100, 100, 104, 100], 'e2')],
      removed: [],
    });
    const progress: number[] = [];
    const sub = service.onDidProgress((p) => p.requestId === 5 && progress.push(p.done));
    const result = await service.exportImages({
      requestId: 5,
      imageIds: ['no-such-image', imageId],
      sources: ['probabilities', 'simple-segmentation'],
      format: 'tiff',
      outputPattern: join(dir, 'export', '{name}_{source}.{ext}'),
    });
    sub.dispose();
    expect(result.images[0]).toMatchObject({
      imageId: 'no-such-image',
      error: 'image no-such-image is not in the project',
    });
    expect(result.images[1].error).toBeUndefined();
    expect(result.images[1].paths).toEqual([
      join(dir, 'export', 'sample_Probabilities.tif'),
      join(dir, 'export', 'sample_Simple Segmentation.tif'),
    ]);
    expect(progress.at(-1)).toBe(2);

    const { readImage } = await import('../io/openImage.js');
    const probs = (await readImage(result.images[1].paths[0])).image;
    const seg = (await readImage(result.images[1].paths[1])).image;
    expect(probs.channels).toHaveLength(2);
    for (const i of [0, 5000, 100 * 512 + 102, 300 * 512 + 320]) {
      const [p1, p2] = [probs.channels[0][i], probs.channels[1][i]];
      expect(p1 + p2).toBeCloseTo(1, 5);
      expect(seg.channels[0][i]).toBe(p2 > p1 ? 2 : 1);
    }
    expect(seg.channels[0][100 * 512 + 102]).toBe(2);
    expect(seg.channels[0][300 * 512 + 320]).toBe(1);
  });
});

describe('the live loop', () => {
  it('previews with a quick fit, refits at the live level for full resolution, and refits only when labels change', async () => {
    const service = backend.service;
    const project = await service.openSampleProject();
    const imageId = project.images[0].id;
    await service.applyLabelChange({
      added: [stroke(imageId, 1, [300, 300, 340, 300], 'l1'), stroke(imageId, 2, [100, 100, 104, 100], 'l2')],
      removed: [],
    });
    const tiles = [{ x: 0, y: 0, width: 256, height: 256 }];
    const predict = (requestId: number, stride: number) =>
      service.predictTiles({ requestId, viewId: 'test-view', imageId, tiles, retrain: true, stride });
    const preview = await predict(200, 4);
    expect(preview.trainMs).toBeGreaterThan(0);
    const full = await predict(201, 1);
    expect(full.trainMs).toBeGreaterThan(0); // the quick fit does not serve the full resolution (liveFit.ts)
    const again = await predict(202, 1);
    expect(again.trainMs).toBe(0); // labels unchanged: no refit
    const previewAgain = await predict(203, 4);
    expect(previewAgain.trainMs).toBe(0); // and previews, until the labels change
  });
});
