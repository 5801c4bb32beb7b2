/**
 * Parsers for the metadata microscopy TIFFs carry in their first page's ImageDescription: OME-XML (OME-TIFF)
 * and ImageJ's `key=value` lines, plus the TIFF resolution tags. The text comes from untrusted files, so
 * every parser is bounded (text length, number of elements, number ranges) and returns null rather than
 * throwing on anything it does not understand: a file with odd metadata still opens, its axes are guessed.
 */

/** Descriptions longer than this (1 MB) are not parsed: OME-XML of one image is a few KB, plates some hundred KB. */
export const MAX_DESCRIPTION_CHARS = 1024 * 1024;
/** More `<Channel>` elements than this is not a real image's channel list; the rest are ignored. */
export const MAX_CHANNEL_NAMES = 1024;
/** Counts of z, c or t above this (2²⁴) in metadata are corrupt: no file has that many pages per axis. */
export const MAX_AXIS_SIZE = 2 ** 24;
/** A channel name is shown on one line: longer names are cut here. */
const MAX_CHANNEL_NAME_CHARS = 200;

export interface PhysicalSize {
  readonly value: number;
  readonly unit: string;
}

export interface OmeDescription {
  /** e.g. XYZCT: X fastest, T slowest; pages follow the order of Z, C, T in it. */
  readonly dimensionOrder: string;
  readonly sizeZ: number;
  readonly sizeC: number;
  readonly sizeT: number;
  /** Samples per pixel of the first channel (3 for an RGB OME-TIFF), 1 when not stated. */
  readonly samplesPerPixel: number;
  readonly physicalSizeX?: PhysicalSize;
  readonly physicalSizeY?: PhysicalSize;
  readonly physicalSizeZ?: PhysicalSize;
  /** Names of the `<Channel>` elements, '' where a channel has no Name. */
  readonly channelNames: readonly string[];
  /** Number of `<Image>` elements (series); Mixel reads the first. */
  readonly imageCount: number;
}

export interface ImageJDescription {
  readonly images?: number;
  readonly channels?: number;
  readonly slices?: number;
  readonly frames?: number;
  readonly hyperstack: boolean;
  /** Z step in `unit`. */
  readonly spacing?: number;
  /** Unit of pixel sizes (XResolution is pixels per unit), normalized: `micron` → `µm`. */
  readonly unit?: string;
}

/** TIFF XResolution / YResolution (pixels per unit) and ResolutionUnit (1 none, 2 inch, 3 cm). */
export interface ResolutionTags {
  readonly x?: number;
  readonly y?: number;
  readonly unit?: number;
}

/** Spellings of micrometre found in ImageJ, OME and tifffile output, all shown as µm. */
const MICROMETRE = new Set(['micron', 'microns', 'um', '\u00b5m', '\u03bcm', '\\u00b5m']);

/** A unit as stored in a file, micrometres normalized to `µm`; null for "no unit" (pixel, empty). */
export function normalizeUnit(unit: string | undefined): string | null {
  if (unit === undefined) return null;
  const u = unit.trim();
  if (u === '' || /^pixels?$/i.test(u)) return null;
  if (MICROMETRE.has(u.toLowerCase())) return '\u00b5m';
  return u.length <= 16 ? u : null;
}

