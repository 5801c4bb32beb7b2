/**
 * Validators for every argument that enters the backend from a window (Electron IPC or WebSocket).
 * The renderer is untrusted input: a malformed call is refused with code `invalid-argument` before it
 * reaches the service.
 */
import { z } from 'zod';
import type { MixelMethod } from './MixelService.js';

/** Limits that keep one message from exhausting the backend. */
const MAX_PATH_LENGTH = 4096;
const MAX_CLASSES = 64;
/** Points per stroke (x, y pairs): a long, dense stroke is a few thousand points. */
const MAX_STROKE_FLOATS = 2_000_000;
const MAX_TILES_PER_REQUEST = 4096;
/** 4 GiB: uploads larger than this should be opened by path. */
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

const path = z.string().min(1).max(MAX_PATH_LENGTH);
const id = z.string().min(1).max(200);
const requestId = z.number().int().nonnegative();
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
  classId: z.number().int().min(1).max(255),
  radiusPx: z.number().positive().max(1000),
  mode: z.enum(['paint', 'erase']),
  points: z
    .instanceof(Float32Array)
    .refine((p) => p.length >= 2 && p.length % 2 === 0 && p.length <= MAX_STROKE_FLOATS, {
      message: 'points must hold x, y pairs',
    })
    .refine((p) => p.every(Number.isFinite), { message: 'points must be finite' }),
});

export const featureMatrixSchema = z.object({
  scales: z.array(z.number().positive().max(100)).min(1).max(20),
  enabled: z.array(z.array(z.boolean()).max(20)).min(1).max(20),
});

export const classifierSettingsSchema = z.object({
  components: z.number().int().min(1).max(20),
  semiSupervised: z.boolean(),
});

const exportRequestSchema = z.object({
  requestId,
  imageIds: z.array(id).min(1).max(100_000),
  sources: z.array(z.enum(['probabilities', 'simple-segmentation', 'uncertainty', 'labels'])).min(1),
  format: z.enum(['tiff', 'png']),
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
  uploadImage: z.tuple([
    z
      .string()
      .min(1)
      .max(255)
      .refine((n) => !/[\\/]/.test(n) && n !== '..' && n !== '.', 'a file name, not a path'),
    z.instanceof(ArrayBuffer).refine((b) => b.byteLength > 0 && b.byteLength <= MAX_UPLOAD_BYTES, {
      message: 'the upload is empty or too large (open large files by path)',
    }),
  ]),
  removeImage: z.tuple([id]),
  getImageTile: z.tuple([z.object({ imageId: id, level: z.number().int().min(0).max(16), rect })]),
  getBaseLabels: z.tuple([id]),
  setClasses: z.tuple([
    z
      .array(labelClassSchema)
      .min(1)
      .max(MAX_CLASSES)
      .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'class ids must be unique'),
  ]),
  applyLabelChange: z.tuple([
    z.object({ added: z.array(strokeSchema).max(10_000), removed: z.array(id).max(100_000) }),
  ]),
  setFeatureSelection: z.tuple([featureMatrixSchema]),
  setClassifierSettings: z.tuple([classifierSettingsSchema]),
  predictTiles: z.tuple([
    z.object({
      requestId,
      imageId: id,
      tiles: z.array(rect).max(MAX_TILES_PER_REQUEST),
      retrain: z.boolean(),
      stride: z.number().int().min(1).max(16).optional(),
    }),
  ]),
  exportImages: z.tuple([exportRequestSchema]),
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
