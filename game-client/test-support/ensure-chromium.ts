// Vitest global setup: the browser tests need Debian's Chromium. When it is missing and we are root, the
// test command installs it with apt; otherwise it stops with the exact command to run.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

export default function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`Chromium is needed by the browser tests and is not at ${CHROMIUM}. Run: sudo ${INSTALL}`);
  }
  process.stderr.write(`Chromium not found at ${CHROMIUM}: installing it (${INSTALL})\n`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    throw new Error(`installing Chromium failed (${String(err)}). Run: ${INSTALL}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium still missing at ${CHROMIUM} after install. Run: ${INSTALL}`);
}
