import { describe, expect, it } from 'vitest';
import {
  addImage,
  createProject,
  getLabels,
  removeImage,
  setLabels,
  validateProject,
  type ImageRecord,
  type Project,
} from './Project.js';
import { presetSelection } from '../features/selection.js';
import { decodeBase64, decodeLabelRuns, encodeBase64, encodeLabelRuns } from './labelCodec.js';

function makeProjectWithTwoClasses(): Project {
  return createProject({
    classNames: ['background', 'nucleus'],
    features: { convention: 'ilastik', selection: presetSelection('default') },
  });
}

function imageRecord(id: string, width = 40, height = 30): ImageRecord {
  return {
    id,
    path: `${id}.tif`,
    nickname: id,
    width,
    height,
    channels: 1,
    planes: 1,
    sampleType: 'uint16',
    axes: 'yx',
    fileSize: 1234,
    sha256: 'a'.repeat(64),
  };
}

describe('label codec', () => {
  it('round-trips sparse scribbles exactly and compactly', () => {
    const labels = new Uint8Array(512 * 512);
    labels.fill(1, 1000, 1300);
    labels.fill(2, 70000, 70100);
    labels[262143] = 2;
    const encoded = encodeLabelRuns(labels);
    expect(encoded.length).toBeLessThan(100);
    expect(decodeLabelRuns(encoded, labels.length)).toEqual(labels);
  });

  it('round-trips base64 of every length against Node', () => {
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
  });

  it('refuses runs that do not cover the image', () => {
    const encoded = encodeLabelRuns(new Uint8Array(100));
    expect(() => decodeLabelRuns(encoded, 99)).toThrow(/more than the 99 pixels/);
    expect(() => decodeLabelRuns(encoded, 101)).toThrow(/cover 100 of the 101/);
  });
});

describe('Project', () => {
  it('stores labels per image and gives them back', () => {
    let project = addImage(makeProjectWithTwoClasses(), imageRecord('a'));
    const labels = new Uint8Array(40 * 30);
    labels[5] = 1;
    labels[1199] = 2;
    project = setLabels(project, 'a', labels);
    const reloaded = validateProject(JSON.parse(JSON.stringify(project)));
    expect(getLabels(reloaded, 'a')).toEqual(labels);
  });

  it('refuses labels beyond the classes and labels of another size', () => {
    const project = addImage(makeProjectWithTwoClasses(), imageRecord('a'));
    const bad = new Uint8Array(40 * 30);
    bad[3] = 3;
    expect(() => setLabels(project, 'a', bad)).toThrow(
      'labels contain the value 3 but the project has only 2 classes',
    );
    expect(() => setLabels(project, 'a', new Uint8Array(10))).toThrow(
      /labels have 10 pixels but image "a" is 40 × 30/,
    );
  });

  it('removing an image removes its labels', () => {
    let project = addImage(makeProjectWithTwoClasses(), imageRecord('a'));
    project = setLabels(project, 'a', new Uint8Array(1200).fill(1));
    project = removeImage(project, 'a');
    expect(project.images).toHaveLength(0);
    expect(project.labels).toEqual({});
  });

  it('is written as version 3 under the square-root normalization, which an older Mixel refuses as too new', () => {
    const percentile = { mode: 'percentile' as const, lowPercentile: 0.1, highPercentile: 99.9 };
    const plain = createProject({
      classNames: ['a', 'b'],
      features: makeProjectWithTwoClasses().features,
      normalization: percentile,
    });
    expect(plain.version).toBe(1);
    const rooted = createProject({
      classNames: ['a', 'b'],
      features: plain.features,
      normalization: { ...percentile, mode: 'percentile-sqrt' },
    });
    expect(rooted.version).toBe(3);
    // What a Mixel that reads up to version 2 says of it (the same check, one version further).
    expect(() => validateProject({ ...rooted, version: 4 })).toThrow(
      /version 4 is newer than this Mixel reads \(3\): update Mixel/,
    );
  });

  it('rejects invalid and future files with a readable reason', () => {
    const project = addImage(makeProjectWithTwoClasses(), imageRecord('a'));
    expect(() => validateProject({ ...project, version: 99 })).toThrow(/version 99 is newer/);
    expect(() => validateProject({ ...project, classes: [] })).toThrow(/classes/);
    const wrongSize = {
      ...project,
      labels: { a: { width: 4, height: 4, encoding: 'rle8-base64', data: '' } },
    };
    expect(() => validateProject(wrongSize)).toThrow(
      /labels of image "a" are 4 × 4 but the image is 40 × 30/,
    );
    expect(() => validateProject({ hello: 1 })).toThrow(/not a valid Mixel project/);
  });
});
