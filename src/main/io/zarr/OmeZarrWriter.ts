/**
 * Writes an OME-Zarr image while a prediction streams: bands of rows arrive top to bottom (per plane of a
 * stack); rows collect into one chunk row per resolution level, and a chunk row is compressed and written
 * as soon as it is complete, then halved into the next level's rows. Memory stays at one chunk row per
 * level (about twice the level-0 chunk row in all), whatever the image's height. Everything is written
 * into a temporary folder that `commit` renames into place and `abort` removes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { downsample2x, type SampleArray } from './downsample2x.js';
import {
  ZARR_OUTPUT_COMPRESSOR,
  levelChunks,
  omeZarrLayout,
  zarrayJson,
  zattrsJson,
  type OmeZarrLayout,
  type OmeZarrOutputSpec,
} from './omeZarrLayout.js';
import { commitTemporaryFolder, createTemporaryFolder, removeTemporaryFolder } from './temporaryFolder.js';

const gzipAsync = promisify(gzip);

/** Chunks compressed at once: enough to keep libuv's four threads busy, few enough to bound memory. */
const CHUNKS_IN_FLIGHT = 8;

interface LevelRows {
  readonly width: number;
  readonly height: number;
  readonly chunkRows: number;
  readonly chunkCols: number;
  /** One chunk row per channel: chunkRows × width samples. */
  readonly buffers: SampleArray[];
  /** First image row the buffer holds. */
  rowStart: number;
  rowsFilled: number;
}

export class OmeZarrWriter {
  private readonly layout: OmeZarrLayout;
  private readonly planes = new Map<number, LevelRows[]>();
  /** Planes whose every row is written: their buffers are released. */
  private readonly completePlanes = new Set<number>();
  private readonly madeFolders = new Set<string>();
  private state: 'open' | 'finished' | 'committed' | 'aborted' = 'open';

  private constructor(
    readonly path: string,
    private readonly tmpPath: string,
    private readonly spec: OmeZarrOutputSpec,
  ) {
    this.layout = omeZarrLayout(spec);
  }

  static async create(path: string, spec: OmeZarrOutputSpec): Promise<OmeZarrWriter> {
    const tmpPath = await createTemporaryFolder(path);
    const writer = new OmeZarrWriter(path, tmpPath, spec);
    try {
      await writeFile(join(tmpPath, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
      for (let level = 0; level < writer.layout.levels.length; level++) {
        await mkdir(join(tmpPath, String(level)));
        await writeFile(join(tmpPath, String(level), '.zarray'), zarrayJson(spec, writer.layout, level));
      }
    } catch (err) {
      await removeTemporaryFolder(tmpPath);
      throw err;
    }
    return writer;
  }

  /** Rows y0.. of every channel of `plane` (t-major, z fastest), one array of rows × width per channel. */
  async writeRows(y0: number, channels: readonly SampleArray[], plane = 0): Promise<void> {
    if (this.state !== 'open') throw new Error(`${this.path}: rows written after finish`);
    if (channels.length !== this.spec.channels) {
      throw new Error(
        `${this.path}: ${channels.length} channels written to an image of ${this.spec.channels}`,
      );
    }
    const planeCount = this.spec.planeSizes.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(plane) || plane < 0 || plane >= planeCount) {
      throw new RangeError(`${this.path}: plane ${plane} does not exist (${planeCount} planes)`);
    }
    if (this.completePlanes.has(plane)) throw new Error(`${this.path}: plane ${plane} written twice`);
    await this.push(plane, 0, y0, channels, channels[0].length / this.spec.width);
    const level0 = this.levelsOf(plane)[0];
    if (level0.rowStart === level0.height) {
      this.planes.delete(plane);
      this.completePlanes.add(plane);
    }
  }

  /** Writes the last rows of every level and the image's metadata, under the temporary name. */
  async finish(): Promise<void> {
    if (this.state !== 'open') return;
    const planeCount = this.spec.planeSizes.reduce((a, b) => a * b, 1);
    for (let plane = 0; plane < planeCount; plane++) {
      if (this.completePlanes.has(plane)) continue;
      const level0 = this.planes.get(plane)?.[0];
      const written = level0 ? level0.rowStart + level0.rowsFilled : 0;
      throw new Error(`${this.path}: plane ${plane} received ${written} of ${this.spec.height} rows`);
    }
    await writeFile(join(this.tmpPath, '.zattrs'), zattrsJson(this.spec, this.layout));
    this.state = 'finished';
  }

  async commit(): Promise<void> {
    if (this.state === 'committed') return;
    if (this.state !== 'finished') throw new Error(`${this.path}: committed before it was finished`);
    await commitTemporaryFolder(this.tmpPath, this.path);
    this.state = 'committed';
  }

  async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    this.planes.clear();
    await removeTemporaryFolder(this.tmpPath);
  }

