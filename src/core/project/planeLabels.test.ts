import { describe, expect, it } from 'vitest';
import {
  addImage,
  createProject,
  getLabels,
  labelledPlanes,
  removeImage,
  setLabels,
  validateProject,
  type ImageRecord,
  type Project,
} from './Project.js';
import {
  anisotropyFromPixelSize,
  featureDimensions,
  features3dLayoutOf,
  setFeatureSettings,
} from './featureSettings.js';
import { presetSelection } from '../features/selection.js';

const W = 12;
const H = 10;

function stackRecord(id: string, planes: number, axes = 'zyx'): ImageRecord {
  return {
    id,
    path: `${id}.tif`,
    nickname: id,
    width: W,
    height: H,
    channels: 1,
    planes,
    sampleType: 'uint16',
    axes,
    fileSize: 99,
    sha256: 'b'.repeat(64),
  };
}

function stackProject(): Project {
  const project = createProject({
    classNames: ['background', 'cell'],
    features: { convention: 'ilastik', selection: presetSelection('default') },
    // The plain percentile mapping, so the version follows the stacks alone (the root needs version 3).
    normalization: { mode: 'percentile', lowPercentile: 0.1, highPercentile: 99.9 },
  });
  return addImage(addImage(project, stackRecord('stack', 8)), stackRecord('flat', 1, 'yx'));
}

function scribble(value: number, at: number): Uint8Array {
  const labels = new Uint8Array(W * H);
  labels[at] = value;
  return labels;
}

const reload = (p: Project): Project => validateProject(JSON.parse(JSON.stringify(p)));

describe('labels on the planes of a stack', () => {
  it('keeps each plane its own labels through a save and load', () => {
    let project = stackProject();
    project = setLabels(project, 'stack', scribble(1, 3), 0);
    project = setLabels(project, 'stack', scribble(2, 7), 5);
    project = setLabels(project, 'stack', scribble(1, 9), 7);
    const loaded = reload(project);
    expect(labelledPlanes(loaded, 'stack')).toEqual([0, 5, 7]);
    expect(getLabels(loaded, 'stack', 5)).toEqual(scribble(2, 7));
    expect(getLabels(loaded, 'stack', 7)).toEqual(scribble(1, 9));
    expect(getLabels(loaded, 'stack')).toEqual(scribble(1, 3));
    expect(getLabels(loaded, 'stack', 4).some((v) => v > 0)).toBe(false);
    expect(labelledPlanes(loaded, 'flat')).toEqual([]);
  });

  it('writes version 2 only once a plane beyond the first is labelled, and old files still open', () => {
    const flat = setLabels(stackProject(), 'stack', scribble(1, 3), 0);
    expect(reload(flat).version).toBe(1);
    const deep = setLabels(flat, 'stack', scribble(1, 3), 2);
    expect(reload(deep).version).toBe(2);
    // Clearing the plane again removes it: the project is a version-1 project once more.
    const cleared = setLabels(deep, 'stack', new Uint8Array(W * H), 2);
    expect(labelledPlanes(cleared, 'stack')).toEqual([0]);
    expect(reload(cleared).version).toBe(1);
  });

  it('refuses planes the image does not have, in the helpers and in a file', () => {
    const project = stackProject();
    expect(() => setLabels(project, 'stack', scribble(1, 0), 8)).toThrow(
      'plane 8 is not a plane of image "stack" (it has 8: 0..7)',
    );
    expect(() => getLabels(project, 'flat', 1)).toThrow(/plane 1 is not a plane of image "flat"/);
    const raster = setLabels(project, 'stack', scribble(1, 0), 3).planeLabels?.stack?.['3'];
    const beyond = { ...project, planeLabels: { stack: { '12': raster } } };
    expect(() => validateProject(beyond)).toThrow(/labels of image "stack" plane 12: the image has 8 planes/);
    const badKey = { ...project, planeLabels: { stack: { '-1': raster } } };
    expect(() => validateProject(badKey)).toThrow(/planeLabels.stack.-1: Invalid key/);
    const tooHigh = { ...project, planeLabels: { stack: { '3': { ...raster, data: 'AzgB' } } } };
    expect(() => validateProject(tooHigh)).toThrow(/label value 3 .* above the 2 classes/);
  });

  it('removing an image removes the labels of all its planes', () => {
    let project = setLabels(stackProject(), 'stack', scribble(2, 4), 6);
    project = removeImage(project, 'stack');
    expect(project.planeLabels?.stack).toBeUndefined();
    expect(reload(project).images.map((im) => im.id)).toEqual(['flat']);
  });
});

describe('3-D feature settings', () => {
  it('default to 2-D and round-trip 3-D with anisotropy and compute-in-2D flags', () => {
    const project = stackProject();
    expect(featureDimensions(project.features)).toBe('2d');
    expect(features3dLayoutOf(project.features)).toEqual({});
    const computeIn2d = [false, false, false, false, false, false, true];
    const volume = setFeatureSettings(project, {
      ...project.features,
      dimensions: '3d',
      anisotropy: [0.25, 1, 1],
      computeIn2d,
    });
    const loaded = reload(volume);
    expect(loaded.version).toBe(2);
    expect(featureDimensions(loaded.features)).toBe('3d');
    expect(features3dLayoutOf(loaded.features)).toEqual({ anisotropy: [0.25, 1, 1], computeIn2d });
  });

  it('refuses anisotropy out of range and compute-in-2D flags that do not match the scales', () => {
    const project = stackProject();
    expect(() =>
      setFeatureSettings(project, { ...project.features, dimensions: '3d', anisotropy: [100, 1, 1] }),
    ).toThrow(/features.anisotropy.0/);
    expect(() =>
      setFeatureSettings(project, { ...project.features, dimensions: '3d', computeIn2d: [true] }),
    ).toThrow(/computeIn2d needs one true\/false per scale \(7\), got 1/);
  });

  it('derives σ factors from the file pixel size, across units', () => {
    const um = (value: number) => ({ value, unit: '\u00b5m' });
    expect(anisotropyFromPixelSize({ x: um(0.5), y: um(0.5), z: um(2) })).toEqual([0.25, 1, 1]);
    expect(anisotropyFromPixelSize({ x: { value: 250, unit: 'nm' }, z: um(1) })).toEqual([0.25, 1, 1]);
    expect(() => anisotropyFromPixelSize({ x: um(0.5) })).toThrow('the file states no pixel size along z');
    expect(() => anisotropyFromPixelSize({ x: um(0.1), z: um(50) })).toThrow(/along z is 500 × the x pixel/);
  });
});
