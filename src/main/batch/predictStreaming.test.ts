import { describe, expect, it } from 'vitest';
import type { PlanarImage } from '../../core/image.js';
import type { ImageInfo, ImageSource } from '../../core/imageSource.js';
import type { Rect } from '../../core/tiling.js';
import type { RasterArray } from '../io/TiffStripWriter.js';
import { convertSamples, predictStreaming, type TileRequest } from './predictStreaming.js';
import type { RasterSink } from './RasterSink.js';

const RADIUS = 3;

/** An in-memory source that counts the pixels it was asked for. */
function memorySource(width: number, height: number, values: Float32Array) {
  const info: ImageInfo = {
    width,
    height,
    pages: 1,
    channels: 1,
    planes: 1,
    sampleType: 'float32',
    axes: 'yx',
    format: 'memory',
  };
  const stats = { pixelsRead: 0, largestRead: 0 };
  const source: ImageSource = {
    info,
    name: 'memory.tif',
    async readRegion(rect: Rect): Promise<PlanarImage> {
      stats.pixelsRead += rect.width * rect.height;
      stats.largestRead = Math.max(stats.largestRead, rect.width * rect.height);
      const plane = new Float32Array(rect.width * rect.height);
      for (let y = 0; y < rect.height; y++) {
        plane.set(
          values.subarray((rect.y + y) * width + rect.x, (rect.y + y) * width + rect.x + rect.width),
          y * rect.width,
        );
      }
      return { width: rect.width, height: rect.height, channels: [plane] };
    },
  };
  return { source, stats };
}

/** A "classifier" that needs RADIUS pixels of context: p = mean of a (2r+1)² window, clamped at the image edge. */
function windowMean(values: Float32Array, width: number, height: number, cx: number, cy: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, cy - RADIUS); y <= Math.min(height - 1, cy + RADIUS); y++) {
    for (let x = Math.max(0, cx - RADIUS); x <= Math.min(width - 1, cx + RADIUS); x++) {
      sum += values[y * width + x];
      n++;
    }
  }
  return sum / n;
}

async function fakeClassifyTile(tile: TileRequest): Promise<Float32Array[]> {
  const p = new Float32Array(tile.core.width * tile.core.height);
  for (let y = 0; y < tile.core.height; y++) {
    for (let x = 0; x < tile.core.width; x++) {
      p[y * tile.core.width + x] = windowMean(
        tile.planes[0],
        tile.width,
        tile.height,
        tile.core.x + x,
        tile.core.y + y,
      );
    }
  }
  await new Promise((r) => setTimeout(r, Math.random() * 3)); // tiles finish out of order
  return [p, p.map((v) => 1 - v)];
}

function memorySink(width: number, height: number, channels: number) {
  const planes = Array.from({ length: channels }, () => new Float64Array(width * height));
  let nextRow = 0;
  const sink: RasterSink & { planes: Float64Array[]; isClosed: boolean } = {
    path: 'memory',
    paths: ['memory'],
    planes,
    isClosed: false,
    async writeBand(y0: number, data: RasterArray[]) {
      expect(y0).toBe(nextRow); // bands arrive top to bottom
      data.forEach((d, c) => planes[c].set(d, y0 * width));
      nextRow = y0 + data[0].length / width;
    },
    async finish() {},
    async commit() {},
    async close() {
      sink.isClosed = true;
    },
    async abort() {},
  };
  return sink;
}

describe('predictStreaming', () => {
  for (const [width, height, tileSize] of [
    [101, 67, 32],
    [64, 64, 64],
    [130, 20, 50],
  ]) {
    it(`${width} × ${height} in ${tileSize}-px tiles equals the whole-image result`, async () => {
      const values = Float32Array.from({ length: width * height }, (_, i) => ((i * 7919) % 1000) / 1000);
      const { source, stats } = memorySource(width, height, values);
      const probs = memorySink(width, height, 2);
      const seg = memorySink(width, height, 1);
      const ticks: number[] = [];
      await predictStreaming({
        source,
        plane: 0,
        tileSize,
        haloPx: RADIUS,
        normalize: (image) => image,
        classifyTile: fakeClassifyTile,
        classValues: [1, 2],
        outputs: [
          { result: 'Probabilities', sampleType: 'float32', sink: probs },
          { result: 'Simple Segmentation', sampleType: 'uint8', sink: seg },
        ],
        onTile: (done) => ticks.push(done),
      });
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const expected = Math.fround(windowMean(values, width, height, x, y));
          expect(probs.planes[0][y * width + x]).toBe(expected);
          expect(seg.planes[0][y * width + x]).toBe(expected >= 1 - expected ? 1 : 2);
        }
      }
      const tiles = Math.ceil(width / tileSize) * Math.ceil(height / tileSize);
      expect(ticks).toEqual(Array.from({ length: tiles }, (_, i) => i + 1));
      // Memory is bounded by a band (tile rows + halo), not the image.
      expect(stats.largestRead).toBeLessThanOrEqual(width * Math.min(height, tileSize + 2 * RADIUS));
    });
  }

  it('fails with the file name on NaN and writes nothing after it', async () => {
    const values = new Float32Array(50 * 40);
    values[45 * 1 + 50 * 30] = NaN;
    const { source } = memorySource(50, 40, values);
    const sink = memorySink(50, 40, 2);
    await expect(
      predictStreaming({
        source,
        plane: 0,
        tileSize: 16,
        haloPx: RADIUS,
        normalize: (image) => image,
        classifyTile: fakeClassifyTile,
        classValues: [1, 2],
        outputs: [{ result: 'Probabilities', sampleType: 'float32', sink }],
      }),
    ).rejects.toThrow('memory.tif: contains NaN or infinite values (first at x=45, y=30, channel 0)');
  });
});

describe('convertSamples', () => {
  it('scales probabilities to the integer range and copies class values', () => {
    const p = Float32Array.from([0, 0.5, 1, 0.999, 0.001]);
    expect(Array.from(convertSamples(p, 'uint8', false))).toEqual([0, 128, 255, 255, 0]);
    expect(Array.from(convertSamples(p, 'uint16', false))).toEqual([0, 32768, 65535, 65469, 66]);
    expect(Array.from(convertSamples(Uint8Array.from([1, 2, 3]), 'uint16', true))).toEqual([1, 2, 3]);
  });
});
