// CPU time and resident memory of a process, read from /proc (Linux).

import { readFileSync } from 'node:fs';

export interface ProcStats {
  /** User + system CPU time consumed so far, seconds. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

export function readProcStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssBytes: rssKb * 1024 };
}
