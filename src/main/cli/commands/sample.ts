import type { Command } from 'commander';
import { resolve } from 'node:path';

/** `mixel sample`: writes the built-in synthetic sample (image, scribbles, ground truth) to a folder. */
export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('write the built-in synthetic sample: a 16-bit image of nuclei, scribbles and ground truth')
    .option('--out <dir>', 'output folder', 'mixel-sample')
    .option('--size <px>', 'width and height in pixels', '512')
    .option('--seed <n>', 'random seed', '1')
    .action(async (opts: { out: string; size: string; seed: string }) => {
      const { writeSyntheticSample } = await import('../../sample/writeSyntheticSample.js');
      const size = Number(opts.size);
      const paths = await writeSyntheticSample(resolve(opts.out), {
        width: size,
        height: size,
        seed: Number(opts.seed),
      });
      for (const [what, path] of Object.entries(paths)) console.log(`${what}: ${path}`);
    });
}
