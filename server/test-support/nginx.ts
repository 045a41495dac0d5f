// A real nginx (Debian's /usr/sbin/nginx) for tests: on a free loopback port, or one the test picked (a
// cluster's nodes must know nginx's port before nginx, which routes to them, can start), running a
// configuration rendered for that port, in its own temporary directory (nginx -p: pid, logs and temporary
// files there, no root needed). Ready once it answers HTTP itself; stop() sends SIGTERM (fast shutdown: open
// WebSockets are cut, not waited for), then SIGKILL to the master and its workers, and removes the directory.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { processTree } from './process-tree.js';
import { tcpProbe } from './tcp-probe.js';

const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
// Measured here: nginx answers 25-30 ms after spawn and stops in < 10 ms; with both cores busy, up to
// ~400 ms and ~250 ms.
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3000;
/** A free port may be taken by someone else before nginx binds it: that many ports are tried. */
const BIND_ATTEMPTS = 3;

export interface NginxProcess {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** nginx's prefix directory: the config, error.log, access.log. */
  readonly dir: string;
  readonly pid: number;
  /** The access log so far (nginx's combined format, one request a line). */
  accessLog(): string;
  /** SIGTERM, SIGKILL to every nginx process after a grace period; removes the directory. */
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  /**
   * The port to listen on, e.g. from freePort() before the nodes behind nginx start with it in their
   * PUBLIC_URL. Absent: a free port of nginx's own, another if that one is taken meanwhile. A chosen
   * port is tried once: if someone took it meanwhile, startNginx rejects.
   */
  readonly port?: number;
}

/** Starts nginx with `render(port)` as its complete configuration (a standalone file listening on 127.0.0.1:port). */
export async function startNginx(render: (port: number) => string, options: StartNginxOptions = {}): Promise<NginxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'nginx-test-'));
  // Started as root, nginx runs its workers as "nobody", which must reach the temporary files in here.
  chmodSync(dir, 0o755);
  const attempts = options.port === undefined ? BIND_ATTEMPTS : 1;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      writeFileSync(join(dir, 'nginx.conf'), render(port));
      try {
        return await launch(dir, port);
      } catch (err) {
        if (!(err instanceof PortTaken) || attempt >= attempts) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

class PortTaken extends Error {}

async function launch(dir: string, port: number): Promise<NginxProcess> {
  // daemon off: the spawned process is the master, which the test owns; errors also go to stderr.
  const proc = spawn(NGINX, ['-p', dir, '-c', 'nginx.conf', '-e', 'stderr', '-g', 'daemon off; error_log stderr warn;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-8000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // A test process that ends without stopping it must not leave nginx (or its workers) running.
  const killOnExit = () => killTree(proc, 'SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.off('exit', killOnExit));
  const spawnError = new Promise<never>((_, reject) => proc.once('error', reject));
  spawnError.catch(() => undefined); // raced below while starting; ignored afterwards

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      if (/Address already in use/.test(output)) throw new PortTaken(`nginx: port ${port} is taken:\n${output}`);
      throw new Error(`nginx exited at start:\n${output}`);
    }
    if (await Promise.race([answersHttp(port), spawnError])) break;
    if (Date.now() > deadline) {
      killTree(proc, 'SIGKILL');
      throw new Error(`nginx did not answer on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  const signalAndWait = async (signal: NodeJS.Signals): Promise<boolean> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return true;
    killTree(proc, signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_GRACE_MS))),
    ]);
    clearTimeout(timer);
    return done;
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    pid: proc.pid!,
    accessLog: () => {
      const path = join(dir, 'access.log');
      return existsSync(path) ? readFileSync(path, 'utf8') : '';
    },
    async stop() {
      if (!(await signalAndWait('SIGTERM'))) await signalAndWait('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * SIGTERM goes to the master, which stops its workers. SIGKILL goes to the workers too: a killed master
 * leaves them running, holding the port.
 */
function killTree(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  const pids = signal === 'SIGKILL' ? processTree(proc.pid).map((p) => p.pid) : [proc.pid];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * True once nginx itself answers on the port: a request without a Host header is refused by nginx with a
 * 400 before any location, so no node is asked.
 */
function answersHttp(port: number): Promise<boolean> {
  return tcpProbe(port, 'GET / HTTP/1.1\r\n\r\n', (reply) => (reply.includes('\r\n\r\n') ? /^HTTP\/1\.1 400 /.test(reply) : null));
}
