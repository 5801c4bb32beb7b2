import { dirname, resolve } from 'node:path';

/**
 * The one place where the operating system's error codes become words: every command reports a failed
 * read or write of a file as one line, "<path>: cannot write it: read-only file system (EROFS)".
 */

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something else already exists there',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large for the file system',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error (failing disk or network share?)',
  EBUSY: 'the file or device is busy',
  EXDEV: 'cannot move across file systems',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EINVAL: 'the file system does not allow this name or operation',
  ETXTBSY: 'the file is busy',
};

/** The code of a Node file-system error (`ENOSPC`, …), else undefined. */
export function fileErrorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** "read-only file system (EROFS)" for a file-system error, else undefined. */
export function describeFileError(err: unknown): string | undefined {
  const code = fileErrorCode(err);
  if (!code) return undefined;
  return `${REASONS[code] ?? 'the operating system refused'} (${code})`;
}

/** An output that cannot be written, with a one-line reason naming the path; the CLI prints it as is. */
export class OutputPathError extends Error {
  override name = 'OutputPathError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * Wraps a failed write of `path` as an OutputPathError. File-system errors about another path (an input
 * read by the same step) and errors that are not file-system errors (bugs) pass unchanged.
 */
export function asOutputError(path: string, err: unknown): unknown {
  if (err instanceof OutputPathError) return err;
  const reason = describeFileError(err);
  if (!reason) return err;
  const failed = (err as NodeJS.ErrnoException).path;
  // Writers use a temporary file beside the target, so any path in the target's folder is the output.
  if (failed !== undefined && dirname(resolve(failed)) !== dirname(resolve(path))) return err;
  return new OutputPathError(path, `cannot write it: ${reason}`);
}
