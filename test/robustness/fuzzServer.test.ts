/**
 * Fuzz loop for browser mode's WebSocket protocol, on loopback against the real server with the sample
 * project open. Seeded (MIXEL_FUZZ_SEED) and bounded in time (MIXEL_FUZZ_SECONDS, 60 by default, as CI
 * runs it) and in count (MIXEL_FUZZ_CASES). Each batch mixes rpc messages with hostile arguments,
 * byte-mutated frames and raw WebSocket frames that break the protocol; after each batch every call sent
 * must have had its answer, the server must still answer a new client, and no error may have escaped
 * (one that would end the real `mixel serve`).
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../src/core/protocol/binaryCodec.js';
import type { ProjectState } from '../../src/core/protocol/types.js';
import { FUZZ_MAX_CASES, FUZZ_SECONDS, FUZZ_SEED } from './fuzzBudget.js';
import {
  fuzzedMessage,
  mutatedFrameBytes,
  rawFuzzFrame,
  seededRandom,
  type Random,
} from './fuzzServerInputs.js';
import {
  connectClient,
  openRawWebSocket,
  processKillers,
  serveSample,
  type ServedSample,
} from './serverHarness.js';

const CASES_PER_BATCH = 40;
/** Longest a fuzzed call may go unanswered (predictions on a busy 2-core machine included). */
const ANSWER_TIMEOUT_MS = 30_000;
/** Ids of fuzzed messages start here, far above the ids the checking client uses on the same socket. */
const FIRST_FUZZ_ID = 1_000_000_000;

let served: ServedSample;

beforeAll(async () => {
  served = await serveSample();
});

afterAll(async () => {
  await served?.close();
});

it(
  `the WebSocket protocol survives ${FUZZ_SECONDS} s of fuzzing (seed ${FUZZ_SEED})`,
  async () => {
    const random = seededRandom(FUZZ_SEED);
    const client = await connectClient(served.server);
    const unanswered = new Map<number, string>();
    /** How the fuzzed calls were answered, by result or error code: shows the loop reached the service. */
    const answers = new Map<string, number>();
    const internalErrors: string[] = [];
    client.socket.on('message', (data: ArrayBuffer) => {
      const message = decodeFrame(data) as { type: string; id: number; error?: { code: string } };
      const call = unanswered.get(message.id);
      if (message.type === 'event' || call === undefined) return;
      unanswered.delete(message.id);
      const kind = message.error?.code ?? message.type;
      // 'internal' means the service failed on an input it should have refused with a reason.
      if (kind === 'internal') internalErrors.push(`${call} → ${JSON.stringify(message.error)}`);
      answers.set(kind, (answers.get(kind) ?? 0) + 1);
    });
    const deadline = Date.now() + FUZZ_SECONDS * 1000;
    let nextId = FIRST_FUZZ_ID;
    let cases = 0;
    let batches = 0;
    try {
      while (Date.now() < deadline && cases < FUZZ_MAX_CASES) {
        const project = await projectWorthFuzzing(client.service);
        const raw = await openRawWebSocket(served.server);
        for (let i = 0; i < CASES_PER_BATCH; i++, cases++) {
          const id = nextId++;
          const message = fuzzedMessage(project, random, id);
          sendCase(random, message, id, client.socket, raw.socket, unanswered);
        }
        await untilAnswered(unanswered);
        raw.socket.destroy();
        batches++;
        // The server is up: a new client connects and reads the project.
        const probe = await connectClient(served.server);
        await expect(probe.service.getProject()).resolves.toHaveProperty('classes');
        probe.close();
        expect(processKillers.splice(0).map(String), `seed ${FUZZ_SEED}, batch ${batches}`).toEqual([]);
      }
    } finally {
      client.close();
    }
    expect(internalErrors, `calls that failed with an internal error (seed ${FUZZ_SEED})`).toEqual([]);
    const tally = [...answers].map(([kind, n]) => `${kind} ${n}`).join(', ');
    console.log(
      `fuzz: ${cases} cases in ${batches} batches, seed ${FUZZ_SEED}, nothing found (calls: ${tally})`,
    );
    expect(cases).toBeGreaterThan(0);
  },
  (FUZZ_SECONDS + 120) * 1000,
);

/** The current project, reopening the sample when fuzzing left it without images. */
async function projectWorthFuzzing(service: Awaited<ReturnType<typeof connectClient>>['service']) {
  const project = await service.getProject();
  return project.images.length > 0 ? project : ((await service.openSampleProject()) as ProjectState);
}

function sendCase(
  random: Random,
  message: unknown,
  id: number,
  socket: Awaited<ReturnType<typeof connectClient>>['socket'],
  raw: Socket,
  unanswered: Map<number, string>,
): void {
  const roll = random.next();
  if (roll < 0.6) {
    socket.send(encodeFrame(message));
    const m = (message ?? {}) as { type?: unknown; id?: unknown };
    if (m.type === 'call' && m.id === id) unanswered.set(id, summarize(message));
  } else if (roll < 0.85) {
    socket.send(mutatedFrameBytes(message, random));
  } else if (!raw.destroyed) {
    raw.write(rawFuzzFrame(random, encodeFrame(message)));
  }
}

async function untilAnswered(unanswered: Map<number, string>): Promise<void> {
  const since = Date.now();
  while (unanswered.size > 0 && Date.now() - since < ANSWER_TIMEOUT_MS) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(
    [...unanswered.values()],
    `calls unanswered after ${ANSWER_TIMEOUT_MS} ms (seed ${FUZZ_SEED})`,
  ).toEqual([]);
}

/** A call, short enough for a failure message (binary parts shown by their kind only). */
function summarize(message: unknown): string {
  const text = JSON.stringify(message, (_key, value: unknown) =>
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) !== Object.prototype
      ? `<${Object.prototype.toString.call(value)}>`
      : value,
  );
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
