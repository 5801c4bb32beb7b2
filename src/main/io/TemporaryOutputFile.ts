/**
 * An output written under a temporary name (writeFileAtomic.ts): `finish` flushes and closes it, `commit`
 * renames it into place, `abort` removes it. Finishing and committing are apart so that several outputs
 * (the planes of a z-stack, the sources of one image) are committed together or not at all.
 */
import { rm, type FileHandle } from 'node:fs/promises';
import { commitTemporaryFile, createTemporaryFile } from './writeFileAtomic.js';

export class TemporaryOutputFile {
  private isFinished = false;
  private isCommitted = false;

  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
    private readonly tmpPath: string,
  ) {}

  static async create(path: string): Promise<TemporaryOutputFile> {
    const { tmpPath, handle } = await createTemporaryFile(path);
    return new TemporaryOutputFile(path, handle, tmpPath);
  }

  get finished(): boolean {
    return this.isFinished;
  }

  /** Flushes the complete file to disk under its temporary name; on failure the file is removed. */
  async finish(): Promise<void> {
    if (this.isFinished) return;
    try {
      await this.handle.sync();
      await this.handle.close();
      this.isFinished = true;
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  /** Renames the finished file into place. */
  async commit(): Promise<void> {
    if (!this.isFinished) throw new Error(`${this.path}: commit before finish`);
    if (this.isCommitted) return;
    try {
      await commitTemporaryFile(this.tmpPath, this.path);
      this.isCommitted = true;
    } catch (err) {
      await rm(this.tmpPath, { force: true });
      throw err;
    }
  }

  /** Drops the partial (or finished but uncommitted) file; a committed file stays. */
  async abort(): Promise<void> {
    if (!this.isFinished) {
      this.isFinished = true;
      await this.handle.close().catch(() => undefined);
    }
    if (!this.isCommitted) await rm(this.tmpPath, { force: true });
  }
}
