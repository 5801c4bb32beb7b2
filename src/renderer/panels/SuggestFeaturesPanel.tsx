/**
 * "Suggest features": one button starts the ranking in the background (painting goes on, its previews
 * still arrive), a bar shows its progress with Cancel, and the best sets are listed with their held-out
 * score, feature count and a preview — a crop of the view segmented under that set — each one click to use.
 */
import { useEffect, useRef } from 'react';
import type { FeatureSuggestion, LabelClass } from '../../core/protocol/types.js';
import {
  applySuggestion,
  cancelSuggestFeatures,
  runSuggestFeatures,
  useSuggest,
} from '../state/suggestFeatures.js';
import { useApp } from '../state/store.js';
import { parseColor } from '../viewer/rendering.js';
import { SidebarSection } from './SidebarSection.js';

const NO_CLASSES: readonly LabelClass[] = [];
/** Share of a preview pixel's colour that is the class colour (the rest is the image beneath). */
const PREVIEW_CLASS_ALPHA = 0.45;

export function SuggestFeaturesPanel() {
  const runningId = useSuggest((s) => s.runningId);
  const fraction = useSuggest((s) => s.fraction);
  const result = useSuggest((s) => s.result);
  const appliedIndex = useSuggest((s) => s.appliedIndex);
  const hasImage = useApp((s) => s.activeImageId !== null);
  return (
    <SidebarSection id="suggest" testId="suggest-features">
      <p className="muted small">
        Ranks feature groups by how well they tell your classes apart on scribbled pixels held out from the
        fit, on every labelled plane; near-equal scores list the set with more features first. Keep painting
        while it runs.
      </p>
      {runningId !== null ? (
        <div className="row" data-testid="suggest-running">
          <progress max={1} value={fraction} aria-label="Suggest features progress" />
          <span className="muted">{Math.round(fraction * 100)} %</span>
          <button type="button" onClick={cancelSuggestFeatures}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          type="button"
          data-action="suggest-features"
          disabled={!hasImage}
          onClick={() => void runSuggestFeatures()}
        >
          Suggest features
        </button>
      )}
      {result ? (
        <ol className="suggestions" data-testid="suggestion-list">
          {result.current ? (
            <li className="muted small">
              Current selection: accuracy {percent(result.current.accuracy)}, log-likelihood{' '}
              {logLik(result.current.logLikelihood)}
            </li>
          ) : null}
          {result.suggestions.map((s, i) => (
            <SuggestionRow
              key={`${s.name}:${i}`}
              suggestion={s}
              index={i}
              isApplied={appliedIndex === i}
              width={result.previewRect.width}
              height={result.previewRect.height}
            />
          ))}
        </ol>
      ) : null}
    </SidebarSection>
  );
}

function SuggestionRow(props: {
  suggestion: FeatureSuggestion;
  index: number;
  isApplied: boolean;
  width: number;
  height: number;
}) {
  const { suggestion: s, index, isApplied } = props;
  return (
    <li className={`suggestion ${isApplied ? 'active' : ''}`} data-suggestion={index}>
      <PreviewCanvas preview={s.preview} width={props.width} height={props.height} />
      <div className="suggestion-text">
        <strong title={s.detail}>{s.name}</strong>
        <span className="muted small">
          accuracy {percent(s.accuracy)} · log-lik. {logLik(s.logLikelihood)} · {s.featureCount}{' '}
          {s.featureCount === 1 ? 'feature' : 'features'}
        </span>
        <button
          type="button"
          data-testid="apply-suggestion"
          title={`Use these features: ${s.detail}`}
          disabled={isApplied}
          onClick={() => void applySuggestion(s, index)}
        >
          {isApplied ? 'In use' : 'Use'}
        </button>
      </div>
    </li>
  );
}

function PreviewCanvas({ preview, width, height }: { preview: Uint8Array; width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  const backdrop = useSuggest((s) => s.backdrop);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const colors = new Map(classes.map((c) => [c.id, parseColor(c.color)]));
    const pixels = ctx.createImageData(width, height);
    for (let i = 0; i < preview.length; i++) {
      const grey = backdrop?.[i] ?? 0;
      const [r, g, b] = colors.get(preview[i]) ?? [0, 0, 0];
      const a = backdrop ? PREVIEW_CLASS_ALPHA : 1;
      pixels.data[4 * i] = grey * (1 - a) + r * a;
      pixels.data[4 * i + 1] = grey * (1 - a) + g * a;
      pixels.data[4 * i + 2] = grey * (1 - a) + b * a;
      pixels.data[4 * i + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
  }, [preview, width, height, classes, backdrop]);
  return (
    <canvas
      ref={ref}
      className="suggestion-preview"
      width={width}
      height={height}
      aria-label="The view's centre segmented with these features"
    />
  );
}

/** Three decimals, without the "-0.000" a near-perfect score would otherwise show. */
function logLik(x: number): string {
  const text = x.toFixed(3);
  return text === '-0.000' ? '0.000' : text;
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}
