/**
 * Decoded chunks kept for reuse, least recently used dropped first once their bytes pass a budget. A band
 * of a prediction reads a full-width row of chunks and the next band's halo reads the same row again;
 * without the cache each chunk would be decoded two or three times. Reads of the same chunk at once share
 * one decode.
 */
export class ChunkCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry = { value: load(), bytes: 0 };
    this.entries.set(key, entry);
    entry.value.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(value);
        this.bytes += entry.bytes;
        this.evict();
      },
      // A failed read is not kept: the next read of the chunk tries again (and reports its own error).
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** Bytes of the decoded chunks held. */
  get heldBytes(): number {
    return this.bytes;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.budgetBytes) return;
      // Chunks still being decoded count nothing yet; they are skipped, not dropped.
      if (entry.bytes === 0) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
