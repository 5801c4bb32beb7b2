/** The `--axes` option shared by every command that reads multi-page files. */
import { InvalidArgumentError } from 'commander';
import { axesSyntaxError } from '../../core/imageMetadata.js';

export const AXES_FLAGS = '--axes <axes>';

export const AXES_HELP =
  "axes of multi-page files, overriding the file's metadata: t, z, c in any order before yx (zyx, tyx, cyx, zcyx, tzcyx); guessed if neither says";

/** Commander's parser for `--axes`: a malformed value is a usage error (exit 2) before any file is read. */
export function parseAxesArgument(value: string): string {
  const error = axesSyntaxError(value);
  if (error) throw new InvalidArgumentError(error);
  return value;
}
