// Builds the browser client with Vite (programmatically) when dist/client is missing or older than its
// sources. Used by `npm start` and by the browser tests, so neither needs a separate build step.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLIENT_DIST = join(REPO_ROOT, 'dist', 'client');
export const VITE_CONFIG = join(REPO_ROOT, 'game-client', 'vite.config.ts');

/** What goes into the bundle: the client's sources and config, and the isomorphic shared/ code. */
const SOURCE_DIRS = [join(REPO_ROOT, 'game-client', 'src'), join(REPO_ROOT, 'shared')];
const SOURCE_FILES = [join(REPO_ROOT, 'game-client', 'index.html'), VITE_CONFIG, join(REPO_ROOT, 'package-lock.json')];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** null when dist/client is up to date, else why it needs a build. */
export function staleReason(): string | null {
  const index = join(CLIENT_DIST, 'index.html');
  if (!existsSync(index)) return 'the client is not built yet';
  const built = statSync(index).mtimeMs;
  let newest = 0;
  for (const dir of SOURCE_DIRS) if (existsSync(dir)) newest = Math.max(newest, newestMtime(dir));
  for (const file of SOURCE_FILES) if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest > built ? 'client sources changed since the last build' : null;
}

export async function buildClient(options: { quiet?: boolean } = {}): Promise<void> {
  const vite = await import('vite');
  await vite.build({ configFile: VITE_CONFIG, logLevel: options.quiet ? 'warn' : 'info', mode: 'production' });
}

/** Builds the client if needed; returns whether it built. */
export async function ensureClientBuilt(options: { quiet?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const reason = staleReason();
  if (reason === null) return false;
  options.log?.(`building the game client (${reason})…`);
  await buildClient(options);
  return true;
}
