// Vitest global setup: the suite runs Debian's real Chromium (browser tests), redis-server (cluster tests)
// and nginx (proxy tests). When one is missing and we are root, the test command installs it with apt;
// otherwise it stops with the exact command to run.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PACKAGES: readonly { readonly name: string; readonly binary: string }[] = [
  { name: 'chromium', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  { name: 'redis-server', binary: process.env.REDIS_SERVER ?? '/usr/bin/redis-server' },
  { name: 'nginx', binary: process.env.NGINX ?? '/usr/sbin/nginx' },
];

export default function ensureTestPackages(): void {
  const missing = PACKAGES.filter((p) => !existsSync(p.binary));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name).join(' ');
  const install = `apt-get update && apt-get install -y ${names}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`The tests need Debian's ${names} (${missing.map((p) => p.binary).join(', ')} not found). Run: sudo ${install}`);
  }
  process.stderr.write(`${names} not found: installing (${install})\n`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.name)], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    throw new Error(`installing ${names} failed (${String(err)}). Run: ${install}`);
  }
  const still = missing.filter((p) => !existsSync(p.binary));
  if (still.length > 0) throw new Error(`${still.map((p) => p.binary).join(', ')} still missing after install. Run: ${install}`);
}
