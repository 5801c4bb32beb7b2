/**
 * A real backend (worker pool, data folder in a temporary directory) behind the in-memory protocol: the
 * window's path to the service without a window, for tests of stacks, export and Suggest features.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stroke } from '../../src/core/labels/Stroke.js';
import { createInMemoryProtocolPair } from '../../src/core/protocol/InMemoryProtocol.js';
import type { MixelService } from '../../src/core/protocol/MixelService.js';
import { connectService, serveService } from '../../src/core/protocol/rpc.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';

export interface BackendOverWire {
  readonly dir: string;
  readonly backend: Backend;
  readonly client: MixelService;
  close(): Promise<void>;
}

export async function startBackendOverWire(prefix: string, threads = 2): Promise<BackendOverWire> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const backend = createBackend({ dataDir: dir, threads });
  const [a, b] = createInMemoryProtocolPair();
  serveService(backend.service, a);
  return {
    dir,
    backend,
    client: connectService(b),
    close: async () => {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A painting stroke of `classId` on `plane` through `points` (x0, y0, x1, y1, …). */
export function planeStroke(
  id: string,
  imageId: string,
  classId: number,
  plane: number | undefined,
  points: number[],
  radiusPx = 2,
): Stroke {
  return {
    id,
    kind: 'stroke',
    imageId,
    plane,
    classId,
    radiusPx,
    mode: 'paint',
    points: new Float32Array(points),
  };
}

/** Opens the built-in sample and paints one background and one nucleus stroke on it; the image's id. */
export async function paintedSample(service: MixelService): Promise<string> {
  const project = await service.openSampleProject();
  const imageId = project.images[0].id;
  await service.applyLabelChange({
    added: [
      planeStroke('b', imageId, 1, undefined, [300, 300, 340, 300], 4),
      planeStroke('n', imageId, 2, undefined, [100, 100, 104, 100], 4),
    ],
    removed: [],
  });
  return imageId;
}
