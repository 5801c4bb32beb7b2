/**
 * Every error that reaches the top of `mixel` becomes one line on stderr: the user's mistakes and bad files
 * with their own message naming the file, file-system failures with the path and the reason, and anything
 * else as an internal error whose stack trace MIXEL_DEBUG=1 prints.
 */
import { UserError } from './UserError.js';
import { describeFileError } from '../io/fileErrors.js';

/** Exit code of an unexpected failure (sysexits' EX_SOFTWARE), distinct from a user error (2). */
export const INTERNAL_ERROR_EXIT_CODE = 70;

/** Errors whose message already is one line naming the file (from modules loaded lazily, so matched by name). */
const ONE_LINE_ERRORS = new Set(['UserError', 'ImageReadError', 'OutputPathError', 'ProjectFileError']);

/** Codes Node gives a worker thread that ran out of heap, or an allocation that could not be served. */
const OUT_OF_MEMORY_CODES = new Set(['ERR_WORKER_OUT_OF_MEMORY', 'ERR_MEMORY_ALLOCATION_FAILED']);

export function isOutOfMemory(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && OUT_OF_MEMORY_CODES.has(e.code)) return true;
  // Errors from a worker are rebuilt from their name and message, so RangeError is recognized by name.
  const isRange = err instanceof RangeError || (err as Error | null)?.name === 'RangeError';
  return isRange && /allocation failed|out of memory/i.test(String(e?.message));
}

/** Turns running out of memory during `activity` into a user error saying what to try. */
export function explainWorkerFailure(err: unknown, activity: string): void {
  if (isOutOfMemory(err)) {
    throw new UserError(
      `out of memory while ${activity}: try --threads 1 or a smaller image (mixel predict streams images of any size)`,
      1,
    );
  }
}

/** The one line (without the `mixel: ` prefix) and exit code for an error that reached the top. */
export function explainError(err: unknown): { line: string; exitCode: number; stack?: string } {
  if (err instanceof UserError) return { line: err.message, exitCode: err.exitCode };
  const e = err instanceof Error ? err : new Error(String(err));
  if (ONE_LINE_ERRORS.has(e.name)) return { line: firstLine(e.message), exitCode: 2 };
  if (isOutOfMemory(e)) {
    return { line: 'out of memory: try --threads 1 or a smaller image', exitCode: 1, stack: e.stack };
  }
  const reason = describeFileError(e);
  const path = (e as NodeJS.ErrnoException).path;
  if (reason && path) return { line: `${path}: ${reason}`, exitCode: 1, stack: e.stack };
  return {
    line: `internal error: ${firstLine(e.message) || e.name}; run with MIXEL_DEBUG=1 for the trace`,
    exitCode: INTERNAL_ERROR_EXIT_CODE,
    stack: e.stack,
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}
