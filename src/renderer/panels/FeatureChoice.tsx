/**
 * The Feature layer's channel picker (ilastik's feature viewer), under its row in the layer list: every
 * channel the selection computes for the active image, by name (the 3-D bank's channels in a 3-D project). Picking one shows the layer.
 */
import { windowFeatureChannelNames } from '../../core/features3d/windowLayout3d.js';
import { findImage } from '../state/controller.js';
import { setApp, useApp } from '../state/store.js';
import { useFeatureChannel } from '../viewer/FeatureLayer.js';

export function FeatureChoice() {
  const channel = useFeatureChannel((s) => s.channel);
  const features = useApp((s) => s.project?.features);
  const image = findImage(useApp((s) => s.activeImageId));
  if (!features || !image) return null;
  const names = windowFeatureChannelNames(features, image);
  return (
    <select
      className="feature-choice"
      aria-label="Feature channel to show"
      data-testid="feature-channel"
      value={channel !== null && channel < names.length ? String(channel) : ''}
      onChange={(e) => {
        const picked = e.target.value === '' ? null : Number(e.target.value);
        useFeatureChannel.setState({ channel: picked });
        setApp((s) => ({
          layers: { ...s.layers, feature: { ...s.layers.feature, isVisible: picked !== null } },
        }));
      }}
    >
      <option value="">Choose a feature…</option>
      {names.map((name, i) => (
        <option key={name} value={i}>
          {name}
        </option>
      ))}
    </select>
  );
}
