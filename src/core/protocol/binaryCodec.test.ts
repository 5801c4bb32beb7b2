import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './binaryCodec.js';

describe('binary frames', () => {
  it('carry typed arrays as bytes, not JSON numbers, and restore them exactly', () => {
    const pixels = new Float32Array(10_000).map((_, i) => Math.sin(i) * 1e6);
    const labels = new Uint8Array([0, 1, 2, 255]);
    const frame = encodeFrame({ type: 'result', id: 3, value: { pixels, nested: [labels, 'text'], n: 1.5 } });
    // 40 kB of floats plus a short header: not 10 000 numbers written out as text.
    expect(frame.byteLength).toBeLessThan(pixels.byteLength + 400);
    const back = decodeFrame(frame) as {
      value: { pixels: Float32Array; nested: [Uint8Array, string]; n: number };
    };
    expect(back.value.pixels).toBeInstanceOf(Float32Array);
    expect(Array.from(back.value.pixels)).toEqual(Array.from(pixels));
    expect(Array.from(back.value.nested[0])).toEqual([0, 1, 2, 255]);
    expect(back.value.nested[1]).toBe('text');
    expect(back.value.n).toBe(1.5);
  });

  it('sends only the viewed part of a typed array, and whole ArrayBuffers', () => {
    const big = new Uint16Array([1, 2, 3, 4, 5, 6]);
    const view = big.subarray(2, 4);
    const buffer = new Uint8Array([9, 8, 7]).buffer;
    const back = decodeFrame(encodeFrame({ view, buffer })) as { view: Uint16Array; buffer: ArrayBuffer };
    expect(Array.from(back.view)).toEqual([3, 4]);
    expect(Array.from(new Uint8Array(back.buffer))).toEqual([9, 8, 7]);
  });

  it('gives the window views into a received frame instead of copies, with the same values', () => {
    // A full-resolution probability tile: 2 class planes and the unexplained plane, 192 kB in all.
    const probabilities = new Uint8Array(2 * 256 * 256).map((_, i) => (i * 7) & 255);
    const unexplained = new Uint8Array(256 * 256).map((_, i) => (i * 3) & 255);
    const points = new Float32Array([1.5, 2.5, 3.5]);
    const frame = encodeFrame({
      tile: { probabilities, unexplained, points },
      raw: new Uint8Array([5]).buffer,
    });
    const back = decodeFrame(frame, { views: true }) as {
      tile: { probabilities: Uint8Array; unexplained: Uint8Array; points: Float32Array };
      raw: ArrayBuffer;
    };
    for (const [sent, got] of [
      [probabilities, back.tile.probabilities],
      [unexplained, back.tile.unexplained],
      [points, back.tile.points],
    ] as const) {
      expect(got.buffer).toBe(frame);
      expect(got.constructor).toBe(sent.constructor);
      expect(Array.from(got)).toEqual(Array.from(sent));
    }
    expect(Array.from(new Uint8Array(back.raw))).toEqual([5]);
    // Without the option (the server: what it decodes may go on to workers) every buffer is its own copy.
    const copied = decodeFrame(frame) as { tile: { probabilities: Uint8Array } };
    expect(copied.tile.probabilities.buffer).not.toBe(frame);
    expect(copied.tile.probabilities.buffer.byteLength).toBe(probabilities.byteLength);
  });

  it('refuses a buffer that is not a whole number of its elements', () => {
    const frame = encodeFrame({ data: new Uint8Array(5) });
    const header = new TextDecoder().decode(new Uint8Array(frame, 4, new DataView(frame).getUint32(0, true)));
    const forged = header.replace('"Uint8Array"', '"Int16Array"');
    expect(forged.length).toBe(header.length);
    new Uint8Array(frame, 4).set(new TextEncoder().encode(forged));
    expect(() => decodeFrame(frame, { views: true })).toThrow(/not a whole number of Int16Array/);
    expect(() => decodeFrame(frame)).toThrow(/not a whole number of Int16Array/);
  });

  it('refuses truncated frames with a clear message', () => {
    const frame = encodeFrame({ data: new Float32Array(100) });
    expect(() => decodeFrame(frame.slice(0, 2))).toThrow(/malformed frame/);
    expect(() => decodeFrame(frame.slice(0, frame.byteLength - 8))).toThrow(/runs past the end/);
  });
});
