/**
 * The backend's data folder (sample, uploads): checked once at start so a folder that cannot hold files
 * fails at once with one line, instead of later, or never: Node's `mkdir(…, { recursive: true })` retries
 * forever under /proc (the kernel answers ENOENT for every new name there), which hung `mixel serve`.
 */
import { existsSync, mkdirSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ServiceError } from '../../core/protocol/ServiceError.js';

/** Kernel file systems (statfs magic numbers) that show system state and cannot hold a user's files. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
]);

/**
 * Makes `dir` (and missing parents, one level at a time) and checks that a file can be created in it;
 * returns its absolute path. Throws a ServiceError (`data-dir-unusable`) whose one-line message names the
 * folder and the reason.
 */
export function prepareDataDir(dir: string): string {
  const full = resolve(dir);
  const refuse = (reason: string) =>
    new ServiceError(
      'data-dir-unusable',
      `data folder ${full} cannot hold Mixel's files (${reason}): set MIXEL_DATA_DIR to a writable folder`,
    );
  const missing: string[] = [];
  for (let p = full; !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  const existing = missing.length > 0 ? dirname(missing[0]) : full;
  const fileSystem = PSEUDO_FILE_SYSTEMS.get(safeStatfsType(existing));
  if (fileSystem) throw refuse(`it is on ${fileSystem}, a kernel file system`);
  try {
    for (const p of missing) mkdirSync(p);
  } catch (err) {
    throw refuse((err as Error).message);
  }
  if (!statSync(full).isDirectory()) throw refuse('it is not a folder');
  const probe = join(full, `.mixel-probe-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (err) {
    throw refuse(`a file cannot be created there: ${(err as Error).message}`);
  }
  return full;
}

function safeStatfsType(path: string): number {
  try {
    return Number(statfsSync(path).type);
  } catch {
    return 0; // no statfs here: the mkdir and the probe below still decide
  }
}
