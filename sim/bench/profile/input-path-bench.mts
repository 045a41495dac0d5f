// The input path alone (issue 14): server CPU per input received, with no rooms and no snapshots, so the
// server's only work is taking inputs in (WebSocket read, engine.io, socket.io, our parser, PlayerConnection:
// rate limit and validation, up to "not in a room"). One server process of --repo pinned to core 0; this
// process, pinned to core 1 by the caller, is the load: --clients raw engine.io WebSocket clients (no
// socket.io-client: a load generator costs little), each sending one input frame in our Encoder's layout
// 30 times a second from one drift-free clock (the peers bench's).
// usage: taskset -c 1 node --import tsx sim/bench/profile/input-path-bench.mts --repo DIR [--clients 512] [--measure 20]
//   [--cpu-prof DIR (the server's .cpuprofile)]
// prints one JSON line: server CPU % of a core, inputs handled per second, server CPU µs per input.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { startTickClock } from '../peers/workload.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: '.' },
    clients: { type: 'string', default: '512' },
    measure: { type: 'string', default: '20' },
    settle: { type: 'string', default: '3' },
    label: { type: 'string', default: 'run' },
    'cpu-prof': { type: 'string' },
  },
});
const clients = Number(values.clients);
// The protocol of the server under test (its checkout may be older or newer than this script's).
const protocol = Number(/PROTOCOL_VERSION = (\d+)/.exec(readFileSync(`${values.repo}/shared/protocol.ts`, 'utf8'))![1]);
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
async function metric(port: number, prefix: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(prefix)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

const profFlags = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
const server = spawn('taskset', ['-c', '0', process.execPath, ...profFlags, '--import', 'tsx', 'server/main.ts'], {
  cwd: values.repo,
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', EXEMPT_ADDRESSES: '127.0.0.1', MAX_CONNECTIONS: '20000', BOT_FILL: '0', RECORDINGS_DIR: 'off' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// Whatever happens here, the server goes with this process.
process.on('exit', () => server.kill('SIGKILL'));
const port = await new Promise<number>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no listening line in 60 s')), 60_000);
  createInterface({ input: server.stdout! }).on('line', (line) => {
    if (!line.includes('"listening"')) return;
    clearTimeout(timer);
    resolve(JSON.parse(line).port as number);
  });
});
log(`server pid ${server.pid} port ${port}; connecting ${clients} clients`);

// engine.io v4 over a WebSocket: text "0{...}" opens, "2" is a ping (answered "3"); socket.io packets are
// binary msgpack frames. CONNECT carries the handshake auth; the server answers with a CONNECT.
const sockets: WebSocket[] = [];
const frames: Buffer[] = [];
async function connectOne(i: number): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client ${i}: no socket.io CONNECT in 30 s`)), 30_000);
    ws.on('error', reject);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const text = data.toString();
        if (text.startsWith('0')) ws.send(encode({ type: 0, data: { protocol, name: `p${i}` }, nsp: '/' }));
        else if (text === '2') ws.send('3');
        return;
      }
      const reply = decode(data as Buffer) as { type?: number; data?: unknown };
      if (reply.type === 0) {
        clearTimeout(timer);
        resolve();
      } else if (reply.type === 4) reject(new Error(`client ${i} refused: ${JSON.stringify(reply.data)}`));
    });
  });
  sockets.push(ws);
  // seq, ackTick, renderTick around a few minutes of play, [keys, aim]: the widths a real input has.
  frames.push(Buffer.from(encode({ type: 2, data: ['i', [5000 + i, 4990 + i, 4988 + i, [i % 16, (i * 37) % 4096]]], nsp: '/' })));
}
for (let i = 0; i < clients; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, clients - i) }, (_, k) => connectOne(i + k)));
}
let sent = 0;
const stopClock = startTickClock(() => {
  for (let i = 0; i < sockets.length; i++) sockets[i]!.send(frames[i]!);
  sent += sockets.length;
});
await sleep(Number(values.settle) * 1000);
const handled = () => metric(port, 'game_inputs_rejected_total');
const [cpu0, in0, sent0, own0, t0] = [cpuSeconds(server.pid!), await handled(), sent, process.cpuUsage(), performance.now()];
log(`measuring ${values.measure} s`);
await sleep(Number(values.measure) * 1000);
const [cpu1, in1, sent1, own1, t1] = [cpuSeconds(server.pid!), await handled(), sent, process.cpuUsage(own0), performance.now()];
stopClock();
const seconds = (t1 - t0) / 1000;
const inputs = in1 - in0;
console.log(
  JSON.stringify({
    label: values.label,
    clients,
    seconds: +seconds.toFixed(2),
    serverCpuPct: +(((cpu1 - cpu0) / seconds) * 100).toFixed(2),
    inputsPerSec: Math.round(inputs / seconds),
    sentPerSec: Math.round((sent1 - sent0) / seconds),
    serverCpuUsPerInput: +(((cpu1 - cpu0) * 1e6) / inputs).toFixed(2),
    generatorCpuPct: +(((own1.user + own1.system) / 1e6 / seconds) * 100).toFixed(1),
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  }),
);
for (const ws of sockets) ws.terminate();
server.kill('SIGINT');
await new Promise((r) => server.once('exit', r));
