// The repository's own files, for the tests that check the repository itself (layering.test.ts,
// isomorphic.test.ts, citations.test.ts): where it is, which folders hold code, which files are tests.

import { readdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The top-level folders that hold code (docs/ARCHITECTURE.md). */
export const codeFolders = ['shared', 'server', 'sim', 'game-client'] as const;
export type CodeFolder = (typeof codeFolders)[number];

/** Installed or generated: never the repository's own sources. */
const ignoredFolder = /(^|\/)(node_modules|dist)(\/|$)/;

/** Repository-relative, '/'-separated paths of the files under `folder` whose names end with one of `suffixes`. */
export function filesUnder(folder: string, suffixes: readonly string[]): string[] {
  return readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' })
    .map((path) => `${folder}/${path.split(sep).join('/')}`)
    .filter((path) => !ignoredFolder.test(path) && suffixes.some((suffix) => path.endsWith(suffix)))
    .sort();
}

/**
 * Tests and their helpers (*.test.ts, *.test-support.ts, test-support.ts, test-support/ folders,
 * *-test-fixtures.ts): they run in Node and may wire any layers together. tsconfig.shared.json excludes
 * the same files.
 */
export function isTestFile(path: string): boolean {
  return /\.test\.ts$|\.test-support\.ts$|(^|\/)test-support(\.ts$|\/)|-test-fixtures\.ts$/.test(path);
}
