// Processes as Linux's /proc shows them: a process tree below a pid, and whether a pid still runs. For tests
// that start real process chains (`npm start`) and must prove that none of them is left behind.

import { readFileSync, readdirSync } from 'node:fs';

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Process group id. */
  readonly pgrp: number;
  /** The executable's name as the kernel keeps it (at most 15 characters). */
  readonly comm: string;
  /** R running, S sleeping, Z zombie (exited, not yet reaped), ... */
  readonly state: string;
}

/** The process's /proc entry, or null when there is no such process any more. */
export function readProc(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses, so split after the last ')'.
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const [state, ppid, pgrp] = stat.slice(close + 2).split(' ');
  return { pid, ppid: Number(ppid), pgrp: Number(pgrp), comm, state: state ?? '?' };
}

export function allProcs(): ProcInfo[] {
  const procs: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) procs.push(info);
  }
  return procs;
}

/** `root` and every process below it, parents before their children. */
export function processTree(root: number): ProcInfo[] {
  const procs = allProcs();
  const rootInfo = procs.find((p) => p.pid === root);
  if (!rootInfo) return [];
  const tree = [rootInfo];
  for (let i = 0; i < tree.length; i++) tree.push(...procs.filter((p) => p.ppid === tree[i]!.pid));
  return tree;
}

/** False once the process has exited (a zombie has exited too: it only waits for its parent to reap it). */
export function isRunning(pid: number): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z';
}