/** Reads the first image's `<Pixels>` and its `<Channel>`s from OME-XML; null if the text is not OME-XML. */
export function parseOmeXml(xml: string): OmeDescription | null {
  if (xml.length > MAX_DESCRIPTION_CHARS || !/<(\w+:)?OME[\s>]/.test(xml.slice(0, 4096))) return null;
  const pixelsStart = findElement(xml, 'Pixels', 0);
  if (pixelsStart < 0) return null;
  const pixels = readAttributes(xml, pixelsStart);
  if (!pixels) return null;
  const order = (pixels.attributes.get('DimensionOrder') ?? '').toUpperCase();
  if (!/^XY[ZCT]{3}$/.test(order) || new Set(order).size !== 5) return null;
  const sizeZ = positiveInt(pixels.attributes.get('SizeZ') ?? '1');
  const sizeC = positiveInt(pixels.attributes.get('SizeC') ?? '1');
  const sizeT = positiveInt(pixels.attributes.get('SizeT') ?? '1');
  if (sizeZ === null || sizeC === null || sizeT === null) return null;
  const pixelsEnd = findClosing(xml, 'Pixels', pixels.end);
  const channelNames: string[] = [];
  let samplesPerPixel = 1;
  for (let at = findElement(xml, 'Channel', pixels.end); at >= 0 && at < pixelsEnd;) {
    const channel = readAttributes(xml, at);
    if (!channel || channelNames.length >= MAX_CHANNEL_NAMES) break;
    if (channelNames.length === 0) {
      samplesPerPixel = positiveInt(channel.attributes.get('SamplesPerPixel') ?? '1') ?? 1;
    }
    channelNames.push((channel.attributes.get('Name') ?? '').slice(0, MAX_CHANNEL_NAME_CHARS));
    at = findElement(xml, 'Channel', channel.end);
  }
  const size = (axis: 'X' | 'Y' | 'Z'): PhysicalSize | undefined => {
    const value = positiveNumber(pixels.attributes.get(`PhysicalSize${axis}`));
    if (value === null) return undefined;
    // OME's default unit for PhysicalSize is the micrometre.
    const unit = normalizeUnit(pixels.attributes.get(`PhysicalSize${axis}Unit`) ?? '\u00b5m');
    return unit ? { value, unit } : undefined;
  };
  let imageCount = 0;
  for (let at = findElement(xml, 'Image', 0); at >= 0 && imageCount < MAX_CHANNEL_NAMES; imageCount++) {
    at = findElement(xml, 'Image', at + 1);
  }
  return {
    dimensionOrder: order,
    sizeZ,
    sizeC,
    sizeT,
    samplesPerPixel,
    physicalSizeX: size('X'),
    physicalSizeY: size('Y'),
    physicalSizeZ: size('Z'),
    channelNames,
    imageCount,
  };
}

/** Reads ImageJ's description (`ImageJ=1.53t\nimages=6\nchannels=2\n…`); null if it is not one. */
export function parseImageJDescription(text: string): ImageJDescription | null {
  if (text.length > MAX_DESCRIPTION_CHARS || !text.startsWith('ImageJ=')) return null;
  const values = new Map<string, string>();
  for (const line of text.split('\n', 256)) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const count = (key: string): number | undefined => {
    const raw = values.get(key);
    return raw === undefined ? undefined : (positiveInt(raw) ?? undefined);
  };
  return {
    images: count('images'),
    channels: count('channels'),
    slices: count('slices'),
    frames: count('frames'),
    hyperstack: values.get('hyperstack') === 'true',
    spacing: positiveNumber(values.get('spacing')) ?? undefined,
    unit: normalizeUnit(values.get('unit')) ?? undefined,
  };
}

/** Micrometres per unit of TIFF ResolutionUnit 2 (inch) and 3 (centimetre). */
const MICROMETRES_PER_RESOLUTION_UNIT: Record<number, number> = { 2: 25400, 3: 10000 };

/**
 * Resolutions that programs write when they know nothing: 72 dpi (Photoshop's and many libraries'
 * default) and libvips' (so sharp's) 1 pixel per mm, stored as 25.4 per inch or 10 per cm. Read as pixel
 * sizes they would claim 353 µm or 1 mm pixels for every microscope image, so they count as "not stated".
 */
const PLACEHOLDER_RESOLUTIONS: readonly { unit: number; perUnit: number }[] = [
  { unit: 2, perUnit: 72 },
  { unit: 2, perUnit: 25.4 },
  { unit: 3, perUnit: 10 },
];

