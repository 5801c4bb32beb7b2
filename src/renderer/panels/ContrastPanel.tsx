/**
 * The image display: which channel (or the composite), and per shown channel its histogram, the window
 * (typed or dragged min and max), gamma and Auto. The histogram and Auto read an overview of the whole
 * image (one small tile from the backend), not only what is on screen.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ImageTile, ProjectImage } from '../../core/protocol/types.js';
import * as app from '../state/controller.js';
import { setApp, useApp, type ChannelSetting, type DisplaySettings } from '../state/store.js';
import { autoWindow, histogram, MAX_GAMMA, MIN_GAMMA, overviewLevel } from '../viewer/contrast.js';
import { formatValue } from '../viewer/pixelReadout.js';
import { SidebarSection } from './SidebarSection.js';

const HISTOGRAM_BINS = 120;
/** Overviews per image id; an image's pixels never change while it is in the project. */
const overviews = new Map<string, ImageTile>();

function useOverview(image: ProjectImage | undefined): ImageTile | null {
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (!image || overviews.has(image.id)) return;
    let isCurrent = true;
    app
      .service()
      .getImageTile({
        imageId: image.id,
        level: overviewLevel(image.width, image.height),
        rect: { x: 0, y: 0, width: image.width, height: image.height },
      })
      .then((tile) => {
        overviews.set(image.id, tile);
        if (isCurrent) setLoaded((n) => n + 1);
      })
      .catch(() => undefined); // removed meanwhile; the panel goes with it
    return () => {
      isCurrent = false;
    };
  }, [image]);
  return image ? (overviews.get(image.id) ?? null) : null;
}

export function ContrastPanel() {
  const imageId = useApp((s) => s.activeImageId);
  const display = useApp((s) => (s.activeImageId ? s.display[s.activeImageId] : undefined));
  const image = app.findImage(imageId);
  const overview = useOverview(image);
  if (!image || !display || !imageId) return null;
  const update = (next: DisplaySettings) =>
    setApp((s) => ({ display: { ...s.display, [imageId]: next }, imageVersion: s.imageVersion + 1 }));
  const shown = display.mode === 'single' ? [display.channel] : display.channels.map((_, i) => i);
  return (
    <SidebarSection id="contrast">
      {image.channelCount > 1 ? (
        <div className="row">
          <select
            aria-label="Channel"
            value={display.mode === 'composite' ? 'composite' : String(display.channel)}
            onChange={(e) =>
              update(
                e.target.value === 'composite'
                  ? { ...display, mode: 'composite' }
                  : { ...display, mode: 'single', channel: Number(e.target.value) },
              )
            }
          >
            {display.channels.map((_, i) => (
              <option key={i} value={i}>
                Channel {i + 1}
              </option>
            ))}
            <option value="composite">Composite</option>
          </select>
        </div>
      ) : null}
      {shown.map((c) => (
        <ChannelContrast
          key={c}
          image={image}
          channel={c}
          setting={display.channels[c]}
          isComposite={display.mode === 'composite'}
          values={overview?.channels[c] ?? null}
          onChange={(change) =>
            update({
              ...display,
              channels: display.channels.map((x, i) => (i === c ? { ...x, ...change } : x)),
            })
          }
        />
      ))}
    </SidebarSection>
  );
}

