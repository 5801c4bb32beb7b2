/**
 * The job table: every kind of heavy work the worker pool runs, by name. A job is a plain function of a
 * structured-cloneable input; typed arrays in its result travel back as transferables (no copy).
 * Add a job by writing it in its own file under jobs/ and listing it here.
 */
import { echoJob } from './echoJob.js';
import { featureTileJob } from './featureTileJob.js';
import { classifyTileJob } from './classifyTileJob.js';
import { fitClassifierJob } from './fitClassifierJob.js';
import { prepareTrainingJob } from './prepareTrainingJob.js';
import { fitClassMixtureJob } from './fitClassMixtureJob.js';
import { finishTrainingJob } from './finishTrainingJob.js';
import { emBlocksJob } from './emBlocksJob.js';
import { imagePriorDensitiesJob } from './imagePriorDensitiesJob.js';
import { trainingNoiseJob } from './trainingNoiseJob.js';
import { trainingSamplesJob } from '../../classify/trainingSamplesJob.js';
import {
  classifyVolumeBlockJob,
  volumeFeatureBlockJob,
  volumeTrainingSamplesJob,
} from '../../volume/volumeBlockJobs.js';
import {
  predictFeatureBytesJob,
  predictFeaturesJob,
  predictStridedBytesJob,
} from '../../service/jobs/predictFeaturesJob.js';
import { adaptModelJob } from './adaptModelJob.js';
import { scoreFeatureSetsJob } from './scoreFeatureSetsJob.js';

export const jobs = {
  volumeFeatureBlock: volumeFeatureBlockJob,
  classifyVolumeBlock: classifyVolumeBlockJob,
  volumeTrainingSamples: volumeTrainingSamplesJob,
  echo: echoJob,
  featureTile: featureTileJob,
  classifyTile: classifyTileJob,
  fitClassifier: fitClassifierJob,
  prepareTraining: prepareTrainingJob,
  fitClassMixture: fitClassMixtureJob,
  finishTraining: finishTrainingJob,
  emBlocks: emBlocksJob,
  imagePriorDensities: imagePriorDensitiesJob,
  trainingNoise: trainingNoiseJob,
  trainingSamples: trainingSamplesJob,
  predictFeatures: predictFeaturesJob,
  predictFeatureBytes: predictFeatureBytesJob,
  predictStridedBytes: predictStridedBytesJob,
  adaptModel: adaptModelJob,
  scoreFeatureSets: scoreFeatureSetsJob,
};

export type JobTable = typeof jobs;
export type JobKind = keyof JobTable;
export type JobInput<K extends JobKind> = Parameters<JobTable[K]>[0];
export type JobOutput<K extends JobKind> = Awaited<ReturnType<JobTable[K]>>;
