/**
 * The shape of a `.mixel` file, with every number bounded to what the program can honour
 * (projectLimits.ts): a file is untrusted input, and a field outside its bounds is refused on load with
 * its path instead of making `predict` run forever or allocate gigabytes. Label runs are walked and the
 * model checked here too, so a loaded project is usable as a whole.
 */
import { z } from 'zod';
import { validateClassifier } from '../classifier/serializeClassifier.js';
import { FEATURE_IDS } from '../features/selection.js';
import { NORMALIZATION_MODES } from '../normalization.js';
import {
  MAX_ANISOTROPY_FACTOR,
  MIN_ANISOTROPY_FACTOR,
  validateLayout3d,
} from '../features3d/featureLayout3d.js';
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
  MAX_LABELLED_PLANES,
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
    /**
     * `none`: raw intensities; `percentile`: per image and channel, low → 0 and high → 1;
     * `percentile-sqrt`: the same, then the square root (normalization.ts).
     */
    mode: z.enum(NORMALIZATION_MODES),
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

const anisotropyFactorSchema = z.number().min(MIN_ANISOTROPY_FACTOR).max(MAX_ANISOTROPY_FACTOR);

export const featureSettingsSchema = z
  .object({
    convention: z.enum(['ilastik', 'direct']),
    /** The FeatureSelection of src/core/features/selection.ts (features × scales matrix). */
    selection: featureSelectionSchema,
    /** '3d': 3-D features over z for images with a z axis, per t frame (absent = '2d', version 1). */
    dimensions: z.enum(['2d', '3d']).optional(),
    /** σ multipliers along z, y, x (Features3dLayout.anisotropy); null or absent: isotropic, as ilastik. */
    anisotropy: z
      .tuple([anisotropyFactorSchema, anisotropyFactorSchema, anisotropyFactorSchema])
      .nullable()
      .optional(),
    /** Per scale: computed per plane in 2-D (ilastik's "compute in 2D"), one flag per selection scale. */
    computeIn2d: z.array(z.boolean()).max(MAX_FEATURE_SCALES).optional(),
  })
  .superRefine((settings, ctx) => {
    try {
      validateLayout3d(settings.selection, {
        computeIn2d: settings.computeIn2d,
        anisotropy: settings.anisotropy ?? undefined,
      });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** Label rasters of the planes after the first, by flat plane index (t·Z + z) written in decimal. */
const planeLabelsSchema = z
  .record(z.string().regex(/^[1-9][0-9]{0,5}$/, 'a plane is a whole number from 1'), labelRasterSchema)
  .refine((planes) => Object.keys(planes).length <= MAX_LABELLED_PLANES, {
    message: `an image has labels on at most ${MAX_LABELLED_PLANES} planes`,
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
    /** Label rasters by image id: the first plane of each image (the only one in version 1). */
    labels: z.record(z.string(), labelRasterSchema),
    /** Label rasters of further planes of stacks, by image id then plane (version 2). */
    planeLabels: z.record(z.string(), planeLabelsSchema).optional(),
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
      checkRaster(id, 0, raster, images, project.classes.length, ctx);
    }
    for (const [id, planes] of Object.entries(project.planeLabels ?? {})) {
      for (const [plane, raster] of Object.entries(planes)) {
        checkRaster(id, Number(plane), raster, images, project.classes.length, ctx);
      }
    }
    if (project.model != null) checkModel(project.model, project.classes.length, ctx);
  });

type ImageShape = { width: number; height: number; planes: number };
type RasterShape = { width: number; height: number; data: string };

function checkRaster(
  id: string,
  plane: number,
  raster: RasterShape,
  images: ReadonlyMap<string, ImageShape>,
  classCount: number,
  ctx: z.core.$RefinementCtx,
): void {
  const image = images.get(id);
  const where = plane === 0 ? `labels of image "${id}"` : `labels of image "${id}" plane ${plane}`;
  if (!image) {
    ctx.addIssue({ code: 'custom', message: `labels for image "${id}", which is not in the project` });
    return;
  }
  if (plane >= image.planes) {
    ctx.addIssue({
      code: 'custom',
      message: `${where}: the image has ${image.planes} plane${image.planes === 1 ? '' : 's'}`,
    });
    return;
  }
  if (raster.width !== image.width || raster.height !== image.height) {
    ctx.addIssue({
      code: 'custom',
      message: `${where} are ${raster.width} × ${raster.height} but the image is ${image.width} × ${image.height}`,
    });
    return;
  }
  try {
    checkLabelRuns(raster.data, raster.width * raster.height, classCount);
  } catch (err) {
    const path = plane === 0 ? ['labels', id] : ['planeLabels', id, String(plane)];
    ctx.addIssue({ code: 'custom', path, message: (err as Error).message });
  }
}

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
