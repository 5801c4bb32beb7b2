/**
 * How each feature channel responds to a smooth monotone change T of its input channel's intensity, to
 * first order (T' taken constant over the filter's window, its curvature T'' neglected):
 *   smoothing    G_σ * T(I) ≈ T(G_σ * I)                                   the value passes through T
 *   derivative   LoG, gradient magnitude, DoG, Hessian eigenvalues ≈ T'(G_σ * I) · feature
 *   tensor       structure tensor eigenvalues (squares of gradients) ≈ T'(G_σ * I)² · feature
 * `reference` is the smoothing channel of the same input channel whose value T' is taken at: the one at the
 * feature's own scale, else the nearest selected scale. This lets the intensity transfer be fitted on the
 * sample's features without recomputing them for every trial T (intensityTransfer.ts); prediction then
 * computes the features of T(image) exactly.
 */
import {
  FEATURE_CHANNEL_COUNTS,
  selectedFeatures,
  type FeatureId,
  type FeatureSelection,
} from '../../features/selection.js';

export type FeatureRoleKind = 'smoothing' | 'derivative' | 'tensor';

export interface FeatureRole {
  readonly kind: FeatureRoleKind;
  /** Input channel the feature was computed from. */
  readonly channel: number;
  /** Index of the smoothing feature channel whose value T' is evaluated at (itself for smoothing). */
  readonly reference: number;
}

const KIND: Readonly<Record<FeatureId, FeatureRoleKind>> = {
  gaussianSmoothing: 'smoothing',
  laplacianOfGaussian: 'derivative',
  gaussianGradientMagnitude: 'derivative',
  differenceOfGaussians: 'derivative',
  structureTensorEigenvalues: 'tensor',
  hessianOfGaussianEigenvalues: 'derivative',
};

/**
 * One role per feature channel, in the bank's channel order (selection.ts: feature, scale, input channel,
 * the feature's own channels); null when some input channel has no smoothing feature to take T' at.
 */
export function featureRoles(selection: FeatureSelection, inputChannels: number): FeatureRole[] | null {
  const cells: { kind: FeatureRoleKind; scale: number; channel: number }[] = [];
  for (const { feature, scale } of selectedFeatures(selection)) {
    for (let c = 0; c < inputChannels; c++) {
      for (let k = 0; k < FEATURE_CHANNEL_COUNTS[feature]; k++) {
        cells.push({ kind: KIND[feature], scale, channel: c });
      }
    }
  }
  const roles: FeatureRole[] = [];
  for (const [index, cell] of cells.entries()) {
    let reference = -1;
    let distance = Infinity;
    for (const [j, other] of cells.entries()) {
      if (other.kind !== 'smoothing' || other.channel !== cell.channel) continue;
      const dist = Math.abs(Math.log(other.scale / cell.scale));
      if (dist < distance) {
        distance = dist;
        reference = j;
      }
    }
    if (reference < 0) return null;
    roles.push({
      kind: cell.kind,
      channel: cell.channel,
      reference: cell.kind === 'smoothing' ? index : reference,
    });
  }
  return roles;
}
