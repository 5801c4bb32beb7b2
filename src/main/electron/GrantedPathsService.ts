/**
 * The backend as the desktop window sees it: the shared service behind a check that every path the
 * renderer names was granted by the user (pathGrants.ts). Used only by the Electron transport; browser
 * mode has its own token guard and no native dialogs.
 *
 * What counts as granted:
 *  - paths chosen in a native dialog or given on the command line (`userGrants`, kept for the session);
 *  - the open project: its file, its folder (with everything under it) and its images — recomputed
 *    whenever the project changes, so closing a project withdraws them;
 *  - for export outputs only: the folder of each project image and below (the default pattern
 *    `{dir}/{name}_{source}.{ext}` writes beside the image).
 * Other paths fail with code `path-not-granted` and one line naming the path.
 */
import { dirname } from 'node:path';
import type { Event } from '../../core/protocol/Event.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type {
  ClassifierSettings,
  ExportRequest,
  ExportResult,
  FeatureMatrix,
  ImageTile,
  ImageTileRequest,
  LabelChange,
  LabelClass,
  PredictRequest,
  PredictResult,
  ProbabilityTile,
  Progress,
  ProjectImage,
  ProjectState,
} from '../../core/protocol/types.js';
import { outputPath } from '../service/exportImage.js';
import { canonicalPath, PathGrants } from './pathGrants.js';

export const PATH_NOT_GRANTED = 'path-not-granted';

function refuse(path: string, what: string): ServiceError {
  return new ServiceError(
    PATH_NOT_GRANTED,
    `${path}: the window may only ${what} files you chose in a Mixel dialog or that belong to the open project`,
  );
}

export class GrantedPathsService implements MixelService {
  readonly onDidProgress: Event<Progress>;
  readonly onDidUpdateTile: Event<ProbabilityTile>;
  private project = new ProjectGrants(new PathGrants(), new PathGrants());

  /** `userGrants` is shared with the main process, which adds what its dialogs return. */
  constructor(
    private readonly inner: MixelService,
    private readonly userGrants: PathGrants,
  ) {
    this.onDidProgress = inner.onDidProgress;
    this.onDidUpdateTile = inner.onDidUpdateTile;
  }

  /** Grants the project the backend has open now (call once at start, before the window asks). */
  async trackOpenProject(): Promise<ProjectState> {
    return this.track(await this.inner.getProject());
  }

  getProject(): Promise<ProjectState> {
    return this.inner.getProject();
  }

  async newProject(): Promise<ProjectState> {
    return this.track(await this.inner.newProject());
  }

  async openProject(path: string): Promise<ProjectState> {
    // The backend gets the canonical path it was checked as, so no link can be swapped in between.
    return this.track(await this.inner.openProject(await this.check(path, 'open')));
  }

  async openSampleProject(): Promise<ProjectState> {
    return this.track(await this.inner.openSampleProject());
  }

  async saveProject(path?: string): Promise<{ path: string }> {
    const saved = await this.inner.saveProject(
      path === undefined ? undefined : await this.check(path, 'save to'),
    );
    await this.track(await this.inner.getProject());
    return saved;
  }

  async addImage(path: string): Promise<ProjectImage> {
    const image = await this.inner.addImage(await this.check(path, 'open'));
    await this.track(await this.inner.getProject());
    return image;
  }

  /** Uploads name no path (the backend writes them to its own upload folder): nothing to check. */
  async uploadImage(fileName: string, bytes: ArrayBuffer): Promise<ProjectImage> {
    const image = await this.inner.uploadImage(fileName, bytes);
    await this.track(await this.inner.getProject());
    return image;
  }

  async removeImage(imageId: string): Promise<ProjectState> {
    return this.track(await this.inner.removeImage(imageId));
  }

  getImageTile(request: ImageTileRequest): Promise<ImageTile> {
    return this.inner.getImageTile(request);
  }

  getBaseLabels(imageId: string): Promise<Uint8Array | null> {
    return this.inner.getBaseLabels(imageId);
  }

  setClasses(classes: LabelClass[]): Promise<ProjectState> {
    return this.inner.setClasses(classes);
  }

  applyLabelChange(change: LabelChange): Promise<void> {
    return this.inner.applyLabelChange(change);
  }

  setFeatureSelection(features: FeatureMatrix): Promise<ProjectState> {
    return this.inner.setFeatureSelection(features);
  }

  setClassifierSettings(settings: ClassifierSettings): Promise<ProjectState> {
    return this.inner.setClassifierSettings(settings);
  }

  predictTiles(request: PredictRequest): Promise<PredictResult> {
    return this.inner.predictTiles(request);
  }

  /** Every output file must land in a granted folder (a dialog's, the project's, or beside its image). */
  async exportImages(request: ExportRequest): Promise<ExportResult> {
    const state = await this.inner.getProject();
    const byId = new Map(state.images.map((im) => [im.id, im]));
    for (const imageId of request.imageIds) {
      const image = byId.get(imageId);
      if (!image) continue; // the service reports an unknown image per image, as it always has
      for (const path of exportOutputs(request, image.path, state.classes)) {
        const c = await canonicalPath(path);
        if (c === null || !(this.userGrants.allowsInside(c) || this.project.allowsOutput(c))) {
          throw refuse(path, 'export to folders');
        }
      }
    }
    return this.inner.exportImages(request);
  }

  cancel(requestId: number): Promise<void> {
    return this.inner.cancel(requestId);
  }

  /** The canonical form of `path` when granted; else a `path-not-granted` error naming it. */
  private async check(path: string, what: string): Promise<string> {
    const c = await canonicalPath(path);
    if (c === null || !(this.userGrants.allows(c) || this.project.allows(c))) throw refuse(path, what);
    return c;
  }

  private async track(state: ProjectState): Promise<ProjectState> {
    this.project = await ProjectGrants.of(state);
    return state;
  }
}

/** What the open project grants: its file, folder and images; and, for exports, its images' folders. */
class ProjectGrants {
  constructor(
    private readonly files: PathGrants,
    private readonly imageFolders: PathGrants,
  ) {}

  static async of(state: ProjectState): Promise<ProjectGrants> {
    const files = new PathGrants();
    const imageFolders = new PathGrants();
    if (state.path !== null) {
      await files.grantFile(state.path);
      await files.grantFolder(dirname(state.path));
    }
    for (const image of state.images) {
      await files.grantFile(image.path);
      await imageFolders.grantFolder(dirname(image.path));
    }
    return new ProjectGrants(files, imageFolders);
  }

  allows(canonical: string): boolean {
    return this.files.allows(canonical);
  }

  allowsOutput(canonical: string): boolean {
    return this.files.allowsInside(canonical) || this.imageFolders.allowsInside(canonical);
  }
}

/**
 * The files an export of one image would write, as exportImage.ts names them (PNG probabilities get one
 * file per class, suffixed with the class name made file-safe the same way).
 */
function exportOutputs(request: ExportRequest, imagePath: string, classes: readonly LabelClass[]): string[] {
  const ext = request.format === 'tiff' ? 'tif' : 'png';
  return request.sources.flatMap((source) =>
    source === 'probabilities' && request.format === 'png'
      ? classes.map((c) =>
          outputPath(
            request.outputPattern,
            imagePath,
            source,
            ext,
            `-${c.name.replace(/[^A-Za-z0-9_-]+/g, '_')}`,
          ),
        )
      : [outputPath(request.outputPattern, imagePath, source, ext)],
  );
}
