/**
 * CPU time used by a headless Chromium and its child processes, read from /proc (Linux), per thread, so a
 * benchmark can say what a stroke cost the browser and where: the page's main thread (script, Konva's
 * canvas drawing), its compositor, or the display compositor that blends every layer canvas in software.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Linux's clock ticks per second for utime/stime in /proc (USER_HZ, 100 on every common build). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds per "process type/thread name", e.g. "renderer/CrRendererMain". */
export type CpuByThread = Map<string, number>;

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process or thread ended meanwhile
  }
}

/** utime + stime of a /proc/…/stat line in ms, and the parent pid (fields after the parenthesized name). */
function parseStat(stat: string): { ppid: number; cpuMs: number; name: string } {
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is the state (stat field 3): ppid is field 4, utime 14, stime 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND, name };
}

/** The browser process (its command line names `profileDir`) and all its descendants. */
function chromiumPids(profileDir: string): Map<number, string> {
  const parents = new Map<number, number>();
  const types = new Map<number, string>();
  let root = -1;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readText(`/proc/${pid}/stat`);
    const cmdline = readText(`/proc/${pid}/cmdline`);
    if (!stat || cmdline === null) continue;
    parents.set(pid, parseStat(stat).ppid);
    // Chromium rewrites its children's command lines, joined by spaces instead of NULs.
    const args = cmdline.split(/[\0 ]/);
    types.set(pid, args.find((a) => a.startsWith('--type='))?.slice(7) ?? 'browser');
    if (args.some((a) => a === `--user-data-dir=${profileDir}`) && !args.some((a) => a.startsWith('--type=')))
      root = pid;
  }
  const found = new Map<number, string>();
  if (root < 0) return found;
  const isBelowRoot = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 16; p = parents.get(p) ?? 0, hops++)
      if (p === root) return true;
    return false;
  };
  for (const pid of parents.keys()) if (isBelowRoot(pid)) found.set(pid, types.get(pid)!);
  return found;
}

/** CPU used so far by every thread of the Chromium whose profile is `profileDir`. */
export function chromiumCpu(profileDir: string): CpuByThread {
  const cpu: CpuByThread = new Map();
  for (const [pid, type] of chromiumPids(profileDir)) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const stat = readText(`/proc/${pid}/task/${tid}/stat`);
      if (!stat) continue;
      const { name, cpuMs } = parseStat(stat);
      const key = `${type}/${name}`;
      cpu.set(key, (cpu.get(key) ?? 0) + cpuMs);
    }
  }
  return cpu;
}

/** What was used between two readings, per thread (threads that ended in between count from zero). */
export function cpuSince(before: CpuByThread, after: CpuByThread): CpuByThread {
  const used: CpuByThread = new Map();
  for (const [key, ms] of after) used.set(key, Math.max(0, ms - (before.get(key) ?? 0)));
  return used;
}

export const totalCpu = (cpu: CpuByThread) => [...cpu.values()].reduce((a, b) => a + b, 0);

/** Adds `more` into `sum`. */
export function addCpu(sum: CpuByThread, more: CpuByThread): void {
  for (const [key, ms] of more) sum.set(key, (sum.get(key) ?? 0) + ms);
}

/** The threads that used most, as "name ms" pairs, per stroke (`sum` over `count` strokes). */
export function topThreads(sum: CpuByThread, count: number, top = 8): string {
  return [...sum]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .filter(([, ms]) => ms > 0)
    .map(([key, ms]) => `${key} ${Math.round(ms / count)}`)
    .join(', ');
}
