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
  const firstLine = raw.split('\n').find((line) => line.trim() !== '') ?? raw;
  if (/unsupported image format/i.test(raw))
    return 'not an image file sharp can read (unsupported or corrupt format)';
  if (/premature end|truncated|read error|unexpected end|Read error|out of order|EOF/i.test(raw)) {
    return `the file is truncated or corrupt (${firstLine.trim()})`;
  }
  return `cannot decode the image (${firstLine.trim()})`;
}
