/**
 * Validators for every argument that enters the backend from a window (Electron IPC or WebSocket).
 * The renderer is untrusted input: a malformed call is refused with code `invalid-argument` before it
 * reaches the service.
 */
import { z } from 'zod';
import {
  MAX_POINTS_PER_CHANGE,
  MAX_STROKE_POINTS,
  MAX_STROKE_RADIUS_PX,
  MAX_STROKES_PER_CHANGE,
  MAX_UPLOAD_FILE_BYTES,
  MAX_UPLOAD_NAME_LENGTH,
  MAX_PLANE_INDEX,
  MAX_VIEW_ID_LENGTH,
  UPLOAD_CHUNK_BYTES,
} from './constants.js';
import type { MixelMethod } from './MixelService.js';
import { NORMALIZATION_MODES } from '../normalization.js';

/** Limits that keep one message from exhausting the backend. */
const MAX_PATH_LENGTH = 4096;
const MAX_CLASSES = 64;
const MAX_TILES_PER_REQUEST = 4096;
/** A feature tile: one prediction tile's side (the feature cache's unit), and the most channels a selection has. */
const FEATURE_TILE_MAX_PX = 1024;
const MAX_FEATURE_CHANNEL = 4096;
/**
 * Largest |coordinate| of a stroke point: float32 holds every integer up to 2^24 exactly, so pixel
 * positions stay exact (the service then checks the point against its image).
 */
const MAX_STROKE_COORDINATE = 2 ** 24;

/**
 * Why `name` cannot be an upload's file name, or null when it can: a plain name (no folder, no NUL or
 * control characters), so the backend writes only inside its upload folder.
 */
