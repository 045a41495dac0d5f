// Profiling driver (issue 14): one server process (core 0) + one or two light-bots processes (core 1),
// one CCU step; samples server and bots CPU/RSS over a window, heap stats from /metrics, optionally a
// CPU profile (--cpu-prof) and a heap snapshot (SIGUSR2, --heapsnapshot-signal) after the window.
// usage (from the repository): node sim/bench/profile/capacity-profile.mjs --ccu 384 --label before [--cpu-prof]
//   [--heap-snapshot] [--bots-procs 1] [--measure 30] [--repo DIR (server's checkout)] [--bots-repo DIR] [--out DIR]
//   [--compiled (run DIR/dist/server/main.js as npm start does, built beforehand; default: the sources through tsx)]
//   [--node-flags="--max-semi-space-size=2" (extra node flags of the server; with =)] [--sample-every 2 (s between heap samples)]
//   [--alloc-prof FILE (a sampling heap profile of every allocation over the window, collected objects included:
//   the server runs with --inspect and is sampled through the DevTools protocol; read it with alloc-summary.mjs)]
//   [BOTS_BEHAVIOUR=steady (env: the bots' behaviour, default wander; steady is the peers bench's workload)]
//   [--alloc-survivors (with --alloc-prof: leave out objects a scavenge collected: what is left was promoted to the
//   old generation or is still live, the allocations that grow the heap between mark-compacts)]
// Heap used/committed and RSS are also sampled every --sample-every seconds over the window (medians reported):
// one scrape lands anywhere between two scavenges, so a single sample says as much about the young generation's
// fill level as about the heap.
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { join } from 'node:path';

const { values } = parseArgs({ options: {
  ccu: { type: 'string', default: '128' }, label: { type: 'string', default: 'run' },
  'cpu-prof': { type: 'boolean', default: false }, 'heap-snapshot': { type: 'boolean', default: false },
  'bots-procs': { type: 'string', default: '1' }, measure: { type: 'string', default: '30' },
  settle: { type: 'string', default: '8' }, compiled: { type: 'boolean', default: false }, 'node-flags': { type: 'string', default: '' },
  'sample-every': { type: 'string', default: '2' }, 'alloc-prof': { type: 'string' }, 'alloc-survivors': { type: 'boolean', default: false }, ramp: { type: 'string', default: '100' }, out: { type: 'string', default: '/tmp/prof/out' }, repo: { type: 'string', default: '.' }, 'bots-repo': { type: 'string', default: '.' },
} });
const repo = values.repo; const botsRepo = values['bots-repo'];
const ccu = Number(values.ccu), procs = Number(values['bots-procs']), measure = Number(values.measure), settle = Number(values.settle), ramp = Number(values.ramp);
const outDir = join(values.out, values.label + '-' + ccu); mkdirSync(outDir, { recursive: true });
const log = (s) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function proc(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, rssMb: rss / 1024 };
}
async function metrics(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(); const m = {};
  for (const line of text.split('\n')) { if (line.startsWith('#') || !line) continue; const [k, v] = [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))];
    const name = k.replace(/\{.*\}/, ''); const labels = (k.match(/\{(.*)\}/) || [, ''])[1].replace(/node="[^"]*",?/, '').replace(/,$/, '');
    m[labels ? `${name}{${labels}}` : name] = (m[labels ? `${name}{${labels}}` : name] ?? 0) + v; }
  return m;
}
/** Sum of a metric over its labels (e.g. snapshots sent by path). */
const sum = (m, name) => Object.keys(m).filter((k) => k === name || k.startsWith(`${name}{`)).reduce((n, k) => n + m[k], 0);
const nodeFlags = [];
if (values['cpu-prof']) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${outDir}`);
if (values['heap-snapshot']) nodeFlags.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${outDir}`);
nodeFlags.push(...values['node-flags'].split(' ').filter(Boolean));
if (values['alloc-prof']) nodeFlags.push('--inspect=127.0.0.1:0');
const entry = values.compiled ? ['--enable-source-maps', 'dist/server/main.js'] : ['--import', 'tsx', 'server/main.ts'];
const server = spawn('taskset', ['-c', '0', process.execPath, ...nodeFlags, ...entry], { cwd: repo,
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', EMPTY_ROOM_GRACE_MS: '1000', MAX_ROOMS: '10000', RECONNECT_GRACE_MS: '1000',
    EXEMPT_ADDRESSES: '127.0.0.1', MAX_CONNECTIONS: '20000', BOT_FILL: '0', RECORDINGS_DIR: join(outDir, 'recordings') }, stdio: ['ignore', 'pipe', 'pipe'] });
