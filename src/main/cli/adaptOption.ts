/**
 * `--adapt auto|off|<method>` of `mixel predict`: per-image adaptation of the project's model to each
 * image it predicts (README, Adaptation). A misspelt value is a usage error (exit 2) when the command
 * line is read.
 */
import {
  ADAPTATION_CHOICES,
  type AdaptationChoice,
} from '../../core/classifier/adaptation/adaptationConstants.js';
import { InvalidArgumentError } from 'commander';

export const ADAPT_FLAGS = '--adapt <method>';
export const ADAPT_HELP = `adapt the model to each image: auto (when the image drifted from the training images), off, or one of ${ADAPTATION_CHOICES.filter((c) => c !== 'auto' && c !== 'off').join(', ')}`;
export const DEFAULT_ADAPT: AdaptationChoice = 'auto';

export function parseAdaptArgument(value: string): AdaptationChoice {
  const choice = value.trim().toLowerCase();
  if (!(ADAPTATION_CHOICES as readonly string[]).includes(choice)) {
    throw new InvalidArgumentError(` ${value} is not known: use ${ADAPTATION_CHOICES.join(', ')}`);
  }
  return choice as AdaptationChoice;
}
