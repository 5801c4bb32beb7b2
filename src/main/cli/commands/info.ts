import type { Command } from 'commander';
import type { ImageInfo } from '../../../core/imageSource.js';
import type { ImageMetadata, PhysicalSize } from '../../../core/imageMetadata.js';
import { UserError } from '../UserError.js';
import { AXES_FLAGS, AXES_HELP, parseAxesArgument } from '../axesOption.js';

/**
 * Above this many pixels per plane (8192²) `mixel info` answers from the header alone: measuring the value
 * range reads every pixel (a 40000² PNG is decoded from the top for every band), which `--range` still asks for.
 */
export const INFO_RANGE_MAX_PIXELS = 2 ** 26;

/**
 * `mixel info IMG…`: what Mixel sees in an image file — size, sample type, pages, axes and where they came
 * from, pixel size, channel names, value range.
 */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print size, sample type, pages, channels and value range of image files')
    .argument('<images...>', 'image files (TIFF, PNG, JPEG) or HDF5 datasets (file.h5/internal/dataset)')
    .option(AXES_FLAGS, AXES_HELP, parseAxesArgument)
    .option('--json', 'one JSON object per image')
    .option(
      '--range',
      `measure the value range even of images above ${INFO_RANGE_MAX_PIXELS / 2 ** 20} Mpx (reads every pixel)`,
    )
    .action(async (images: string[], opts: { axes?: string; json?: boolean; range?: boolean }) => {
      const { openImage } = await import('../../io/openImage.js');
      const { scanImage } = await import('../../io/imageStatistics.js');
      const { ImageReadError } = await import('../../io/ImageReadError.js');
      let failures = 0;
      for (const path of images) {
        try {
          const source = await openImage(path, { axes: opts.axes });
          const { info, metadata } = source;
          const measured = opts.range || info.width * info.height <= INFO_RANGE_MAX_PIXELS;
          const stats = measured ? await scanImage(source) : null;
          if (opts.json) {
            console.log(
              JSON.stringify({
                path,
                ...info,
                axesSource: metadata.axesSource,
                sizes: axisSizes(info, metadata),
                pixelSize: metadata.pixelSize,
                pixelSizeSource: metadata.pixelSizeSource,
                channelNames: metadata.channelNames,
                notes: metadata.notes,
                valueRanges: stats?.ranges ?? null,
                nonFinite: stats?.nonFiniteCount ?? null,
              }),
            );
            continue;
          }
          const ranges = stats
            ? stats.ranges.map((r, c) => `${stats.ranges.length > 1 ? `c${c} ` : ''}${r.min}..${r.max}`)
            : [
                `not measured (more than ${INFO_RANGE_MAX_PIXELS / 2 ** 20} Mpx; add --range to read every pixel)`,
              ];
          console.log(`${path}`);
          console.log(`  size      ${info.width} × ${info.height}`);
          console.log(`  dtype     ${info.sampleType} (${info.format})`);
          console.log(
            `  pages     ${info.pages}${source.isAxesGuessed ? ` (axes guessed as ${info.axes}; set --axes to change)` : ''}`,
          );
          console.log(`  axes      ${info.axes}${AXES_SOURCE_TEXT[metadata.axesSource]}`);
          console.log(`  shape     ${formatSizes(info, metadata)}`);
          console.log(`  channels  ${info.channels}`);
          if (metadata.channelNames) console.log(`  names     ${metadata.channelNames.join(', ')}`);
          console.log(`  planes    ${info.planes}`);
          for (const line of describePixelSize(metadata)) console.log(`  ${line}`);
          for (const note of metadata.notes) console.log(`  note      ${note}`);
          console.log(`  range     ${ranges.join(', ')}`);
          if (stats && stats.nonFiniteCount > 0)
            console.log(`  warning   ${stats.nonFiniteCount} NaN or infinite values`);
        } catch (err) {
          if (!(err instanceof ImageReadError)) throw err;
          failures++;
          process.stderr.write(`mixel: ${err.message}\n`);
        }
      }
      if (failures > 0) {
        throw new UserError(`${failures} of ${images.length} images could not be read`);
      }
    });
}

const AXES_SOURCE_TEXT: Record<ImageMetadata['axesSource'], string> = {
  'OME-XML': ' (from OME-XML metadata)',
  ImageJ: ' (from ImageJ metadata)',
  axistags: " (from the dataset's axistags)",
  'OME-Zarr': ' (from OME-Zarr multiscales metadata)',
  '--axes': ' (from --axes)',
  guessed: ' (guessed; set --axes to change)',
  'single page': '',
};

/** Size of every axis, slowest first, e.g. `{ z: 3, c: 2, y: 23, x: 37 }`. */
function axisSizes(info: ImageInfo, metadata: ImageMetadata): Record<string, number> {
  const sizes: Record<string, number> = {};
  metadata.pageAxes.forEach((axis, i) => (sizes[axis] = metadata.pageSizes[i]));
  sizes.y = info.height;
  sizes.x = info.width;
  if (info.axes.endsWith('xc')) sizes.c = info.channels;
  return sizes;
}

function formatSizes(info: ImageInfo, metadata: ImageMetadata): string {
  return Object.entries(axisSizes(info, metadata))
    .map(([axis, size]) => `${axis} ${size}`)
    .join(' × ');
}

/** `pixel size 0.645 × 0.645 µm (ImageJ)` and `z step 2 µm`, or that the file states none. */
function describePixelSize(metadata: ImageMetadata): string[] {
  const { x, y, z } = metadata.pixelSize;
  const source = metadata.pixelSizeSource ? ` (${metadata.pixelSizeSource})` : '';
  const show = (s: PhysicalSize) => `${Number(s.value.toPrecision(6))} ${s.unit}`;
  const lines: string[] = [];
  if (x && y && x.unit === y.unit) {
    lines.push(`pixel size ${Number(x.value.toPrecision(6))} × ${show(y)}${source}`);
  } else if (x || y) {
    lines.push(
      `pixel size ${[x && `x ${show(x)}`, y && `y ${show(y)}`].filter(Boolean).join(', ')}${source}`,
    );
  } else {
    lines.push('pixel size not stated in the file');
  }
  if (z) lines.push(`z step    ${show(z)}${source}`);
  return lines;
}
