import type { Command } from 'commander';
import { parseThreads, parseTileSize } from '../workOptions.js';
import { UserError } from '../UserError.js';

interface FeaturesOptions {
  image: string;
  out: string;
  features: string;
  convention: string;
  threads?: string;
  tileSize?: string;
}

/**
 * `mixel features --image IMG --out F.tif`: ilastik's feature bank of an image as a float32 TIFF, one page
 * per channel in channel order, each page named after its channel (PageName and ImageDescription).
 */
export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description(
      "compute ilastik's feature bank of an image and write it as a float32 TIFF (one page per channel)",
    )
    .requiredOption('--image <file>', 'input image (TIFF, PNG, JPEG; 8/16-bit or float)')
    .requiredOption('--out <file>', 'output TIFF')
    .option(
      '--features <preset>',
      'default (37 features, 49 channels) or all (6 × 7, 56 channels)',
      'default',
    )
    .option(
      '--convention <name>',
      'ilastik (what ilastik computes) or direct (filters at the nominal σ)',
      'ilastik',
    )
    .option('--threads <n>', 'worker threads (default: one per core)')
    .option('--tile-size <px>', 'tile edge in pixels (default 256)')
    .action(async (opts: FeaturesOptions) => {
      const {
        FEATURE_CONVENTIONS,
        FEATURE_PRESETS,
        presetSelection,
        featureChannelNames,
        featureChannelCount,
      } = await import('../../../core/features/selection.js');
      const preset = opts.features as 'default';
      if (!FEATURE_PRESETS.includes(preset)) {
        throw new UserError(`--features ${opts.features} is not known: use ${FEATURE_PRESETS.join(' or ')}`);
      }
      const convention = opts.convention as 'ilastik';
      if (!FEATURE_CONVENTIONS.includes(convention)) {
        throw new UserError(
          `--convention ${opts.convention} is not known: use ${FEATURE_CONVENTIONS.join(' or ')}`,
        );
      }
      const threads = parseThreads(opts.threads);
      const tileSize = parseTileSize(opts.tileSize, 16);
      if (!/\.tiff?$/i.test(opts.out))
        throw new UserError(`--out ${opts.out}: the output is a TIFF, name it *.tif`);

      const { readImage } = await import('../../io/openImage.js');
      const { ImageReadError } = await import('../../io/ImageReadError.js');
      const { assertFeatureInput } = await import('../../io/checkImageValues.js');
      const { WorkerPool } = await import('../../engine/WorkerPool.js');
      const { computeFeatureStack } = await import('../../features/computeFeatureStack.js');
      const { writeFloat32Tiff } = await import('../../io/writeFloat32Tiff.js');

      const { prepareOutputFile, removeCreatedFolders } = await import('../../io/prepareOutput.js');
      const { asOutputError } = await import('../../io/fileErrors.js');
      const { explainWorkerFailure } = await import('../explainError.js');
      const createdFolders = await prepareOutputFile(opts.out);
      try {
        const { openImage } = await import('../../io/openImage.js');
        const { checkMemoryBudget, describeShape, featuresPeakBytes } = await import('../memoryBudget.js');
        let image;
        try {
          const { info } = await openImage(opts.image);
          const shape = { path: opts.image, ...info };
          checkMemoryBudget(
            describeShape(shape),
            featuresPeakBytes(shape, featureChannelCount(presetSelection(preset), info.channels)),
            'features holds every channel of the whole image; `mixel predict --export Features` streams images of any size',
          );
          image = (await readImage(opts.image)).image;
          assertFeatureInput(opts.image, image, 'features are computed on raw values: rescale the image');
        } catch (err) {
          if (err instanceof ImageReadError) throw new UserError(err.message);
          throw err;
        }
        const sel = presetSelection(preset);
        const names = featureChannelNames(sel, image.channels.length);
        const started = performance.now();
        const pool = new WorkerPool({ threads });
        let planes: Float32Array[];
        try {
          planes = await computeFeatureStack(pool, image, sel, convention, { tileSize });
        } catch (err) {
          explainWorkerFailure(err, `computing the features of ${opts.image}`);
          throw err;
        } finally {
          await pool.close();
        }
        const seconds = (performance.now() - started) / 1000;
        try {
          await writeFloat32Tiff(opts.out, planes, image.width, image.height, { pageNames: names });
        } catch (err) {
          throw asOutputError(opts.out, err);
        }
        const mpx = (image.width * image.height) / 1e6;
        console.log(
          `${opts.out}: ${names.length} float32 channels of ${image.width}×${image.height} ` +
            `(${preset}, ${convention}) in ${seconds.toFixed(2)} s, ${(mpx / seconds).toFixed(2)} Mpx/s`,
        );
      } catch (err) {
        // A failed run leaves no output, not even the folders made for it.
        await removeCreatedFolders(createdFolders);
        throw err;
      }
    });
}
