/**
 * Unsupervised mode for a whole image: K clusters with no scribbles at all, as probability maps. A random
 * sample of pixels' features (computed tile by tile in the pool) trains a K-component mixture; the image
 * is then predicted like any trained classifier, one probability map per cluster.
 */
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import {
  featureChannelNames,
  type FeatureConvention,
  type FeatureSelection,
} from '../../core/features/selection.js';
import type { ClassifierOptions } from '../../core/classifier/classifierOptions.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { PlanarImage } from '../../core/image.js';
import { DEFAULT_TILE_SIZE, tileGrid } from '../../core/tiling.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { predictImage, type ImagePrediction } from './predictImage.js';
import { cropTile } from './tileCrops.js';

/** Pixels sampled to fit the clusters: plenty for a 12-D mixture with a handful of components. */
const CLUSTER_SAMPLE_PIXELS = 20000;

export async function clusterImage(
  pool: WorkerPool,
  image: PlanarImage,
  clusters: number,
  selection: FeatureSelection,
  convention: FeatureConvention,
  options: Partial<ClassifierOptions> = {},
): Promise<{ model: FittedClassifier; prediction: ImagePrediction }> {
  const { width, height } = image;
  const tiles = tileGrid(width, height, DEFAULT_TILE_SIZE, featureHaloPx(selection, convention));
  const fraction = Math.min(1, CLUSTER_SAMPLE_PIXELS / (width * height));
  const parts = await Promise.all(
    tiles.map((tile, index) => {
      const crop = cropTile(image, tile);
      return pool.run('trainingSamples', {
        ...crop,
        labels: new Uint8Array(tile.core.width * tile.core.height),
        selection,
        convention,
        unlabeledFraction: fraction,
        seed: (options.seed ?? 0) * 7919 + index,
        origin: { x: tile.core.x, y: tile.core.y },
        imageWidth: width,
        groupBase: 0,
      });
    }),
  );
  const nFeatures = parts[0].nFeatures;
  const unlabeled = new Float32Array(parts.reduce((s, p) => s + p.unlabeled.length, 0));
  let offset = 0;
  for (const p of parts) {
    unlabeled.set(p.unlabeled, offset);
    offset += p.unlabeled.length;
  }
  const { model: fitted } = await pool.run('fitClassifier', {
    samples: new Float32Array(0),
    labels: new Uint8Array(0),
    nFeatures,
    options,
    unlabeled,
    clusters,
  });
  const model = { ...fitted, featureNames: featureChannelNames(selection, image.channels.length) };
  return { model, prediction: await predictImage(pool, image, model, selection, convention) };
}
