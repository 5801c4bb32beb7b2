/**
 * The help texts of the export options `mixel predict` and `mixel segment` share, so both describe the
 * same sources, formats and placeholders (core/export/exportNames.ts).
 */
import { EXPORT_FORMATS, RESULT_TYPES, describeNameFields } from '../../core/export/exportNames.js';

export const EXPORT_HELP = `comma-separated: ${RESULT_TYPES.join(', ')}`;

export const FORMAT_HELP = `${EXPORT_FORMATS.join(', ')}: png is greyscale (class values 1..K), png-color a palette PNG of Simple Segmentation or Labels`;

export const OUTPUT_HELP = `output file name; fields ${describeNameFields()}; {z}/{t} for one file per plane, else a stack is one file`;
