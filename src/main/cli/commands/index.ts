/** Every `mixel` sub-command, each a function that adds itself to the program. */
import type { Command } from 'commander';
import { registerSample } from './sample.js';
import { registerFeatures } from './features.js';
import { registerInfo } from './info.js';
import { registerTrain } from './train.js';
import { registerPredict } from './predict.js';
import { registerRepair } from './repair.js';
import { registerServe } from './serve.js';
import { registerSegment } from './segment.js';

export const commands: ReadonlyArray<(program: Command) => void> = [
  registerSample,
  registerFeatures,
  registerInfo,
  registerTrain,
  registerPredict,
  registerRepair,
  registerServe,
  registerSegment,
];
