/**
 * `--format zarr` as an export sink: the options every export is made with (size, channels, sample type,
 * the input's geometry, class colours for label images, a z/t stack) turned into an OME-Zarr image, with
 * the sink's band-by-band, finish/commit/abort contract (see src/main/batch/RasterSink.ts).
 */
import type { ImageJGeometry } from '../imagejGeometry.js';
import type { SampleArray } from './downsample2x.js';
import { OmeZarrWriter } from './OmeZarrWriter.js';
import type { OmeZarrOutputSpec, OutputSampleType } from './omeZarrLayout.js';
import { unitToNgff } from './omeUnits.js';

export interface ZarrSinkOptions {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly sampleType: OutputSampleType;
  readonly channelNames?: readonly string[];
  /** Sizes of the stacked plane axes, slowest first (t, z); which axes they are, `geometry` says. */
  readonly planeShape?: readonly number[];
  readonly geometry?: ImageJGeometry;
  /** Set for label images (Simple Segmentation, Labels): a mode pyramid and `image-label` colours. */
  readonly classColors?: readonly (string | undefined)[];
}

export interface ZarrSink {
  readonly path: string;
  readonly paths: readonly string[];
  writeBand(y0: number, channels: SampleArray[], plane?: number): Promise<void>;
  finish(): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export async function createZarrSink(options: ZarrSinkOptions): Promise<ZarrSink> {
  const writer = await OmeZarrWriter.create(options.path, zarrOutputSpec(options));
  return {
    path: options.path,
    paths: [options.path],
    writeBand: (y0, channels, plane = 0) => writer.writeRows(y0, channels, plane),
    finish: () => writer.finish(),
    commit: () => writer.commit(),
    close: () => writer.close(),
    abort: () => writer.abort(),
  };
}

export function zarrOutputSpec(options: ZarrSinkOptions): OmeZarrOutputSpec {
  const planeSizes = [...(options.planeShape ?? [])].filter((n) => n > 1);
  const g = options.geometry;
  let planeAxes: ('t' | 'z')[] = [];
  if (planeSizes.length === 2) planeAxes = ['t', 'z'];
  else if (planeSizes.length === 1) planeAxes = g && g.frames > 1 && !(g.slices > 1) ? ['t'] : ['z'];
  const unit = unitToNgff(g?.unit);
  const pixelSize =
    g?.pixelWidth && g.pixelHeight
      ? {
          x: g.pixelWidth,
          y: g.pixelHeight,
          ...(g.spacing ? { z: g.spacing } : {}),
          ...(unit ? { unit } : {}),
        }
      : undefined;
  return {
    width: options.width,
    height: options.height,
    channels: options.channels,
    sampleType: options.sampleType,
    planeAxes,
    planeSizes,
    pixelSize,
    channelNames: options.channelNames,
    labelColors: options.classColors,
    name: options.path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop(),
  };
}
