/**
 * The HDF5 library (h5wasm: libhdf5 compiled to WebAssembly, reading the real filesystem), loaded once per
 * process with its throwing error handler, so a damaged file is an exception rather than pages of
 * HDF5-DIAG text on stderr. Files are kept open for a moment between reads and closed when idle: a batch
 * over thousands of datasets keeps no descriptors open.
 */
import type { File as H5File } from 'h5wasm';

type H5wasm = typeof import('h5wasm').default;

let runtime: Promise<H5wasm> | undefined;

async function loadRuntime(): Promise<H5wasm> {
  const h5wasm = (await import('h5wasm/node')).default;
  const module = await h5wasm.ready;
  module.activate_throwing_error_handler();
  return h5wasm;
}

/**
 * Files stay open this long (2 s) after their last read: reading a 8000² image tile by tile opens it once,
 * not 256 times (7 ms each), and an idle window or a finished batch item holds no descriptor.
 */
const KEEP_OPEN_MS = 2000;
/** At most this many files are kept open at once (a batch reads one image at a time). */
const MAX_OPEN_FILES = 4;

interface OpenFile {
  readonly h5: H5File;
  timer: NodeJS.Timeout;
}

const openFiles = new Map<string, OpenFile>();

/** Runs `use` on `file` opened read-only (kept open briefly for the next read); HDF5 errors become one-line `Error`s. */
export async function withHdf5File<T>(file: string, use: (h5: H5File) => T): Promise<T> {
  const h5wasm = await (runtime ??= loadRuntime());
  let entry = openFiles.get(file);
  if (!entry) {
    let h5: H5File;
    try {
      h5 = new h5wasm.File(file, 'r');
    } catch (err) {
      throw new Error(`cannot open it as HDF5 (${describeHdf5Error(err)})`);
    }
    entry = { h5, timer: setTimeout(() => undefined, 0) };
    openFiles.set(file, entry);
    if (openFiles.size > MAX_OPEN_FILES) closeFile(openFiles.keys().next().value as string);
  }
  clearTimeout(entry.timer);
  try {
    return use(entry.h5);
  } catch (err) {
    // After a failed read the library's state for this file is not trusted: the next read reopens it.
    closeFile(file);
    throw err;
  } finally {
    if (openFiles.get(file) === entry) {
      entry.timer = setTimeout(() => closeFile(file), KEEP_OPEN_MS);
      entry.timer.unref();
    }
  }
}

function closeFile(file: string): void {
  const entry = openFiles.get(file);
  if (!entry) return;
  openFiles.delete(file);
  clearTimeout(entry.timer);
  try {
    entry.h5.close();
  } catch {
    // Closing a file whose open half-failed has nothing left to release.
  }
}

/** Longest reason kept from an HDF5 error stack. */
const MAX_REASON_CHARS = 200;

/**
 * libhdf5's error stacks run over many lines (`#000: …H5F.c line 821 in H5Fopen(): unable to open file`);
 * the innermost frame says what was wrong, without the build's source paths.
 */
export function describeHdf5Error(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const frames = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): ([^\n]*)/g)].map((m) => m[1].trim());
  const reason = frames.length > 0 ? frames[frames.length - 1] : (text.split('\n')[0] ?? '').trim();
  const cleaned = reason.replace(/, errno = .*$/, '').replace(/\s+/g, ' ');
  return (cleaned || 'the HDF5 library reported an error').slice(0, MAX_REASON_CHARS);
}
