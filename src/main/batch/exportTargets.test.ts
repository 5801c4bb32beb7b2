import { describe, expect, it } from 'vitest';
import { checkPlaneFields, isPerPlaneTemplate, sequenceTemplate } from '../../core/export/exportNames.js';
import {
  DEFAULT_OUTPUT_TEMPLATE,
  checkDistinctNames,
  outputPath,
  parseExportFormat,
  parseResultTypes,
  resolveTargets,
} from './exportTargets.js';
import { parseShard, selectShard } from './imageList.js';

describe('export names', () => {
  it("follows ilastik: {dataset_dir}/{nickname}_{result_type}.{ext}, the result type spelt as ilastik's", () => {
    expect(
      outputPath(DEFAULT_OUTPUT_TEMPLATE, {
        imagePath: 'data/a/cells.ome.tif',
        result: 'Simple Segmentation',
        format: 'png',
      }),
    ).toBe('data/a/cells_Simple Segmentation.png');
    expect(
      outputPath(DEFAULT_OUTPUT_TEMPLATE, { imagePath: 'cells.tif', result: 'Probabilities', format: 'npy' }),
    ).toBe('./cells_Probabilities.npy');
    expect(
      outputPath(DEFAULT_OUTPUT_TEMPLATE, { imagePath: 'x/s.tif', result: 'Labels', format: 'png-color' }),
    ).toBe('x/s_Labels.png');
  });

  it("keeps the older spellings {dir}, {name}, {source} and ilastik's {slice_index} as aliases", () => {
    const parts = { imagePath: 'data/a/cells.tif', result: 'Simple Segmentation', format: 'tiff' } as const;
    const name = outputPath(DEFAULT_OUTPUT_TEMPLATE, parts);
    expect(outputPath('{dir}/{nickname}_{result_type}.{ext}', parts)).toBe(name);
    expect(outputPath('{dir}/{name}_{source}.{ext}', parts)).toBe(name);
    expect(outputPath('{dataset_dir}/seg/{nickname}_{slice_index}.tif', { ...parts, plane: 7 })).toBe(
      'data/a/seg/cells_0007.tif',
    );
    expect(outputPath('{dataset_dir}/{nickname}_t{t}_z{z}.tif', { ...parts, plane: 7, t: 2, z: 1 })).toBe(
      'data/a/cells_t0002_z0001.tif',
    );
    expect(() => outputPath('{dataset_dir}/{nickname}_{roi}.tif', parts)).toThrow(
      '--output has unknown field {roi}: use {dataset_dir} {nickname} {result_type} {ext} {z} {t} {plane}',
    );
  });

  it('asks for one file per plane only with {z}, {t} or {plane}, and refuses names that would collide', () => {
    expect(isPerPlaneTemplate(DEFAULT_OUTPUT_TEMPLATE)).toBe(false);
    expect(isPerPlaneTemplate('{nickname}_{z}.tif')).toBe(true);
    expect(isPerPlaneTemplate('{nickname}_{slice_index}.tif')).toBe(true);
    expect(() => checkPlaneFields('{nickname}_z{z}.tif', 3, 1)).not.toThrow();
    expect(() => checkPlaneFields('{nickname}_z{z}.tif', 3, 4)).toThrow(
      'the image has 4 time points: add {t} to the output name',
    );
    expect(() => checkPlaneFields('{nickname}_t{t}.tif', 3, 4)).toThrow('add {z}');
    // ilastik's "tif sequence": one file per plane, the plane before the extension.
    expect(sequenceTemplate(DEFAULT_OUTPUT_TEMPLATE)).toBe(
      '{dataset_dir}/{nickname}_{result_type}_{slice_index}.{ext}',
    );
    expect(sequenceTemplate('out/{nickname}.tif')).toBe('out/{nickname}_{slice_index}.tif');
    expect(sequenceTemplate('out/{nickname}_z{z}.tif')).toBe('out/{nickname}_z{z}.tif');
  });

  it('rejects unknown exports and colliding names', () => {
    expect(() => parseResultTypes('Probabilities,Segmentations')).toThrow('unknown export "Segmentations"');
    expect(parseResultTypes('probabilities, simple_segmentation, labels')).toEqual([
      'Probabilities',
      'Simple Segmentation',
      'Labels',
    ]);
    // `mixel segment`'s earlier spelling.
    expect(parseResultTypes('segmentation')).toEqual(['Simple Segmentation']);
    const targets = resolveTargets(['Probabilities', 'Uncertainty'], 'tiff', undefined);
    expect(() => checkDistinctNames('{dir}/{nickname}.{ext}', targets)).toThrow(/include \{result_type\}/);
  });

  it('refuses what a format cannot hold, before any image is read', () => {
    expect(() => resolveTargets(['Probabilities'], 'png', undefined)).toThrow(
      'Probabilities as PNG needs --dtype uint8 or uint16',
    );
    expect(() => resolveTargets(['Uncertainty'], 'png', undefined)).toThrow(
      'Uncertainty as PNG needs --dtype',
    );
    expect(() => resolveTargets(['Probabilities'], 'png-color', 'uint8')).toThrow(
      '--format png-color colours class values: it holds Simple Segmentation or Labels, not Probabilities',
    );
    expect(() => resolveTargets(['Labels'], 'png-color', 'uint16')).toThrow('8-bit class values');
    expect(
      resolveTargets(['Labels', 'Simple Segmentation'], 'png-color', undefined).map((t) => t.sampleType),
    ).toEqual(['uint8', 'uint8']);
    expect(parseExportFormat('TIF')).toBe('tiff');
    expect(parseExportFormat('png-colour')).toBe('png-color');
    expect(() => parseExportFormat('gif')).toThrow(
      '--format gif is not known: use tiff, png, png-color, npy',
    );
  });

  it('chooses sample types: labels as integers, floats unless asked, PNG only for integers', () => {
    expect(
      resolveTargets(['Simple Segmentation', 'Probabilities'], 'tiff', undefined).map((t) => t.sampleType),
    ).toEqual(['uint8', 'float32']);
    expect(resolveTargets(['Probabilities'], 'tiff', 'uint8')[0].sampleType).toBe('uint8');
    expect(resolveTargets(['Simple Segmentation'], 'png', undefined)[0].sampleType).toBe('uint8');
    expect(() => resolveTargets(['Probabilities'], 'png', 'float32')).toThrow(/PNG holds no floats/);
    expect(() => resolveTargets(['Features'], 'png', 'uint8')).toThrow(/cannot be a PNG/);
  });

  it('rescales probabilities and uncertainty only when asked for another mapping than the default', () => {
    const asked = { target: [0, 100] as const };
    expect(
      resolveTargets(['Probabilities', 'Uncertainty', 'Simple Segmentation'], 'tiff', 'uint8', asked).map(
        (t) => t.rescale,
      ),
    ).toEqual([{ source: [0, 1], target: [0, 100] }, { source: [0, 1], target: [0, 100] }, undefined]);
    // (0,1) → (0,255) is what uint8 does anyway: written exactly as without the option.
    expect(
      resolveTargets(['Probabilities'], 'npy', 'uint8', { target: [0, 255] })[0].rescale,
    ).toBeUndefined();
    expect(() => resolveTargets(['Probabilities'], 'png', 'uint8', { target: [0, 300] })).toThrow(
      '--export_drange (0,300) does not fit uint8 (0..255)',
    );
    // A PNG with a range to rescale to needs no --dtype: the integer type that holds the range.
    expect(resolveTargets(['Probabilities'], 'png', undefined, { target: [0, 300] })[0].sampleType).toBe(
      'uint16',
    );
    expect(resolveTargets(['Uncertainty'], 'png', undefined, { target: [0, 100] })[0].sampleType).toBe(
      'uint8',
    );
    expect(resolveTargets(['Probabilities'], 'tiff', undefined, { source: [0, 0.5] })[0].rescale).toEqual({
      source: [0, 0.5],
      target: [0, 1],
    });
  });
});

describe('shards', () => {
  it('split a list deterministically into parts that cover it exactly once', () => {
    const files = Array.from({ length: 11 }, (_, i) => `img${String(i).padStart(2, '0')}.tif`);
    const shuffled = [...files].reverse();
    const parts = [1, 2, 3].map((i) => selectShard(shuffled, parseShard(`${i}/3`)));
    expect(parts.map((p) => p.length)).toEqual([4, 4, 3]);
    expect(parts.flat().sort()).toEqual(files);
    expect(selectShard(files, parseShard('2/3'))).toEqual(parts[1]);
    expect(() => parseShard('0/3')).toThrow('--shard 0/3 is not i/n');
    expect(() => parseShard('4/3')).toThrow('--shard 4/3 is not i/n');
  });
});
