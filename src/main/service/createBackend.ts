/**
 * Wires the backend: worker pool → engine → LocalMixelService, reading images with sharp and writing
 * the built-in sample on demand. The one place that knows every collaborator (no DI container).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WorkerPool } from '../engine/WorkerPool.js';
import { assertFeatureInput } from '../io/checkImageValues.js';
import { readImage } from '../io/openImage.js';
import { writeSyntheticSample } from '../sample/writeSyntheticSample.js';
import { LocalMixelService } from './LocalMixelService.js';
import { prepareDataDir } from './prepareDataDir.js';
import { TILE_JOBS_PER_THREAD } from './constants.js';
import type { UploadLimits } from './UploadFolder.js';
import { createPoolEngine } from './poolEngine.js';
import { stackSizesOfMetadata } from './stackSizes.js';

export interface BackendConfig {
  /** Folder for the sample and uploads; default $MIXEL_DATA_DIR or ~/.mixel. */
  readonly dataDir?: string;
  readonly threads?: number;
  /** Bounds of uploads, when not the named defaults (tests lower them). */
  readonly uploadLimits?: Partial<UploadLimits>;
}

export interface Backend {
  readonly service: LocalMixelService;
  readonly pool: WorkerPool;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The sample the window opens on first start: 512² like `mixel sample`, so both show the same image. */
const SAMPLE_SIZE = 512;

export function defaultDataDir(): string {
  return process.env.MIXEL_DATA_DIR ?? join(homedir(), '.mixel');
}

/**
 * Throws a ServiceError (`data-dir-unusable`, one line naming the folder) when the data folder cannot hold
 * files, before any worker starts.
 */
export function createBackend(config: BackendConfig = {}): Backend {
  const dataDir = prepareDataDir(config.dataDir ?? defaultDataDir());
  const pool = new WorkerPool({ threads: config.threads });
  const service = new LocalMixelService({
    engine: createPoolEngine(pool),
    concurrency: pool.threads * TILE_JOBS_PER_THREAD,
    dataDir,
    uploadLimits: config.uploadLimits,
    loadImage: async (path) => {
      const { image, info, source } = await readImage(path);
      // The window refuses what every command refuses: NaN, ±Infinity or magnitudes float32 features cannot
      // hold would turn its overlays to NaN.
      assertFeatureInput(path, image, 'rescale the image to a smaller range first');
      const whole = { x: 0, y: 0, width: info.width, height: info.height };
      return {
        pixels: image,
        info,
        stackSizes: stackSizesOfMetadata(source.metadata),
        readPlane: async (plane) => {
          const pixels = await source.readRegion(whole, plane);
          assertFeatureInput(path, pixels, 'rescale the image to a smaller range first');
          return pixels;
        },
      };
    },
    writeSample: async (dir) => {
      const image = join(dir, 'sample.tif');
      if (!existsSync(image))
        await writeSyntheticSample(dir, { width: SAMPLE_SIZE, height: SAMPLE_SIZE, seed: 1 });
      return image;
    },
  });
  return {
    service,
    pool,
    dataDir,
    async close() {
      await service.dispose();
      await pool.close();
    },
  };
}
