/**
 * Inputs for the WebSocket fuzz loop, all drawn from one seeded generator so a failing run can be replayed
 * with its seed: rpc messages (real and made-up methods, valid arguments with one part replaced by
 * something hostile), byte-level mutations of valid frames, and raw WebSocket frames that bend RFC 6455.
 */
import { encodeFrame } from '../../src/core/protocol/binaryCodec.js';
import { MIXEL_EVENTS, MIXEL_METHODS } from '../../src/core/protocol/MixelService.js';
import type { ProjectState } from '../../src/core/protocol/types.js';
import { frame } from './serverHarness.js';

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]) => items[int(items.length)] };
}

export interface Random {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/**
 * Methods that write files where they are told (a project file, an export folder): random paths would
 * litter the machine running the tests. Their arguments are checked by the service's own tests.
 */
const WRITING_METHODS = new Set(['saveProject', 'exportImages']);
export const FUZZED_METHODS = MIXEL_METHODS.filter((m) => !WRITING_METHODS.has(m));

const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  255,
  256,
  65535,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  3e38,
  5e-324,
  Number.NaN,
  Infinity,
  -Infinity,
];
const HOSTILE_STRINGS = [
  '',
  'x',
  '__proto__',
  'constructor',
  'toString',
  '\u0000',
  'a\u0000b',
  '%zz',
  '\ud800',
  'é'.repeat(300),
  'x'.repeat(70_000),
  '#zzzzzz',
];

/** Something a careless or hostile client might put anywhere a value goes. */
export function hostileValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 4 : 9)) {
    case 0:
      return random.pick(HOSTILE_NUMBERS);
    case 1:
      return random.pick(HOSTILE_STRINGS);
    case 2:
      return random.pick([null, true, false]);
    case 3:
      return random.next() * 10 ** random.int(12) * (random.next() < 0.5 ? -1 : 1);
    case 4:
      return Array.from({ length: random.int(5) }, () => hostileValue(random, depth + 1));
    case 5: {
      const out: Record<string, unknown> = {};
      for (let i = random.int(4); i > 0; i--) {
        setOwn(out, random.pick(HOSTILE_STRINGS).slice(0, 12), hostileValue(random, depth + 1));
      }
      return out;
    }
    case 6:
      return new Float32Array(random.int(2048)).map(() => random.pick(HOSTILE_NUMBERS));
    case 7:
      return new Uint8Array(random.int(4096)).map(() => random.int(256));
    default:
      return new ArrayBuffer(random.int(1024));
  }
}

/** Valid arguments for each method, built from the project being served. */
export function validArguments(project: ProjectState, random: Random): Record<string, unknown[]> {
  const image = project.images[0];
  const imageId = image?.id ?? 'none';
  const rect = {
    x: random.int(512),
    y: random.int(512),
    width: 1 + random.int(300),
    height: 1 + random.int(300),
  };
  const stroke = {
    id: `fuzz-${random.int(1e9)}`,
    kind: 'stroke',
    imageId,
    classId: 1 + random.int(2),
    radiusPx: 1 + random.int(8),
    mode: 'paint',
    points: new Float32Array([random.int(512), random.int(512), random.int(512), random.int(512)]),
  };
  return {
    getProject: [],
    newProject: [],
    openSampleProject: [],
    openProject: [`no-such-folder-${random.int(1000)}/p.mixel`],
    addImage: [`no-such-folder-${random.int(1000)}/a.tif`],
    uploadImage: ['a.png', new Uint8Array(random.int(64)).buffer],
    beginUpload: ['a.png', random.int(1024)],
    uploadChunk: [`upload-${random.int(10)}`, 0, new Uint8Array(random.int(64))],
    finishUpload: [`upload-${random.int(10)}`],
    removeImage: [imageId],
    getImageTile: [{ imageId, level: random.int(4), rect }],
    getFeatureTile: [{ imageId, rect, channel: random.int(64) }],
    getBaseLabels: [imageId],
    setClasses: [project.classes],
    applyLabelChange: [{ added: [stroke], removed: [] }],
    setFeatureSelection: [project.features],
    setClassifierSettings: [project.classifier],
    predictTiles: [
      {
        requestId: random.int(1e6),
        viewId: `fuzz-${random.int(3)}`,
        imageId,
        tiles: [rect],
        retrain: random.next() < 0.3,
        stride: 1 + random.int(8),
      },
    ],
    cancel: [random.int(1e6)],
  };
}

