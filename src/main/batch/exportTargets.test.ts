import { describe, expect, it } from 'vitest';
import { checkDistinctNames, outputPath, parseResultTypes, resolveTargets } from './exportTargets.js';
import { parseShard, selectShard } from './imageList.js';

describe('export names', () => {
  it('follows ilastik: {dir}/{nickname}_{result_type}.{ext}', () => {
    const template = '{dir}/{nickname}_{result_type}.{ext}';
    expect(
      outputPath(template, {
        imagePath: 'data/a/cells.ome.tif',
        result: 'Simple Segmentation',
        format: 'png',
      }),
    ).toBe('data/a/cells_Simple_Segmentation.png');
    expect(outputPath(template, { imagePath: 'cells.tif', result: 'Probabilities', format: 'npy' })).toBe(
      './cells_Probabilities.npy',
    );
    expect(
      outputPath('out/{nickname}.{ext}', {
        imagePath: 'x/s.tif',
        result: 'Uncertainty',
        format: 'tiff',
        plane: 3,
      }),
    ).toBe('out/s_z0003.tif');
  });

  it("takes ilastik's placeholders {dataset_dir} and {slice_index} as {dir} and {plane}", () => {
    const parts = { imagePath: 'data/a/cells.tif', result: 'Simple Segmentation', format: 'tiff' } as const;
    expect(outputPath('{dataset_dir}/{nickname}_{result_type}.{ext}', parts)).toBe(
      outputPath('{dir}/{nickname}_{result_type}.{ext}', parts),
    );
    expect(outputPath('{dataset_dir}/seg/{nickname}_{slice_index}.tif', { ...parts, plane: 7 })).toBe(
      'data/a/seg/cells_0007.tif',
    );
    expect(() => outputPath('{dataset_dir}/{nickname}_{roi}.tif', parts)).toThrow(
      '--output has unknown field {roi}: use {dir} {dataset_dir} {nickname}',
    );
  });

  it('rejects unknown fields, unknown exports and colliding names', () => {
    expect(() =>
      outputPath('{name}.tif', { imagePath: 'a.tif', result: 'Probabilities', format: 'tiff' }),
    ).toThrow('--output has unknown field {name}');
    expect(() => parseResultTypes('Probabilities,Segmentation')).toThrow('unknown export "Segmentation"');
    expect(parseResultTypes('probabilities, simple_segmentation')).toEqual([
      'Probabilities',
      'Simple Segmentation',
    ]);
    const targets = resolveTargets(['Probabilities', 'Uncertainty'], 'tiff', undefined);
    expect(() => checkDistinctNames('{dir}/{nickname}.{ext}', targets)).toThrow(/include \{result_type\}/);
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
    expect(() => resolveTargets(['Probabilities'], 'png', undefined, { target: [0, 300] })).toThrow(
      '--export_drange (0,300) does not fit uint8 (0..255)',
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
