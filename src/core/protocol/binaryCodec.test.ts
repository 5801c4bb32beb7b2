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

  it('refuses truncated frames with a clear message', () => {
    const frame = encodeFrame({ data: new Float32Array(100) });
    expect(() => decodeFrame(frame.slice(0, 2))).toThrow(/malformed frame/);
    expect(() => decodeFrame(frame.slice(0, frame.byteLength - 8))).toThrow(/runs past the end/);
  });
});
