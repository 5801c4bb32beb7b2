/**
 * The label explorer (as ilastik 1.4.2's): every labelled region — a connected piece of one class — per
 * image and class with its size, on every labelled plane of a stack (its z / t shown); a click shows it
 * (switching image and plane if needed, zoomed to fit half the view).
 */
import { useEffect, useState } from 'react';
import type { LabelClass, ProjectImage } from '../../core/protocol/types.js';
import * as app from '../state/controller.js';
import { jumpToRegion } from '../state/labelRegionJump.js';
import { findPlaneRegions, type PlaneRegion } from '../state/labelRegions.js';
import { planePosition, stackShapeOf } from '../state/planeMath.js';
import { useApp } from '../state/store.js';
import { SidebarSection } from './SidebarSection.js';

const NO_IMAGES: readonly ProjectImage[] = [];
const NO_CLASSES: readonly LabelClass[] = [];
/** Regions are recounted this long after the last label change, not after every stroke point. */
const RECOUNT_DELAY_MS = 300;

interface ImageRegions {
  readonly image: ProjectImage;
  readonly regions: PlaneRegion[];
  readonly truncated: number;
}

export function LabelExplorer() {
  const images = useApp((s) => s.project?.images ?? NO_IMAGES);
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  const labelsVersion = useApp((s) => s.labelsVersion);
  const [found, setFound] = useState<ImageRegions[]>([]);
  useEffect(() => {
    const timer = setTimeout(() => {
      setFound(
        images.map((image) => ({
          image,
          ...findPlaneRegions(app.labels.planeRasters(image.id), image.width, image.height),
        })),
      );
    }, RECOUNT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [images, labelsVersion]);
  const total = found.reduce((n, f) => n + f.regions.length + f.truncated, 0);
  return (
    <SidebarSection id="regions" testId="label-explorer">
      {total === 0 ? <p className="muted small">No labels yet: paint with a class to add some.</p> : null}
      {found
        .filter((f) => f.regions.length > 0)
        .map((f) => (
          <div key={f.image.id}>
            {images.length > 1 ? <h3 className="region-image">{f.image.name}</h3> : null}
            {classes.map((c) => {
              const regions = f.regions.filter((r) => r.classId === c.id);
              if (regions.length === 0) return null;
              return (
                <details key={c.id} open className="region-class">
                  <summary>
                    <span className="swatch" style={{ background: c.color }} /> {c.name}{' '}
                    <span className="muted">
                      {regions.length} {regions.length === 1 ? 'region' : 'regions'}
                    </span>
                  </summary>
                  <ul className="list regions">
                    {regions.map((r) => (
                      <li key={`${r.plane}:${r.bounds.x},${r.bounds.y}`}>
                        <button
                          type="button"
                          className="link"
                          data-testid="label-region"
                          title={`Show this ${c.name} region`}
                          onClick={() => jumpToRegion(f.image.id, r)}
                        >
                          {r.pixels} px at {r.bounds.x + Math.floor(r.bounds.width / 2)},{' '}
                          {r.bounds.y + Math.floor(r.bounds.height / 2)}
                          {planeNote(r.plane, f.image)}
                        </button>
                      </li>
                    ))}
                  </ul>
                </details>
              );
            })}
            {f.truncated > 0 ? (
              <p className="muted small">and {f.truncated} smaller regions not listed</p>
            ) : null}
          </div>
        ))}
    </SidebarSection>
  );
}

/** ", z 3, t 1" for a region of a stack; nothing for a plain image. */
function planeNote(plane: number, image: ProjectImage): string {
  const where = planePosition(plane, stackShapeOf(image));
  return where ? `, ${where}` : '';
}
