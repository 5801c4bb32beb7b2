/** An image that cannot be read, with a one-line reason naming the file; the CLI prints it as is. */
export class ImageReadError extends Error {
  override name = 'ImageReadError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Turns libvips' multi-line messages into one readable clause. */
export function describeSharpError(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const lines = raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/treated as error due to failOn/i.test(line));
  const detail = lines[0] ?? 'the decoder reported a problem';
  if (/unsupported image format/i.test(raw))
    return 'not an image file sharp can read (unsupported or corrupt format)';
  // libvips reports short strips and bad compressed data as warnings; sharp (failOn: 'warning') fails on them.
  if (
    /premature end|truncated|read error|unexpected end|not enough data|out of order|EOF|failOn/i.test(raw)
  ) {
    return `the file is truncated or corrupt (${detail})`;
  }
  return `cannot decode the image (${detail})`;
}
