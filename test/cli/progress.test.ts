import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressReporter } from '../../src/main/cli/progress.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function captureStdout(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe('JSON progress', () => {
  it('writes one parseable object per line: start, progress every 10 %, done, failed, summary', () => {
    const lines = captureStdout();
    const progress = createProgressReporter({ json: true });
    progress.begin('a.tif', 0, { width: 10 });
    for (let done = 1; done <= 100; done++) progress.step(done, 100);
    progress.end('a.tif', { outputs: ['a_Probabilities.tif'], seconds: 1.5 });
    progress.fail('b.tif', 'b.tif: the file is empty (0 bytes)');
    progress.summary({ message: '1 of 2 images predicted', succeeded: 1, failed: 1 });
    const events = lines.map((l) => {
      expect(l.endsWith('\n')).toBe(true);
      return JSON.parse(l) as { event: string; percent?: number };
    });
    expect(events[0]).toEqual({ event: 'start', image: 'a.tif', tiles: 0, width: 10 });
    const percents = events.filter((e) => e.event === 'progress').map((e) => e.percent);
    expect(percents).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(events.slice(-3).map((e) => e.event)).toEqual(['done', 'failed', 'summary']);
  });
});