function ChannelContrast(props: {
  image: ProjectImage;
  channel: number;
  setting: ChannelSetting;
  isComposite: boolean;
  values: Float32Array | null;
  onChange: (change: Partial<ChannelSetting>) => void;
}) {
  const { image, channel: c, setting: ch, values, onChange: set } = props;
  const range = image.channelRanges[c];
  const lo = range.min;
  const hi = range.max > range.min ? range.max : range.min + 1;
  const step = image.sampleType === 'float32' ? (hi - lo) / 1000 : 1;
  return (
    <div className="channel" data-channel={c}>
      {props.isComposite ? (
        <label className="toggle">
          <input
            type="checkbox"
            checked={ch.isVisible}
            onChange={(e) => set({ isVisible: e.target.checked })}
          />
          Channel {c + 1}
          <input
            type="color"
            value={ch.color}
            onChange={(e) => set({ color: e.target.value })}
            aria-label={`Colour of channel ${c + 1}`}
          />
        </label>
      ) : null}
      <Histogram values={values} lo={lo} hi={hi} setting={ch} />
      <div className="contrast-fields">
        <NumberField
          label="Min"
          testId="contrast-min"
          value={ch.min}
          onCommit={(v) => set({ min: Math.min(v, ch.max - step) })}
        />
        <NumberField
          label="Max"
          testId="contrast-max"
          value={ch.max}
          onCommit={(v) => set({ max: Math.max(v, ch.min + step) })}
        />
        <NumberField
          label="γ"
          title="Gamma: below 1 brightens dim structures, above 1 darkens them"
          testId="contrast-gamma"
          value={ch.gamma}
          onCommit={(v) => set({ gamma: Math.min(MAX_GAMMA, Math.max(MIN_GAMMA, v)) })}
        />
        <button
          type="button"
          data-testid="contrast-auto"
          title="Saturate 0.35 % of the pixels at each end, over the whole image"
          onClick={() => set(autoWindow(values ?? app.imageTileValues(image.id, c), lo, hi))}
        >
          Auto
        </button>
      </div>
      <label className="slider">
        Min {formatValue(ch.min)}
        <input
          type="range"
          min={lo}
          max={hi}
          step={step}
          value={ch.min}
          onChange={(e) => set({ min: Math.min(Number(e.target.value), ch.max - step) })}
        />
      </label>
      <label className="slider">
        Max {formatValue(ch.max)}
        <input
          type="range"
          min={lo}
          max={hi}
          step={step}
          value={ch.max}
          onChange={(e) => set({ max: Math.max(Number(e.target.value), ch.min + step) })}
        />
      </label>
    </div>
  );
}

/** A number typed freely and taken on Enter or when the field is left; anything not a number is undone. */
function NumberField(props: {
  label: string;
  testId: string;
  value: number;
  title?: string;
  onCommit: (value: number) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    const v = Number(text);
    if (text !== null && text.trim() !== '' && Number.isFinite(v)) props.onCommit(v);
    setText(null);
  };
  return (
    <label className="number-field" title={props.title}>
      {props.label}
      <input
        type="text"
        inputMode="decimal"
        data-testid={props.testId}
        value={text ?? formatValue(props.value)}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}

const HISTOGRAM_WIDTH = 240;
const HISTOGRAM_HEIGHT = 56;

/** Log-scaled counts over the channel's range, the window shaded, the gamma curve across it. */
function Histogram(props: { values: Float32Array | null; lo: number; hi: number; setting: ChannelSetting }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { values, lo, hi, setting } = props;
  const counts = useMemo(() => (values ? histogram(values, lo, hi, HISTOGRAM_BINS) : null), [values, lo, hi]);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const [w, h] = [HISTOGRAM_WIDTH, HISTOGRAM_HEIGHT];
    const xOf = (v: number) => ((v - lo) / (hi - lo)) * w;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#1b1d21';
    ctx.fillRect(0, 0, w, h);
    const x0 = Math.max(0, xOf(setting.min));
    const x1 = Math.min(w, xOf(setting.max));
    ctx.fillStyle = '#2c3a4c';
    ctx.fillRect(x0, 0, Math.max(1, x1 - x0), h);
    if (counts) {
      const top = Math.log1p(Math.max(...counts));
      ctx.fillStyle = '#aab2bd';
      const bw = w / counts.length;
      counts.forEach((n, i) => {
        const bh = (Math.log1p(n) / (top || 1)) * (h - 2);
        ctx.fillRect(i * bw, h - bh, Math.max(1, bw - 0.5), bh);
      });
    }
    ctx.strokeStyle = '#4c9aff';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i <= 32; i++) {
      const t = i / 32;
      const x = x0 + t * (x1 - x0);
      const y = h - Math.pow(t, setting.gamma) * (h - 2) - 1;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }, [counts, lo, hi, setting]);
  return (
    <canvas
      ref={canvas}
      className="histogram"
      data-testid="histogram"
      data-ready={counts ? 'true' : 'false'}
      width={HISTOGRAM_WIDTH}
      height={HISTOGRAM_HEIGHT}
      aria-label={`Histogram from ${formatValue(lo)} to ${formatValue(hi)}`}
    />
  );
}
