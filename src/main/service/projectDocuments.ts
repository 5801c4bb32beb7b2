/**
 * The service's project files: New, the built-in sample, Open, Save (with a model current with its
 * labels), and the autosave beside the project with its restore and discard.
 */
import { join, resolve } from 'node:path';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { AutosaveInfo } from '../../core/protocol/types.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import { Autosave, autosavePathFor } from './Autosave.js';
import { normalizeOpenImage } from './imageNormalization.js';
import { readProjectFile, writeProjectFile } from './projectFileAdapter.js';
import { DEFAULT_CLASSES, DEFAULT_CLASSIFIER, type ProjectSession } from './ProjectSession.js';
import { newController } from './tileHelpers.js';
import { withTrainingNoise } from './trainingNoise.js';

export class ProjectDocuments {
  private readonly autosave: Autosave;

  constructor(
    private readonly project: ProjectSession,
    private readonly dataDir: string,
    /** Writes the built-in sample into a folder and returns its image path. */
    private readonly writeSample: (dir: string) => Promise<string>,
    /** Called before the open project is replaced (running predictions of it stop). */
    private readonly beforeReset: () => void,
  ) {
    this.autosave = new Autosave(dataDir);
  }

  newProject(): void {
    const { engine } = this.project;
    this.reset(null, [...DEFAULT_CLASSES], engine.defaultFeatures(), DEFAULT_CLASSIFIER);
  }

  async openSample(): Promise<void> {
    const dir = join(this.dataDir, 'sample');
    const imagePath = await this.writeSample(dir);
    const image = await this.project.readProjectImage(imagePath, 'sample');
    this.reset(
      null,
      [
        { id: 1, name: 'background', color: '#e0c020' },
        { id: 2, name: 'nucleus', color: '#2080ff' },
      ],
      this.project.engine.defaultFeatures(),
      DEFAULT_CLASSIFIER,
    );
    this.project.images.set(image.info.id, image);
  }

  async open(path: string): Promise<void> {
    const project = this.project;
    const full = resolve(path);
    const doc = await readProjectFile(full, project.engine, (p, id) => project.readProjectImage(p, id));
    this.reset(full, doc.classes, doc.features, project.classifier);
    project.normalization = doc.normalization;
    for (const im of doc.images) {
      normalizeOpenImage(im, doc.normalization);
      project.images.set(im.info.id, im);
    }
    project.live.labelsChanged();
  }

  async save(path?: string): Promise<{ path: string }> {
    const project = this.project;
    const target = path ? resolve(path) : project.path;
    if (!target)
      throw new ServiceError('no-path', 'this project has never been saved: choose a file to save it to');
    // The file carries a model current with its labels, so `mixel predict` can run it as saved.
    if (!project.live.isFinal()) await project.train(newController().signal).catch(() => undefined);
    const isModelCurrent = project.live.isFinal();
    await writeProjectFile(target, {
      classes: project.classes,
      images: [...project.images.values()],
      features: project.features,
      normalization: project.normalization,
      // With the labeled images' noise, so `mixel predict` can widen it for a noisier image (trainingNoise.ts).
      model: isModelCurrent
        ? withTrainingNoise(project.live.current!.fitted as FittedClassifier, project.images.values())
        : null,
    });
    project.path = target;
    await this.autosave.discard(); // the work is in its file now
    return { path: target };
  }

  async writeAutosave(): Promise<AutosaveInfo> {
    const project = this.project;
    const target = autosavePathFor(project.path, this.dataDir);
    // No training here: an autosave must be quick and never wait for the pool.
    await writeProjectFile(target, {
      classes: project.classes,
      images: [...project.images.values()],
      features: project.features,
      normalization: project.normalization,
      model: null,
    });
    return this.autosave.record(target, project.path);
  }

  latestAutosave(): Promise<AutosaveInfo | null> {
    return this.autosave.latest();
  }

  async restoreAutosave(): Promise<void> {
    const info = await this.autosave.latest();
    if (!info) throw new ServiceError('no-autosave', 'there is no autosaved session to restore');
    await this.open(info.path);
    this.project.path = info.projectPath; // Save writes the project's own file, not the autosave
  }

  discardAutosave(): Promise<void> {
    return this.autosave.discard();
  }

  private reset(...args: Parameters<ProjectSession['reset']>): void {
    this.beforeReset();
    this.project.reset(...args);
  }
}
