// The resource monitor on a real V8 heap and real descriptors: a child process with a small heap limit
// fills its heap until the monitor says 'memory', frees it and is told it may take work again; this
// process opens descriptors and sees them counted.

import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_RESERVE, ResourceMonitor, descriptorLimit } from './resource-monitor.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('ResourceMonitor', () => {
  it('reports memory once the heap is nearly full, and clears once it is freed', () => {
    const script = `
      import { ResourceMonitor } from './server/resource-monitor.ts';
      const monitor = new ResourceMonitor(60_000);
      const before = monitor.busyReason();
      const hoard = [];
      let filledMb = 0;
      while (monitor.busyReason() === null && filledMb < 200) {
        hoard.push(new Array(128 * 1024).fill(filledMb)); // about 1 MB of heap each
        filledMb++;
        monitor.sample();
      }
      const full = monitor.busyReason();
      hoard.length = 0;
      globalThis.gc();
      monitor.sample();
      console.log(JSON.stringify({ before, full, filledMb, after: monitor.busyReason() }));
      monitor.stop();
    `;
    const out = execFileSync(process.execPath, ['--max-old-space-size=96', '--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop()!) as { before: string | null; full: string | null; filledMb: number; after: string | null };
    expect(result.before).toBeNull();
    expect(result.full).toBe('memory');
    expect(result.filledMb).toBeGreaterThan(40); // it took most of the 96 MB heap, not a false alarm
    expect(result.after).toBeNull();
  });

  it('counts open descriptors against the process limit', () => {
    const limit = descriptorLimit();
    expect(limit).toBeGreaterThan(0);
    const monitor = new ResourceMonitor(60_000);
    try {
      const open = monitor.openDescriptors!;
      const fds = Array.from({ length: 20 }, () => openSync(fileURLToPath(import.meta.url), 'r'));
      monitor.sample();
      expect(monitor.openDescriptors).toBeGreaterThanOrEqual(open + 20);
      for (const fd of fds) closeSync(fd);
      monitor.sample();
      expect(monitor.openDescriptors).toBeLessThan(open + 20);
      expect(monitor.descriptorBudget).toBe(Math.max(16, limit! - DESCRIPTOR_RESERVE));
      expect(monitor.busyReason()).toBeNull();
    } finally {
      monitor.stop();
    }
  });
});
