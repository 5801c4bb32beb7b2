/**
 * A click in the label explorer: shows the region's image, then its plane of the stack (selecting an
 * image starts on plane 0), then a view centred on it.
 */
import * as app from './controller.js';
import { viewOfRegion, type PlaneRegion } from './labelRegions.js';
import { getApp, setApp } from './store.js';

export function jumpToRegion(imageId: string, region: PlaneRegion): void {
  if (getApp().activeImageId !== imageId) app.selectImage(imageId);
  if (getApp().plane !== region.plane) app.showPlane(region.plane);
  setApp({ view: viewOfRegion(region.bounds, getApp().viewport) });
  app.onViewChanged();
}
