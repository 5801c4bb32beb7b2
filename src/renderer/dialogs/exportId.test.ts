import { describe, expect, it } from 'vitest';
import { newExportId } from './exportId.js';

describe('newExportId', () => {
  it('gives each window its own export ids: distinct, whole, above prediction ids and safe on the wire', () => {
    const ids = Array.from({ length: 10_000 }, () => newExportId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(2 ** 32);
    }
  });
});
