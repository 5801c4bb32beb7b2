import type { Command } from 'commander';
import { UserError } from '../UserError.js';

/** `mixel info IMG…`: what Mixel sees in an image file — size, sample type, pages, channels, value range. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print size, sample type, pages, channels and value range of image files')
    .argument('<images...>', 'image files (TIFF, PNG, JPEG)')
    .option('--axes <axes>', 'meaning of the pages of multi-page files: zyx, tyx or cyx (guessed if absent)')
    .option('--json', 'one JSON object per image')
    .action(async (images: string[], opts: { axes?: string; json?: boolean }) => {
      const { openImage } = await import('../../io/openImage.js');
      const { scanImage } = await import('../../io/imageStatistics.js');
      const { ImageReadError } = await import('../../io/ImageReadError.js');
      let failures = 0;
      for (const path of images) {
        try {
          const source = await openImage(path, { axes: opts.axes });
          const stats = await scanImage(source);
          const { info } = source;
          if (opts.json) {
            console.log(
              JSON.stringify({ path, ...info, valueRanges: stats.ranges, nonFinite: stats.nonFiniteCount }),
            );
            continue;
          }
          const ranges = stats.ranges.map(
            (r, c) => `${stats.ranges.length > 1 ? `c${c} ` : ''}${r.min}..${r.max}`,
          );
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
          if (stats.nonFiniteCount > 0)
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
