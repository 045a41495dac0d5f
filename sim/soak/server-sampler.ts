// One reading of a server's resources for the soak: memory, handles, timers and descriptors from its
// Prometheus /metrics (prom-client's default process metrics) and, when the server is our child
// process, its descriptors straight from /proc/<pid>/fd.

import { readdirSync } from 'node:fs';
import { parsePrometheus, sampleValue, type PromSamples } from '../bench/prometheus-text.js';

export interface ServerReading {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  /** libuv handles kept alive (sockets, servers, ...): nodejs_active_handles_total. */
  readonly handles: number;
  /** Active timers: nodejs_active_resources{type="Timeout"}. */
  readonly timers: number;
  /** Open file descriptors (/proc/<pid>/fd for a child server, else process_open_fds); null when unknown. */
  readonly fds: number | null;
  readonly connections: number;
  readonly players: number;
  readonly rooms: number;
  /** Cumulative counters, for rates between readings. */
  readonly cpuSeconds: number;
  readonly inputsApplied: number;
  readonly eventLoopP99Ms: number;
  readonly tickP99Ms: number;
}

export async function readServer(url: string, pid: number | null, timeoutMs = 10_000): Promise<ServerReading> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const m = parsePrometheus(await response.text());
  const value = (name: string, labels: Record<string, string> = {}) => sampleValue(m, name, labels) ?? NaN;
  return {
    rssBytes: value('process_resident_memory_bytes'),
    heapUsedBytes: value('nodejs_heap_size_used_bytes'),
    heapTotalBytes: value('nodejs_heap_size_total_bytes'),
    externalBytes: value('nodejs_external_memory_bytes'),
    handles: value('nodejs_active_handles_total'),
    // prom-client leaves a resource type out when there is none of it.
    timers: sampleValue(m, 'nodejs_active_resources', { type: 'Timeout' }) ?? 0,
    fds: pid !== null ? openDescriptors(pid) : (sampleValue(m, 'process_open_fds') ?? null),
    connections: value('game_connections'),
    players: value('game_players'),
    rooms: value('game_rooms'),
    cpuSeconds: value('process_cpu_seconds_total'),
    inputsApplied: sum(m, 'game_inputs_applied_total'),
    eventLoopP99Ms: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    tickP99Ms: (sampleValue(m, 'game_tick_duration_recent_seconds', { quantile: '0.99' }) ?? NaN) * 1000,
  };
}

function openDescriptors(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null; // not Linux, or the process is gone
  }
}

function sum(samples: PromSamples, name: string): number {
  return samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
}
