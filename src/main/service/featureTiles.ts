/**
 * The feature viewer's data (ilastik's feature viewer): one channel of the feature bank over a region,
 * taken from the same per-tile features prediction uses (cached, or computed in the pool and cached), so
 * looking at a feature costs nothing once the view has been predicted.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import { windowFeatureChannelNames } from '../../core/features3d/windowLayout3d.js';
import type { FeatureMatrix, FeatureTile, FeatureTileRequest } from '../../core/protocol/types.js';
import type { OpenImage } from './projectImage.js';
import type { TilePredictor } from './TilePredictor.js';
import { clipRect, splitIntoGrid } from './tileHelpers.js';

export async function featureTile(
  predictor: TilePredictor,
  image: OpenImage,
  request: FeatureTileRequest,
  selection: FeatureMatrix,
): Promise<FeatureTile> {
  const plane = request.plane ?? 0;
  const names = windowFeatureChannelNames(selection, image.info);
  const channel = request.channel;
  if (channel >= names.length) {
    throw new ServiceError(
      'invalid-argument',
      `getFeatureTile: channel ${channel} does not exist (the selection computes ${names.length})`,
    );
  }
  const rect = clipRect(request.rect, image.info.width, image.info.height);
  const values = new Float32Array(rect.width * rect.height);
  for (const part of splitIntoGrid(rect, PREDICTION_TILE_SIZE)) {
    // Whole grid tiles are what the cache holds: compute (or find) the tile, then copy the part's rows.
    const tile = clipRect(
      {
        x: Math.floor(part.x / PREDICTION_TILE_SIZE) * PREDICTION_TILE_SIZE,
        y: Math.floor(part.y / PREDICTION_TILE_SIZE) * PREDICTION_TILE_SIZE,
        width: PREDICTION_TILE_SIZE,
        height: PREDICTION_TILE_SIZE,
      },
      image.info.width,
      image.info.height,
    );
    const planes = await predictor.features(image, tile, selection, undefined, plane);
    const source = planes[channel];
    if (!source) {
      throw new ServiceError('invalid-argument', `getFeatureTile: channel ${channel} was not computed`);
    }
    for (let y = 0; y < part.height; y++) {
      const from = (part.y - tile.y + y) * tile.width + (part.x - tile.x);
      values.set(
        source.subarray(from, from + part.width),
        (part.y - rect.y + y) * rect.width + part.x - rect.x,
      );
    }
  }
  return { imageId: image.info.id, plane, rect, channel, name: names[channel], values };
}