  private levelsOf(plane: number): LevelRows[] {
    let levels = this.planes.get(plane);
    if (!levels) {
      levels = this.layout.levels.map((shape, level) => {
        const [chunkRows, chunkCols] = levelChunks(this.layout, level).slice(-2);
        return {
          ...shape,
          chunkRows,
          chunkCols,
          buffers: Array.from({ length: this.spec.channels }, () => this.allocate(chunkRows * shape.width)),
          rowStart: 0,
          rowsFilled: 0,
        };
      });
      this.planes.set(plane, levels);
    }
    return levels;
  }

  private allocate(length: number): SampleArray {
    if (this.spec.sampleType === 'uint8') return new Uint8Array(length);
    if (this.spec.sampleType === 'uint16') return new Uint16Array(length);
    return new Float32Array(length);
  }

  /** Appends `rows` rows starting at image row `y0` to a level, flushing every chunk row it completes. */
  private async push(
    plane: number,
    level: number,
    y0: number,
    data: readonly SampleArray[],
    rows: number,
  ): Promise<void> {
    const state = this.levelsOf(plane)[level];
    const { width } = state;
    if (y0 !== state.rowStart + state.rowsFilled || y0 + rows > state.height || !Number.isInteger(rows)) {
      throw new Error(
        `${this.path}: rows ${y0}..${y0 + rows} of level ${level} arrived out of order (expected row ${state.rowStart + state.rowsFilled})`,
      );
    }
    let done = 0;
    while (done < rows) {
      const take = Math.min(rows - done, state.chunkRows - state.rowsFilled);
      data.forEach((channel, c) => {
        state.buffers[c].set(channel.subarray(done * width, (done + take) * width), state.rowsFilled * width);
      });
      state.rowsFilled += take;
      done += take;
      if (state.rowsFilled === state.chunkRows || state.rowStart + state.rowsFilled === state.height) {
        await this.flushChunkRow(plane, level, state);
      }
    }
  }

  private async flushChunkRow(plane: number, level: number, state: LevelRows): Promise<void> {
    const { width, chunkRows, chunkCols, rowsFilled, rowStart } = state;
    const chunkY = rowStart / chunkRows;
    const jobs: (() => Promise<void>)[] = [];
    state.buffers.forEach((buffer, c) => {
      for (let x0 = 0, chunkX = 0; x0 < width; x0 += chunkCols, chunkX++) {
        jobs.push(() => this.writeChunk(plane, level, c, chunkY, chunkX, buffer, x0, state));
      }
    });
    for (let i = 0; i < jobs.length; i += CHUNKS_IN_FLIGHT) {
      await Promise.all(jobs.slice(i, i + CHUNKS_IN_FLIGHT).map((job) => job()));
    }
    if (level + 1 < this.layout.levels.length) {
      const halves = state.buffers.map((buffer) =>
        downsample2x(buffer.subarray(0, rowsFilled * width), width, rowsFilled, this.layout.reduction),
      );
      await this.push(plane, level + 1, rowStart / 2, halves, Math.ceil(rowsFilled / 2));
    }
    state.rowStart += rowsFilled;
    state.rowsFilled = 0;
  }

  /** One chunk, full size (zarr pads edge chunks; the padding is the fill value 0), gzipped to its file. */
  private async writeChunk(
    plane: number,
    level: number,
    channel: number,
    chunkY: number,
    chunkX: number,
    buffer: SampleArray,
    x0: number,
    state: LevelRows,
  ): Promise<void> {
    const { width, chunkRows, chunkCols, rowsFilled } = state;
    const chunk = this.allocate(chunkRows * chunkCols);
    const cols = Math.min(chunkCols, width - x0);
    for (let r = 0; r < rowsFilled; r++) {
      chunk.set(buffer.subarray(r * width + x0, r * width + x0 + cols), r * chunkCols);
    }
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const compressed = await gzipAsync(bytes, { level: ZARR_OUTPUT_COMPRESSOR.level });
    if (this.state === 'aborted') throw new Error(`${this.path}: written after abort`);
    const folder = await this.chunkFolder([
      String(level),
      ...this.chunkPrefix(plane, channel),
      String(chunkY),
    ]);
    await writeFile(join(folder, String(chunkX)), compressed);
  }

  /**
   * Makes the folders of a chunk key one level at a time below the temporary folder, never the temporary
   * folder itself: a chunk still being written when `abort` removed it fails (ENOENT) instead of
   * recreating the folder `abort` just removed.
   */
  private async chunkFolder(parts: readonly string[]): Promise<string> {
    let folder = this.tmpPath;
    for (const part of parts) {
      folder = join(folder, part);
      if (this.madeFolders.has(folder)) continue;
      try {
        await mkdir(folder);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      this.madeFolders.add(folder);
    }
    return folder;
  }

  /** Chunk indices of the axes before y: t, c, z as the layout has them (every such chunk is 1 wide). */
  private chunkPrefix(plane: number, channel: number): string[] {
    const zIndex = this.spec.planeAxes.indexOf('z');
    const zSize = zIndex < 0 ? 1 : this.spec.planeSizes[zIndex];
    const position: Record<string, number> = { t: Math.floor(plane / zSize), c: channel, z: plane % zSize };
    return [...this.layout.axes.slice(0, -2)].map((a) => String(position[a]));
  }
}
