/**
 * The window's project in the shared `.mixel` format (src/core/project/Project.ts), so a project
 * painted in the window runs unchanged in `mixel` batch jobs. The file stores label rasters, not strokes:
 * reopened labels come back as each image's base raster, and undo history starts afresh (as in ilastik).
 * Class ids are renumbered 1..K in list order on save.
 */
import { dirname } from 'node:path';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { FeatureMatrix, LabelClass, NormalizationMode } from '../../core/protocol/types.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import {
  addImage,
  createProject,
  DEFAULT_NORMALIZATION,
  getLabels,
  labelledPlanes,
  setLabels,
  setModel,
  type FeatureSettings,
  type Project,
} from '../../core/project/Project.js';
import { loadProject, resolveImagePath, saveProject } from '../project/projectFile.js';
import { makeImageRecord, sha256File } from '../project/projectImages.js';
import type { ClassifierEngine } from './ClassifierEngine.js';
import { labelsOf, rasterPlanes, setBaseOf } from './planeLabels.js';
import { depthOf, windowLayout3d } from './liveFeatures3d.js';
import type { OpenImage } from './projectImage.js';
import { prepareOutputFolder } from '../io/prepareOutput.js';

export interface WindowProject {
  readonly classes: LabelClass[];
  readonly images: OpenImage[];
  readonly features: FeatureMatrix;
  readonly normalization: NormalizationMode;
}

export async function writeProjectFile(
  path: string,
  project: {
    classes: readonly LabelClass[];
    images: readonly OpenImage[];
    features: FeatureMatrix;
    normalization: NormalizationMode;
    /** The model fitted on exactly these labels, or null. */
    model: FittedClassifier | null;
  },
): Promise<void> {
  const renumber = new Uint8Array(256);
  project.classes.forEach((c, i) => (renumber[c.id] = i + 1));
  try {
    let doc: Project = createProject({
      classNames: project.classes.map((c) => c.name),
      colors: project.classes.map((c) => c.color),
      features: featureSettingsOf(project.features, project.images),
      normalization: { ...DEFAULT_NORMALIZATION, mode: project.normalization },
    });
    for (const image of project.images) {
      const record = await makeImageRecord(path, image.info.path, image.fileInfo, image.info.id);
      // The ranges the window measured travel with the file, so `mixel predict` normalizes as it did.
      const range = project.normalization !== 'none' ? image.normalized?.range : undefined;
      doc = addImage(doc, range ? { ...record, normalization: range } : record);
      // Every plane of a stack that holds labels; all-zero planes are left out of the file.
      for (const plane of rasterPlanes(image)) {
        const labels = labelsOf(image, plane).map((v) => renumber[v]);
        if (labels.some((v) => v !== 0)) doc = setLabels(doc, image.info.id, labels, plane);
      }
    }
    if (project.model)
      doc = setModel(doc, { ...project.model, classes: project.model.classes.map((id) => renumber[id]) });
    await prepareOutputFolder(dirname(path));
    await saveProject(path, doc);
  } catch (err) {
    throw new ServiceError('save-failed', `cannot save ${path}: ${(err as Error).message}`);
  }
}

export async function readProjectFile(
  path: string,
  engine: ClassifierEngine,
  readImage: (imagePath: string, id: string) => Promise<OpenImage>,
): Promise<WindowProject> {
  let doc: Project;
  try {
    doc = await loadProject(path);
  } catch (err) {
    throw new ServiceError('project-unreadable', (err as Error).message);
  }
  const images: OpenImage[] = [];
  for (const record of doc.images) {
    const image = await readImage(resolveImagePath(path, record), record.id);
    if (image.info.width !== record.width || image.info.height !== record.height) {
      throw new ServiceError(
        'image-changed',
        `${image.info.path} is ${image.info.width} × ${image.info.height} but the project expects ${record.width} × ${record.height}: relink it with \`mixel repair\``,
      );
    }
    if ((await sha256File(image.info.path)) !== record.sha256) {
      throw new ServiceError(
        'image-changed',
        `${image.info.path} changed since the project was saved (sha256 differs): accept it with \`mixel repair ${path} --image ${record.path}=${image.info.path} --accept-changed\``,
      );
    }
    for (const plane of labelledPlanes(doc, record.id)) {
      if (plane >= (image.info.planes ?? 1)) {
        throw new ServiceError(
          'image-changed',
          `${image.info.path} has ${image.info.planes ?? 1} planes but the project has labels on plane ${plane}: relink it with \`mixel repair\``,
        );
      }
      setBaseOf(image, plane, getLabels(doc, record.id, plane));
    }
    images.push(image);
  }
  return {
    classes: doc.classes.map((c, i) => ({ id: i + 1, name: c.name, color: c.color })),
    images,
    features: {
      ...featureMatrixOf(doc.features.selection, engine),
      ...(doc.features.dimensions === '3d' ? { dimensions: '3d' as const } : {}),
    },
    normalization: doc.normalization.mode,
  };
}

/**
 * The window's features as the project file stores them: the selection and, for 3-D, the per-scale
 * "compute in 2D" the window used (scales too deep for the shallowest stack), so `mixel` computes alike.
 */
function featureSettingsOf(features: FeatureMatrix, images: readonly OpenImage[]): FeatureSettings {
  const selection = { scales: [...features.scales], enabled: features.enabled.map((r) => [...r]) };
  if (features.dimensions !== '3d') return { convention: 'ilastik', selection };
  const depth = Math.min(...images.map(depthOf));
  const layout = windowLayout3d(features, Number.isFinite(depth) ? depth : Infinity);
  return {
    convention: 'ilastik',
    selection,
    dimensions: '3d',
    ...(layout.computeIn2d?.some(Boolean) ? { computeIn2d: layout.computeIn2d } : {}),
  };
}

/** The stored selection when it has the engine's shape, else the engine's default. */
function featureMatrixOf(selection: FeatureMatrix, engine: ClassifierEngine): FeatureMatrix {
  const rows = engine.featureNames.length;
  const isEngineShape =
    selection.enabled.length === rows && selection.enabled.every((r) => r.length === selection.scales.length);
  return isEngineShape
    ? { scales: [...selection.scales], enabled: selection.enabled.map((r) => [...r]) }
    : engine.defaultFeatures();
}
