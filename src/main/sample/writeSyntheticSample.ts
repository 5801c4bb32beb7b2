import { join } from 'node:path';
import { makeSyntheticSample, type SyntheticSampleOptions } from '../../core/sample/syntheticCells.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';
import { prepareOutputFolder } from '../io/prepareOutput.js';

export interface SamplePaths {
  image: string;
  scribbles: string;
  truth: string;
}

/** Writes the synthetic sample as `sample.tif` (16-bit), `sample_scribbles.png` and `sample_truth.png` (class values). */
export async function writeSyntheticSample(
  dir: string,
  options: SyntheticSampleOptions = {},
): Promise<SamplePaths> {
  await prepareOutputFolder(dir);
  const sample = makeSyntheticSample(options);
  const paths = {
    image: join(dir, 'sample.tif'),
    scribbles: join(dir, 'sample_scribbles.png'),
    truth: join(dir, 'sample_truth.png'),
  };
  await writeIntegerImage(paths.image, sample.image, sample.width, sample.height);
  await writeIntegerImage(paths.scribbles, sample.scribbles, sample.width, sample.height);
  await writeIntegerImage(paths.truth, sample.truth, sample.width, sample.height);
  return paths;
}
