/** A trivial job used by the pool's own tests: doubles a plane and reports which thread ran it. */
import { threadId } from 'node:worker_threads';

export function echoJob(input: { plane: Float32Array; delayMs?: number; fail?: string }): Promise<{
  plane: Float32Array;
  threadId: number;
}> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      if (input.fail) return reject(new Error(input.fail));
      const plane = new Float32Array(input.plane.length);
      for (let i = 0; i < plane.length; i++) plane[i] = input.plane[i] * 2;
      resolve({ plane, threadId });
    }, input.delayMs ?? 0);
  });
}