export function uploadNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_UPLOAD_NAME_LENGTH)
    return `the file name must have 1 to ${MAX_UPLOAD_NAME_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the file name holds a control character';
  if (/[\\/]/.test(name) || name === '.' || name === '..') return 'a file name, not a path';
  return null;
}

const path = z.string().min(1).max(MAX_PATH_LENGTH);
const id = z.string().min(1).max(200);
const requestId = z.number().int().nonnegative();
/** A plane of a stack; the service then checks it against the image's own plane count. */
const plane = z.number().int().nonnegative().max(MAX_PLANE_INDEX).optional();
const rect = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

export const labelClassSchema = z.object({
  id: z.number().int().min(1).max(255),
  name: z.string().min(1).max(100),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb'),
});

export const strokeSchema = z.object({
  id,
  kind: z.literal('stroke'),
  imageId: id,
  plane,
  classId: z.number().int().min(1).max(255),
  radiusPx: z.number().positive().max(MAX_STROKE_RADIUS_PX),
  mode: z.enum(['paint', 'erase']),
  points: z
    .instanceof(Float32Array)
    .refine((p) => p.length >= 2 && p.length % 2 === 0, { message: 'points must hold x, y pairs' })
    .refine((p) => p.length <= 2 * MAX_STROKE_POINTS, {
      message: `a stroke may have at most ${MAX_STROKE_POINTS} points`,
    })
    .refine((p) => p.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_STROKE_COORDINATE), {
      message: `points must be finite and within ±${MAX_STROKE_COORDINATE}`,
    }),
});

const labelChangeSchema = z
  .object({
    added: z.array(strokeSchema).max(MAX_STROKES_PER_CHANGE),
    removed: z.array(id).max(MAX_STROKES_PER_CHANGE),
  })
  .refine((c) => c.added.reduce((n, s) => n + s.points.length / 2, 0) <= MAX_POINTS_PER_CHANGE, {
    message: `one change may hold at most ${MAX_POINTS_PER_CHANGE} points`,
  });

const uploadId = z.string().uuid();

export const featureMatrixSchema = z.object({
  scales: z.array(z.number().positive().max(100)).min(1).max(20),
  enabled: z.array(z.array(z.boolean()).max(20)).min(1).max(20),
  dimensions: z.enum(['2d', '3d']).optional(),
});

export const classifierSettingsSchema = z.object({
  components: z.number().int().min(1).max(20),
  semiSupervised: z.boolean(),
});

const exportRequestSchema = z.object({
  requestId,
  imageIds: z.array(id).min(1).max(100_000),
  sources: z
    .array(z.enum(['probabilities', 'simple-segmentation', 'uncertainty', 'features', 'labels']))
    .min(1),
  format: z.enum(['tiff', 'png', 'png-color', 'npy', 'zarr']),
  outputPattern: z.string().min(1).max(MAX_PATH_LENGTH),
});

/** Argument tuples, one schema per method. */
export const METHOD_ARGUMENTS: Record<MixelMethod, z.ZodType<unknown[]>> = {
  getProject: z.tuple([]),
  newProject: z.tuple([]),
  openProject: z.tuple([path]),
  openSampleProject: z.tuple([]),
  saveProject: z.union([z.tuple([]), z.tuple([path.optional()])]),
  addImage: z.tuple([path]),
  beginUpload: z.tuple([
    z.string().superRefine((name, ctx) => {
      const problem = uploadNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    z
      .number()
      .int()
      .positive('the file is empty')
      .max(
        MAX_UPLOAD_FILE_BYTES,
        `uploads are limited to ${MAX_UPLOAD_FILE_BYTES} bytes: open big images by path`,
      ),
  ]),
  uploadChunk: z.tuple([
    uploadId,
    z.number().int().nonnegative().max(MAX_UPLOAD_FILE_BYTES),
    z.instanceof(Uint8Array).refine((b) => b.byteLength > 0 && b.byteLength <= UPLOAD_CHUNK_BYTES, {
      message: `a piece of an upload holds 1 to ${UPLOAD_CHUNK_BYTES} bytes`,
    }),
  ]),
  finishUpload: z.tuple([uploadId]),
  abortUpload: z.tuple([uploadId]),
  removeImage: z.tuple([id]),
  getImageTile: z.tuple([z.object({ imageId: id, level: z.number().int().min(0).max(16), rect, plane })]),
  getFeatureTile: z.tuple([
    z.object({
      imageId: id,
      rect: rect.refine((r) => r.width <= FEATURE_TILE_MAX_PX && r.height <= FEATURE_TILE_MAX_PX, {
        message: `a feature tile is at most ${FEATURE_TILE_MAX_PX} pixels on a side`,
      }),
      channel: z.number().int().nonnegative().max(MAX_FEATURE_CHANNEL),
      plane,
    }),
  ]),
  getBaseLabels: z.union([z.tuple([id]), z.tuple([id, z.number().int().nonnegative().max(MAX_PLANE_INDEX)])]),
  setClasses: z.tuple([
    z
      .array(labelClassSchema)
      .min(1)
      .max(MAX_CLASSES)
      .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'class ids must be unique'),
  ]),
  applyLabelChange: z.tuple([labelChangeSchema]),
  setFeatureSelection: z.tuple([featureMatrixSchema]),
  setClassifierSettings: z.tuple([classifierSettingsSchema]),
  setNormalization: z.tuple([z.enum(NORMALIZATION_MODES)]),
  autosaveProject: z.tuple([]),
  getAutosave: z.tuple([]),
  restoreAutosave: z.tuple([]),
  discardAutosave: z.tuple([]),
  predictTiles: z.tuple([
    z.object({
      requestId,
      viewId: z.string().min(1).max(MAX_VIEW_ID_LENGTH),
      imageId: id,
      tiles: z.array(rect).max(MAX_TILES_PER_REQUEST),
      retrain: z.boolean(),
      stride: z.number().int().min(1).max(16).optional(),
      plane,
      unexplained: z.boolean().optional(),
    }),
  ]),
  exportImages: z.tuple([exportRequestSchema]),
  suggestFeatures: z.tuple([z.object({ requestId, imageId: id, viewRect: rect, plane })]),
  listFolder: z.tuple([path.nullable()]),
  cancel: z.tuple([requestId]),
};

/** Checks a call's arguments; returns them parsed, or a one-line reason naming the method. */
export function validateArguments(
  method: MixelMethod,
  args: unknown,
): { ok: true; args: unknown[] } | { ok: false; message: string } {
  const result = METHOD_ARGUMENTS[method].safeParse(args);
  if (result.success) return { ok: true, args: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, message: `invalid arguments to ${method}${where}: ${issue?.message ?? 'malformed'}` };
}
