/**
 * What `mixel`'s exit status tells a scheduler (Snakemake, SLURM, a shell loop), so a retry policy can tell
 * a bad image from a bad command line from an interrupted job. Listed in the README's exit-code table.
 */
export const EXIT_CODES = {
  /** Every image done. */
  success: 0,
  /** The run went to the end but some images failed (each named on stderr); the others are written. */
  someImagesFailed: 1,
  /** Wrong options or unusable input, found before any work: nothing was written. */
  usage: 2,
  /** An unexpected failure (a bug): sysexits' EX_SOFTWARE. */
  internal: 70,
  /** Stopped by Ctrl-C (SIGINT, 128 + 2): finished images are kept, no partial output is left. */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15; what SLURM and Snakemake send on cancel or time-out), same clean-up. */
  terminated: 143,
} as const;
