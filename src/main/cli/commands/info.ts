import type { Command } from 'commander';
import { UserError } from '../UserError.js';

/**
 * Above this many pixels per plane (8192²) `mixel info` answers from the header alone: measuring the value
 * range reads every pixel (a 40000² PNG is decoded from the top for every band), which `--range` still asks for.
 */
export const INFO_RANGE_MAX_PIXELS = 2 ** 26;

/** `mixel info IMG…`: what Mixel sees in an image file — size, sample type, pages, channels, value range. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print size, sample type, pages, channels and value range of image files')
    .argument('<images...>', 'image files (TIFF, PNG, JPEG)')
    .option('--axes <axes>', 'meaning of the pages of multi-page files: zyx, tyx or cyx (guessed if absent)')
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
          const { info } = source;
          const measured = opts.range || info.width * info.height <= INFO_RANGE_MAX_PIXELS;
          const stats = measured ? await scanImage(source) : null;
          if (opts.json) {
            console.log(
              JSON.stringify({
                path,
                ...info,
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
          console.log(`  axes      ${info.axes}`);
          console.log(`  channels  ${info.channels}`);
          console.log(`  planes    ${info.planes}`);
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
