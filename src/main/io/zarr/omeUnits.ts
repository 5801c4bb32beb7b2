/**
 * Units as OME-Zarr spells them (UDUNITS-2 names: `micrometer`, `nanometer`, …) and as Mixel shows and
 * carries them (`µm`, `nm`, the spellings of src/core/imageMetadataParsers.ts and ImageJ's `micron`).
 */
import { normalizeUnit } from '../../../core/imageMetadataParsers.js';

const SHORT_BY_NGFF: Record<string, string> = {
  angstrom: '\u00c5',
  nanometer: 'nm',
  micrometer: '\u00b5m',
  millimeter: 'mm',
  centimeter: 'cm',
  meter: 'm',
  kilometer: 'km',
  picometer: 'pm',
};

const NGFF_BY_SHORT: Record<string, string> = Object.fromEntries(
  Object.entries(SHORT_BY_NGFF).map(([ngff, short]) => [short, ngff]),
);

/** `micrometer` → `µm`; other units as the file names them (bounded), or null for none. */
export function unitFromNgff(unit: unknown): string | null {
  if (typeof unit !== 'string') return null;
  const u = unit.trim().toLowerCase();
  return SHORT_BY_NGFF[u] ?? normalizeUnit(unit);
}

/** `µm`, `micron`, `um` → `micrometer`; units OME-Zarr does not name are left out (undefined). */
export function unitToNgff(unit: string | undefined): string | undefined {
  if (unit === undefined) return undefined;
  const short = normalizeUnit(unit);
  if (short === null) return undefined;
  if (NGFF_BY_SHORT[short]) return NGFF_BY_SHORT[short];
  return SHORT_BY_NGFF[short.toLowerCase()] ? short.toLowerCase() : undefined;
}
