/**
 * The shape of a `.mixel` file, with every number bounded to what the program can honour
 * (projectLimits.ts): a file is untrusted input, and a field outside its bounds is refused on load with
 * its path instead of making `predict` run forever or allocate gigabytes. Label runs are walked and the
 * model checked here too, so a loaded project is usable as a whole.
 */
import { z } from 'zod';
import { validateClassifier } from '../classifier/serializeClassifier.js';
import { FEATURE_IDS } from '../features/selection.js';
import { checkLabelRuns } from './labelCodec.js';
import {
  MAX_CLASSES,
  MAX_FEATURE_SCALE,
  MAX_FEATURE_SCALES,
  MAX_IMAGE_CHANNELS,
  MAX_IMAGE_PIXELS,
  MAX_IMAGE_PLANES,
  MAX_IMAGE_SIDE,
  MAX_INTENSITY,
  MAX_LABEL_PIXELS,
  MAX_NAME_LENGTH,
  MAX_PROJECT_IMAGES,
  MIN_FEATURE_SCALE,
  SUPPORTED_PROJECT_VERSIONS,
} from './projectLimits.js';

export const PROJECT_FORMAT = 'mixel-project';

const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is written #rrggbb');
const nameSchema = z.string().min(1).max(MAX_NAME_LENGTH);
const sideSchema = z.number().int().min(1).max(MAX_IMAGE_SIDE);

export const labelClassSchema = z.object({ name: nameSchema, color: colorSchema });

export const normalizationSchema = z
  .object({
    /** `none`: raw intensities; `percentile`: per image and channel, low → 0 and high → 1. */
    mode: z.enum(['none', 'percentile']),
    lowPercentile: z.number().min(0).max(100),
    highPercentile: z.number().min(0).max(100),
  })
  .refine((n) => n.lowPercentile < n.highPercentile, {
    message: 'lowPercentile must be below highPercentile',
  });

const intensitySchema = z.number().min(-MAX_INTENSITY).max(MAX_INTENSITY);
export const channelRangeSchema = z
  .object({
    low: z.array(intensitySchema).max(MAX_IMAGE_CHANNELS),
    high: z.array(intensitySchema).max(MAX_IMAGE_CHANNELS),
  })
  .refine((r) => r.low.length === r.high.length, { message: 'low and high need one value per channel' });

export const imageRecordSchema = z
  .object({
    id: nameSchema,
    /** Relative to the project file's folder, with forward slashes; absolute only if on another drive. */
    path: nameSchema,
    nickname: nameSchema,
    width: sideSchema,
    height: sideSchema,
    channels: z.number().int().min(1).max(MAX_IMAGE_CHANNELS),
    planes: z.number().int().min(1).max(MAX_IMAGE_PLANES),
    sampleType: z.enum(['uint8', 'uint16', 'float32']),
    axes: z.string().regex(/^[tzcyx]{2,5}$/, 'axes are letters of tzcyx'),
    fileSize: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Per-channel intensities mapped to 0 and 1 when normalization is `percentile`, computed when added. */
    normalization: channelRangeSchema.optional(),
  })
  .refine((im) => im.width * im.height <= MAX_IMAGE_PIXELS, {
    message: `an image has at most ${MAX_IMAGE_PIXELS} pixels`,
  })
  .refine((im) => !im.normalization || im.normalization.low.length === im.channels, {
    message: 'normalization needs one range per channel',
  });

export const labelRasterSchema = z
  .object({
    width: sideSchema,
    height: sideSchema,
    encoding: z.literal('rle8-base64'),
    data: z.string(),
  })
  .refine((r) => r.width * r.height <= MAX_LABEL_PIXELS, {
    message: `a label raster has at most ${MAX_LABEL_PIXELS} pixels`,
  });

export const featureSelectionSchema = z
  .object({
    scales: z.array(z.number().min(MIN_FEATURE_SCALE).max(MAX_FEATURE_SCALE)).min(1).max(MAX_FEATURE_SCALES),
    enabled: z.array(z.array(z.boolean())).length(FEATURE_IDS.length),
  })
  .refine((sel) => sel.enabled.every((row) => row.length === sel.scales.length), {
    message: 'every row of the feature matrix needs one cell per scale',
  });

/** Checks a feature selection (e.g. a `--features` file) against the project's bounds; throws one line. */
export function checkFeatureSelection(value: unknown): void {
  const result = featureSelectionSchema.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0];
  throw new RangeError(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
}

export const featureSettingsSchema = z.object({
  convention: z.enum(['ilastik', 'direct']),
  /** The FeatureSelection of src/core/features/selection.ts (features × scales matrix). */
  selection: featureSelectionSchema,
});

export const projectSchema = z
  .object({
    format: z.literal(PROJECT_FORMAT),
    version: z.number().refine((v) => SUPPORTED_PROJECT_VERSIONS.includes(v), {
      message: `this Mixel reads version ${SUPPORTED_PROJECT_VERSIONS.join(' or ')}`,
    }),
    classes: z.array(labelClassSchema).min(1).max(MAX_CLASSES),
    features: featureSettingsSchema,
    normalization: normalizationSchema,
    images: z.array(imageRecordSchema).max(MAX_PROJECT_IMAGES),
    /** Label rasters by image id. */
    labels: z.record(z.string(), labelRasterSchema),
    /** The FittedClassifier (src/core/classifier/PixelClassifier.ts) as serialized, or null before training. */
    model: z.unknown().nullable(),
  })
  .superRefine((project, ctx) => {
    const images = new Map<string, (typeof project.images)[number]>();
    for (const image of project.images) {
      if (images.has(image.id))
        ctx.addIssue({ code: 'custom', message: `image id "${image.id}" is used twice` });
      images.set(image.id, image);
    }
    for (const [id, raster] of Object.entries(project.labels)) {
      const image = images.get(id);
      if (!image) {
        ctx.addIssue({ code: 'custom', message: `labels for image "${id}", which is not in the project` });
        continue;
      }
      if (raster.width !== image.width || raster.height !== image.height) {
        ctx.addIssue({
          code: 'custom',
          message: `labels of image "${id}" are ${raster.width} × ${raster.height} but the image is ${image.width} × ${image.height}`,
        });
        continue;
      }
      try {
        checkLabelRuns(raster.data, raster.width * raster.height, project.classes.length);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['labels', id], message: (err as Error).message });
      }
    }
    if (project.model != null) checkModel(project.model, project.classes.length, ctx);
  });

function checkModel(model: unknown, classCount: number, ctx: z.core.$RefinementCtx): void {
  try {
    const fitted = validateClassifier(model);
    const beyond = fitted.classes.find((v) => v > classCount);
    if (beyond !== undefined) {
      throw new Error(`the classifier predicts class ${beyond} but the project has ${classCount} classes`);
    }
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['model'], message: (err as Error).message });
  }
}
