/**
 * Export ids are random (2^32 … 2^52, above the small ids of predictions): every window of one server
 * shares the service, so windows counting from the same number would cancel each other's exports and show
 * each other's progress.
 */
export function newExportId(): number {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2));
  return ((high & 0xfffff) + 1) * 2 ** 32 + low;
}