let inspectorUrl = null;
createInterface({ input: server.stderr }).on('line', (line) => {
  const found = /Debugger listening on (ws:\/\/\S+)/.exec(line);
  if (found) inspectorUrl = found[1];
  else if (!line.startsWith('For help, see')) process.stderr.write(line + '\n');
});
/** Sends DevTools protocol commands to the server (--alloc-prof). */
async function inspector() {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 1; const waiting = new Map();
  socket.on('message', (data) => { const reply = JSON.parse(String(data)); waiting.get(reply.id)?.(reply); waiting.delete(reply.id); });
  const post = (method, params = {}) => new Promise((resolve) => { const id = nextId++; waiting.set(id, resolve); socket.send(JSON.stringify({ id, method, params })); });
  return { post, close: () => socket.close() };
}
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no listening line')), 30000);
  createInterface({ input: server.stdout }).on('line', (line) => { if (line.includes('"listening"')) { clearTimeout(timer); resolve(JSON.parse(line).port); } });
});
log(`server pid ${server.pid} port ${port}`);
await sleep(1000);
const idle = proc(server.pid);
const rooms = Math.ceil(ccu / 16);
const bots = [];
for (let p = 0; p < procs; p++) {
  const r = Math.floor(rooms / procs) + (p < rooms % procs ? 1 : 0);
  const duration = settle + measure + 4;
  // --max-semi-space-size=64: the bots' node flags (sim/bots/bots-command.ts; this plain .mjs cannot import it).
  bots.push(spawn('taskset', ['-c', '1', process.execPath, '--max-semi-space-size=64', '--import', 'tsx', 'sim/bots/cli.ts', '--url', `http://127.0.0.1:${port}`, '--rooms', String(r),
    '--bots-per-room', '16', '--ramp', String(ramp / procs), '--duration', String(duration), '--light', '--behaviour', process.env.BOTS_BEHAVIOUR ?? 'wander', '--max-failure-rate', '1',
    '--seed', String(p + 1), '--json', join(outDir, `bots-${p}.json`)], { cwd: botsRepo, stdio: ['ignore', 'ignore', 'inherit'] }));
}
await sleep((ccu / ramp + settle) * 1000);
const machine = () => { const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number); return { busy: f[0] + f[1] + f[2] + f[5] + f[6] + f[7], all: f.reduce((a, b) => a + b, 0) }; };
const mc0 = machine();
const m0 = await metrics(port); const s0 = proc(server.pid); const b0 = bots.map((b) => proc(b.pid)); const t0 = performance.now();
log(`measuring ${measure}s`);
const devtools = values['alloc-prof'] ? await inspector() : null;
// --alloc-survivors leaves out what died young: what remains was promoted (or is still live).
await devtools?.post('HeapProfiler.startSampling', {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: !values['alloc-survivors'],
});
const samples = { heapUsedMb: [], heapTotalMb: [], rssMb: [] };
const sampleEvery = Number(values['sample-every']) * 1000;
while (performance.now() - t0 < measure * 1000 - sampleEvery / 2) {
  await sleep(Math.min(sampleEvery, measure * 1000 - (performance.now() - t0)));
  const m = await metrics(port);
  samples.heapUsedMb.push(m['nodejs_heap_size_used_bytes'] / 2 ** 20);
  samples.heapTotalMb.push(m['nodejs_heap_size_total_bytes'] / 2 ** 20);
  samples.rssMb.push(proc(server.pid).rssMb);
}
await sleep(Math.max(0, measure * 1000 - (performance.now() - t0)));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
if (devtools) {
  const reply = await devtools.post('HeapProfiler.stopSampling');
  writeFileSync(values['alloc-prof'], JSON.stringify(reply.result.profile));
  devtools.close();
  log(`allocation profile: ${values['alloc-prof']}`);
}
const mc1 = machine();
const m1 = await metrics(port); const s1 = proc(server.pid); const b1 = bots.map((b) => proc(b.pid)); const secs = (performance.now() - t0) / 1000;
const players = m1['game_players'];
const q = (name, quant) => (m1[`${name}{quantile="${quant}"}`] ?? NaN) * 1000;
const result = {
  label: values.label, machineBusyPctOfOneCore: (mc1.busy - mc0.busy) / secs, ticksDropped: (m1['game_ticks_dropped_total'] ?? 0) - (m0['game_ticks_dropped_total'] ?? 0),
  rejected: Object.fromEntries(Object.keys(m1).filter((k) => k.startsWith('game_inputs_rejected_total')).map((k) => [k, m1[k] - (m0[k] ?? 0)])), ccu, players, connections: m1['game_connections'], seconds: secs,
  serverCpuPct: ((s1.cpu - s0.cpu) / secs) * 100, idleRssMb: idle.rssMb, rssMb: s1.rssMb,
  heapUsedMb: m1['nodejs_heap_size_used_bytes'] / 2 ** 20, heapTotalMb: m1['nodejs_heap_size_total_bytes'] / 2 ** 20,
  nodeFlags: values['node-flags'], compiled: values.compiled, heapSamples: samples.heapUsedMb.length,
  medianHeapUsedMb: median(samples.heapUsedMb), medianHeapTotalMb: median(samples.heapTotalMb), medianRssMb: median(samples.rssMb),
  maxHeapUsedMb: Math.max(...samples.heapUsedMb), minHeapUsedMb: Math.min(...samples.heapUsedMb),
  externalMb: m1['nodejs_external_memory_bytes'] / 2 ** 20,
  tickP50Ms: q('game_tick_duration_recent_seconds', '0.5'), tickP99Ms: q('game_tick_duration_recent_seconds', '0.99'),
  inputsPerPlayerPerSec: (m1['game_inputs_applied_total'] - m0['game_inputs_applied_total']) / secs / players,
  snapshotsPerPlayerPerSec: (sum(m1, 'game_snapshots_sent_total') - sum(m0, 'game_snapshots_sent_total')) / secs / players,
  // Server CPU per unit of work, comparable across runs whose bots delivered different input rates:
  // per input applied plus snapshot sent (the two messages every player moves each tick).
  cpuUsPerMessage: ((s1.cpu - s0.cpu) * 1e6) / (m1['game_inputs_applied_total'] - m0['game_inputs_applied_total'] + sum(m1, 'game_snapshots_sent_total') - sum(m0, 'game_snapshots_sent_total')),
  bytesInPerClientPerSec: (m1['game_bytes_received_total'] - m0['game_bytes_received_total']) / secs / m1['game_connections'],
  bytesOutPerClientPerSec: (m1['game_bytes_sent_total'] - m0['game_bytes_sent_total']) / secs / m1['game_connections'],
  botsCpuPct: b1.map((b, i) => ((b.cpu - b0[i].cpu) / secs) * 100), gcPerSec: Object.fromEntries(['minor', 'major', 'incremental'].map((k) => [k, ((m1[`nodejs_gc_duration_seconds_count{kind="${k}"}`] ?? 0) - (m0[`nodejs_gc_duration_seconds_count{kind="${k}"}`] ?? 0)) / secs])),
  gcMsPerSec: Object.keys(m1).filter((k) => k.startsWith('nodejs_gc_duration_seconds_sum')).reduce((n, k) => n + (m1[k] - (m0[k] ?? 0)), 0) / secs * 1000,
};
log(JSON.stringify(result));
if (values['heap-snapshot']) {
  server.kill('SIGUSR2'); log('heap snapshot requested');
  const t = Date.now(); while (Date.now() - t < 120000) { await sleep(1000); if (readdirSync(outDir).some((f) => f.endsWith('.heapsnapshot'))) { await sleep(3000); break; } }
}
await Promise.all(bots.map((b) => new Promise((r) => b.exitCode !== null ? r() : b.once('exit', r))));
server.kill('SIGINT');
await new Promise((r) => server.once('exit', r));
writeFileSync(join(outDir, 'result.json'), JSON.stringify(result, null, 2));
log(`done: ${outDir}`);
