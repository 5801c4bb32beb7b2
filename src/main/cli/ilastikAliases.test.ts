import { describe, expect, it } from 'vitest';
import { checkOutputAxisOrder, translateIlastikAliases } from './ilastikAliases.js';

describe("ilastik's output options against a stack written as one file", () => {
  it('accepts axis orders with the planes first (t, then z), refuses others', () => {
    for (const order of ['tzcyx', 'zcyx', 'cyx', 'tcyx']) {
      expect(() => checkOutputAxisOrder(order, true)).not.toThrow();
    }
    expect(() => checkOutputAxisOrder('zyx', false)).not.toThrow();
    expect(() => checkOutputAxisOrder('czyx', true)).toThrow(
      '--output_axis_order czyx is not supported yet: Mixel writes a stack as t, z, then c, y, x',
    );
    expect(() => checkOutputAxisOrder('ztyx', false)).toThrow('Mixel writes a stack as t, z, then y, x');
  });

  it("reads 'multipage tiff' as tiff (one stack file, as Mixel writes it)", () => {
    expect(translateIlastikAliases({ output_format: 'multipage tiff' }).format).toBe('tiff');
    expect(() => translateIlastikAliases({ output_format: 'multipage tiff sequence' })).toThrow(
      'is not supported',
    );
  });
});
