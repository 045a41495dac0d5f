// `npm start` runs the server as compiled JavaScript: dist/server/main.js, built by server-build.ts when
// missing or stale, run by plain node. No process of `npm start` has a TypeScript loader, WORKERS=N's
// workers included, and the bundle finds the built client as the sources do.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, processTree } from '../../server/test-support/process-tree.js';
import { redisServerFixture } from '../../server/test-support/redis-server.js';
import { waitFor } from '../../server/test-support/test-client.js';
import { REPO_ROOT, ensureClientBuilt } from './client-build.js';
import { BUNDLE_NAME, ensureServerBuilt, serverStaleReason } from './server-build.js';

// Measured here: `npm start` logs "listening" about 1 s after spawn when idle, 1.6-2 s with both cores busy
// (load average 7), +0.1-0.3 s when it builds the server; it stops in under 1 s. Each wait is 10x or more.
const LISTENING_MS = 30_000;
const STOP_MS = 10_000;

const fixture = redisServerFixture();
const groups: number[] = [];
const dirs: string[] = [];

afterEach(() => {
  // Whatever a failed test left running: the whole process group (orphans keep their group).
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('the server build', () => {
  it('bundles the entry and its imports, keeps the entry source file as import.meta.url, and rebuilds only when a source changed', async () => {
    const dir = temporaryDir('server-build-');
    const entry = join(dir, 'entry.ts');
    const dep = join(dir, 'dep.ts');
    writeFileSync(entry, "import { answer } from './dep.js';\nconsole.log(JSON.stringify({ url: import.meta.url, answer }));\n");
    writeFileSync(dep, 'export const answer: number = 41;\n');
    const options = { entry, outDir: join(dir, 'out') };
    const run = async () => JSON.parse((await promisify(execFile)(process.execPath, [join(options.outDir, BUNDLE_NAME)])).stdout) as unknown;

    expect(serverStaleReason(options)).toBe('the server is not built yet');
    expect(await ensureServerBuilt(options)).toBe(true);
    expect(serverStaleReason(options)).toBeNull();
    expect(await ensureServerBuilt(options)).toBe(false);
    expect(await run()).toEqual({ url: pathToFileURL(entry).href, answer: 41 });

    writeFileSync(dep, 'export const answer: number = 42;\n');
    expect(serverStaleReason(options)).toBe('server sources changed since the last build');
    expect(await ensureServerBuilt(options)).toBe(true);
    expect(await run()).toEqual({ url: pathToFileURL(entry).href, answer: 42 });

    rmSync(dep);
    expect(serverStaleReason(options)).toBe('a source file of the last server build is gone');
  });

  it('refuses a bundled module other than the entry that uses import.meta (it would get the entry\'s)', async () => {
    const dir = temporaryDir('server-build-');
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, "import { here } from './dep.js';\nconsole.log(here);\n");
    writeFileSync(join(dir, 'dep.ts'), 'export const here = import.meta.url;\n');
    await expect(ensureServerBuilt({ entry, outDir: join(dir, 'out') })).rejects.toThrow(/dep\.ts uses import\.meta/);
  });
});

interface NpmStart {
  readonly npm: ChildProcess;
  /** JSON log lines of every process of `npm start`, in order. */
  readonly logs: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** `npm start` in its own process group, up to `listening` "listening" log lines (one per node process). */
function npmStart(env: NodeJS.ProcessEnv, listening: number): Promise<NpmStart> {
  const npm = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SKIP_CLIENT_BUILD: '1', RECORDINGS_DIR: 'off', ...env },
  });
  groups.push(npm.pid!);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const logs: Record<string, unknown>[] = [];
  let output = '';
  npm.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not log "listening" ${listening} times within ${LISTENING_MS} ms\n${output}`)), LISTENING_MS);
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      if (!line.startsWith('{')) return; // npm's banner, the build's progress
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (logs.filter((entry) => entry.msg === 'listening').length === listening) {
        clearTimeout(timer);
        resolve({ npm, logs, exited });
      }
    });
    void exited.then((code) => reject(new Error(`npm start exited early with ${code}\n${output}`)));
  });
}

/** The process's command line, split into its arguments. */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg.length > 0);
}

function nodeOptions(pid: number): string {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((pair) => pair.startsWith('NODE_OPTIONS='));
  return entry?.slice('NODE_OPTIONS='.length) ?? '';
}

/** Every node process below `npm start` runs the bundle with plain node: no loader in its arguments or NODE_OPTIONS, no esbuild beside it. */
function expectCompiledServers(npmPid: number, count: number): void {
  const tree = processTree(npmPid);
  expect(tree.map((p) => p.comm)).not.toContain('esbuild');
  const servers = tree.filter((p) => p.comm === 'node');
  expect(servers).toHaveLength(count);
  for (const { pid } of servers) {
    const args = commandLine(pid);
    expect(args.at(-1), args.join(' ')).toMatch(/(^|\/)dist\/server\/main\.js$/);
    expect(args.join(' ')).not.toMatch(/tsx|--import|--loader|--require/);
    expect(nodeOptions(pid)).not.toMatch(/tsx|--import|--loader|--require/);
  }
}

async function stopAndExpectCleanExit({ npm, exited }: NpmStart): Promise<void> {
  const tree = processTree(npm.pid!);
  process.kill(npm.pid!, 'SIGTERM');
  const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), STOP_MS))]);
  expect(code, "npm's exit code after SIGTERM").toBe(0);
  await waitFor(() => tree.every((p) => !isRunning(p.pid)), STOP_MS, 'every process of npm start to exit');
}

describe('npm start', () => {
  beforeAll(async () => {
    // The client as `npm start` would build it, so that the test can check that the bundle serves it.
    await ensureClientBuilt({ quiet: true });
  }, 120_000);

  it('runs dist/server/main.js with plain node, which serves /healthz and the built client', async () => {
    const started = await npmStart({}, 1);
    expectCompiledServers(started.npm.pid!, 1);

    const url = `http://127.0.0.1:${started.logs.find((l) => l.msg === 'listening')!.port as number}`;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    // The built client's page (its script under /assets/), not the page that says it is not built.
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);

    await stopAndExpectCleanExit(started);
  }, LISTENING_MS + 2 * STOP_MS);

  it('with WORKERS=2, the supervisor and both workers run the bundle with plain node', async () => {
    const started = await npmStart({ WORKERS: '2', REDIS_URL: fixture.redis.url, DRAIN_TIMEOUT_MS: '0' }, 2);
    expectCompiledServers(started.npm.pid!, 3);
    const workers = started.logs.filter((l) => l.msg === 'worker started').map((l) => l.pid as number);
    expect(workers).toHaveLength(2);
    for (const pid of workers) expect(isRunning(pid)).toBe(true);
    for (const { port } of started.logs.filter((l) => l.msg === 'listening')) {
      expect((await fetch(`http://127.0.0.1:${port as number}/healthz`)).status).toBe(200);
    }

    await stopAndExpectCleanExit(started);
  }, LISTENING_MS + 2 * STOP_MS);
});