/**
 * Sets an own property, even one named `__proto__`: what JSON.parse makes of `{"__proto__": …}` on the
 * server, where plain assignment here would change the prototype of the object being built instead.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `value` with one part (a field, an element, or the whole) replaced, removed or added to. */
export function mutate(value: unknown, random: Random): unknown {
  if (random.next() < 0.1) return hostileValue(random);
  if (Array.isArray(value)) {
    if (value.length === 0 || random.next() < 0.2) return [...value, hostileValue(random)];
    const copy = [...value];
    const at = random.int(copy.length);
    if (random.next() < 0.2) copy.splice(at, 1);
    else copy[at] = mutate(copy[at], random);
    return copy;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer)
  ) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || random.next() < 0.15)
      setOwn(copy, random.pick(HOSTILE_STRINGS).slice(0, 12), hostileValue(random));
    else {
      const key = random.pick(keys);
      if (random.next() < 0.2) delete copy[key];
      else copy[key] = mutate(copy[key], random);
    }
    return copy;
  }
  return hostileValue(random);
}

/** One rpc call as a client would send it, arguments mostly valid with one hostile part. */
export function fuzzedCall(project: ProjectState, random: Random, id: number): unknown {
  const method = random.next() < 0.05 ? random.pick(HOSTILE_STRINGS) : random.pick(FUZZED_METHODS);
  const valid = validArguments(project, random)[method] ?? [];
  const args = random.next() < 0.25 ? valid : mutate(valid, random);
  return { type: 'call', id, method, args };
}

/** Any client message, including subscribe / unsubscribe / cancel and malformed envelopes. */
export function fuzzedMessage(project: ProjectState, random: Random, id: number): unknown {
  const roll = random.next();
  if (roll < 0.7) return fuzzedCall(project, random, id);
  if (roll < 0.8)
    return {
      type: 'subscribe',
      id,
      event: random.next() < 0.8 ? random.pick(MIXEL_EVENTS) : hostileValue(random),
    };
  if (roll < 0.85) return { type: 'unsubscribe', id: random.int(id + 1) };
  if (roll < 0.9) return { type: 'cancel', id: random.int(id + 1) };
  return mutate({ type: 'call', id, method: 'getProject', args: [] }, random);
}

/** A valid frame with a few bytes flipped, cut short, or grown: what a buggy encoder would send. */
export function mutatedFrameBytes(message: unknown, random: Random): ArrayBuffer {
  let bytes = new Uint8Array(encodeFrame(message));
  switch (random.int(4)) {
    case 0:
      for (let i = 1 + random.int(4); i > 0; i--) bytes[random.int(bytes.length)] = random.int(256);
      break;
    case 1:
      bytes = bytes.slice(0, random.int(bytes.length));
      break;
    case 2: {
      const grown = new Uint8Array(bytes.length + 1 + random.int(64));
      grown.set(bytes);
      for (let i = bytes.length; i < grown.length; i++) grown[i] = random.int(256);
      bytes = grown;
      break;
    }
    default:
      // A header length that points anywhere.
      new DataView(bytes.buffer).setUint32(
        0,
        random.pick([0, 1, bytes.length, 2 ** 32 - 1, random.int(2 ** 32)]),
        true,
      );
  }
  return bytes.buffer as ArrayBuffer;
}

/** A raw WebSocket frame that may break any rule: opcode, RSV bits, mask, length, fragmentation. */
export function rawFuzzFrame(random: Random, message: ArrayBuffer): Buffer {
  const payload =
    random.next() < 0.5
      ? Buffer.from(message)
      : Buffer.from(new Uint8Array(random.int(300)).map(() => random.int(256)));
  const roll = random.next();
  if (roll < 0.3) return frame({ opcode: 2, payload });
  if (roll < 0.4) return frame({ opcode: random.int(16), payload });
  if (roll < 0.5) return frame({ opcode: 2, payload, rsv: 1 + random.int(7) });
  if (roll < 0.6) return frame({ opcode: 2, payload, masked: false });
  if (roll < 0.7) return frame({ opcode: random.pick([0, 1, 2]), payload, fin: false });
  if (roll < 0.8)
    return frame({ opcode: random.pick([8, 9, 10]), payload: payload.subarray(0, random.int(200)) });
  if (roll < 0.9) {
    return frame({
      opcode: 2,
      payload,
      declaredLength: BigInt(random.pick([0, 126, 65536, 2 ** 31, 2 ** 40, 2 ** 53])),
    });
  }
  return Buffer.from(new Uint8Array(1 + random.int(32)).map(() => random.int(256)));
}