/**
 * Pixel size from TIFF resolution tags: pixels per inch or centimetre become µm; with ResolutionUnit
 * "none" the unit is ImageJ's (`unit=micron` in its description) when given, else there is no size.
 */
export function pixelSizeFromResolution(
  tags: ResolutionTags,
  imagejUnit: string | undefined,
): { x?: PhysicalSize; y?: PhysicalSize } {
  const unit = tags.unit ?? 2;
  const one = (perUnit: number | undefined): PhysicalSize | undefined => {
    if (perUnit === undefined || !(perUnit > 0) || !Number.isFinite(perUnit)) return undefined;
    if (imagejUnit && unit === 1) return { value: roundSignificant(1 / perUnit), unit: imagejUnit };
    const micrometres = MICROMETRES_PER_RESOLUTION_UNIT[unit];
    if (micrometres === undefined) return undefined;
    if (PLACEHOLDER_RESOLUTIONS.some((p) => p.unit === unit && Math.abs(p.perUnit - perUnit) < 1e-6)) {
      return undefined;
    }
    return { value: roundSignificant(micrometres / perUnit), unit: '\u00b5m' };
  };
  const x = one(tags.x);
  const y = one(tags.y ?? tags.x);
  return { ...(x ? { x } : {}), ...(y ? { y } : {}) };
}

/**
 * Resolutions are rationals that ImageJ writes with denominator 10⁶ (1/0.645 µm → 1550388/1000000, read
 * back as 0.644999832): 6 significant digits give back the pixel size the user set.
 */
function roundSignificant(value: number): number {
  return Number(value.toPrecision(6));
}

function positiveInt(raw: string): number | null {
  if (!/^\s*\d{1,9}\s*$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= MAX_AXIS_SIZE ? n : null;
}

function positiveNumber(raw: string | undefined): number | null {
  if (raw === undefined || raw.length > 40) return null;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Index of the next `<name` or `<prefix:name` start tag at or after `from`, or -1. */
function findElement(xml: string, name: string, from: number): number {
  const pattern = new RegExp(`<(?:\\w+:)?${name}[\\s/>]`, 'g');
  pattern.lastIndex = from;
  const match = pattern.exec(xml);
  return match ? match.index : -1;
}

function findClosing(xml: string, name: string, from: number): number {
  const pattern = new RegExp(`</(?:\\w+:)?${name}\\s*>`, 'g');
  pattern.lastIndex = from;
  const match = pattern.exec(xml);
  return match ? match.index : xml.length;
}

/**
 * The attributes of the start tag at `start` (up to its `>`), entity-decoded; null if the tag never ends.
 * A hand-written scan, linear in the tag's length: a regular expression over a hostile 1 MB tag of
 * letters without `=` would backtrack quadratically.
 */
function readAttributes(xml: string, start: number): { attributes: Map<string, string>; end: number } | null {
  const end = xml.indexOf('>', start);
  if (end < 0) return null;
  const attributes = new Map<string, string>();
  let i = start + 1;
  while (i < end && !isSpace(xml[i])) i++; // the element name
  while (i < end) {
    while (i < end && isSpace(xml[i])) i++;
    const nameStart = i;
    while (i < end && xml[i] !== '=' && !isSpace(xml[i])) i++;
    const qualified = xml.slice(nameStart, i);
    while (i < end && isSpace(xml[i])) i++;
    if (xml[i] !== '=') continue; // a stray word or the closing '/'
    i++;
    while (i < end && isSpace(xml[i])) i++;
    const quote = xml[i];
    if (quote !== '"' && quote !== "'") break;
    const valueEnd = xml.indexOf(quote, i + 1);
    if (valueEnd < 0 || valueEnd > end) break;
    const name = qualified.slice(qualified.indexOf(':') + 1);
    if (!attributes.has(name)) attributes.set(name, decodeEntities(xml.slice(i + 1, valueEnd)));
    i = valueEnd + 1;
  }
  return { attributes, end: end + 1 };
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()];
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}
