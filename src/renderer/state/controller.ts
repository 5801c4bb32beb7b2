/**
 * What the window does, as plain functions over the store, the backend and the caches: loading a project,
 * committing strokes, undo/redo, live prediction of the visible tiles, classes, saving, exporting.
 * Components and the action table call these; nothing here touches React. This module only gathers the
 * controller's parts (each with one job) under one name; the parts import each other, never this module.
 */
export {
  findImage,
  host,
  imageTiles,
  labels,
  labelsDirty,
  predictions,
  runAndShow,
  service,
  showError,
  takeLabelsDirty,
} from './session.js';
export { onViewChanged, updatePrediction } from './liveUpdate.js';
export { commitStroke, commitStrokes, redo, undo } from './labelEdits.js';
export { imageTileValues, selectImage, showPlane } from './imageView.js';
export {
  addImagePath,
  newProject,
  openProject,
  openSample,
  saveProject,
  showProject,
  uploadImageFile,
} from './projectFiles.js';
export { addClass, deleteClass, setClasses, updateClass } from './classes.js';
export { start } from './startup.js';
