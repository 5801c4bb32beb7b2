/**
 * The native file dialogs of the desktop window, and the grants they give: whatever the user picks in one
 * (a project, images, a save path, an export folder) becomes a path the window may name to the backend
 * (withGrantedPaths.ts). Both the menus and the page (through the preload) open dialogs only here.
 */
import { NATIVE_DIALOG_KINDS, type NativeDialogKind } from '../../core/protocol/ipcChannel.js';
import { IMAGE_FILE_FILTER, PROJECT_FILE_FILTER } from './menuTemplate.js';
import type { PathGrants } from './pathGrants.js';

export interface OpenDialogOptions {
  readonly properties: string[];
  readonly filters: { name: string; extensions: string[] }[];
  readonly title?: string;
}

/** Electron's dialog module as these functions use it (bound to the window by the caller). */
export interface DialogShower {
  showOpen(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSave(options: { filters: { name: string; extensions: string[] }[] }): Promise<{
    canceled: boolean;
    filePath?: string;
  }>;
}

/** Dialog kinds the page may ask for; anything else it sends is ignored. */
export function isNativeDialogKind(kind: unknown): kind is NativeDialogKind {
  return typeof kind === 'string' && (NATIVE_DIALOG_KINDS as readonly string[]).includes(kind);
}

/**
 * Shows the dialog of `kind`, grants what was picked and returns it (empty when cancelled). An export
 * folder is granted with everything under it; files one by one.
 */
export async function chooseAndGrant(
  kind: NativeDialogKind,
  dialogs: DialogShower,
  grants: PathGrants,
): Promise<string[]> {
  if (kind === 'save-project') {
    const result = await dialogs.showSave({ filters: [PROJECT_FILE_FILTER] });
    if (result.canceled || !result.filePath) return [];
    await grants.grantFile(result.filePath);
    return [result.filePath];
  }
  const options: Record<Exclude<NativeDialogKind, 'save-project'>, OpenDialogOptions> = {
    'open-project': { properties: ['openFile'], filters: [PROJECT_FILE_FILTER] },
    'add-images': { properties: ['openFile', 'multiSelections'], filters: [IMAGE_FILE_FILTER] },
    'export-folder': { properties: ['openDirectory', 'createDirectory'], filters: [], title: 'Export to' },
  };
  const result = await dialogs.showOpen(options[kind]);
  if (result.canceled) return [];
  for (const path of result.filePaths) {
    if (kind === 'export-folder') await grants.grantFolder(path);
    else await grants.grantFile(path);
  }
  return result.filePaths;
}
