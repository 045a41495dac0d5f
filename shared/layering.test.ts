// Import boundaries between the code folders (docs/ARCHITECTURE.md), checked on the specifiers of every
// production file's imports, export-from, dynamic import() and require():
//   shared/       isomorphic: nothing from server/, sim/ or game-client/, and no Node built-in module;
//   server/       nothing from sim/ or game-client/ (the built client is served as files, never imported);
//   game-client/  nothing from server/ or sim/;
//   sim/          headless tools: may import anything.
// Tests and test helpers (isTestFile: *.test.ts, *.test-support.ts, test-support files and folders,
// *-test-fixtures.ts) are exempt: they run in Node and wire the layers together.

import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeFolders, filesUnder, isTestFile, repoRoot, type CodeFolder } from './repository-files.test-support.js';

const forbiddenFolders: Record<CodeFolder, readonly CodeFolder[]> = {
  shared: ['server', 'sim', 'game-client'],
  server: ['sim', 'game-client'],
  'game-client': ['server', 'sim'],
  sim: [],
};

/** Folders whose production code runs in browsers too, so must not import Node's built-in modules. */
const isomorphicFolders: readonly CodeFolder[] = ['shared'];

/**
 * Crossings that exist today and the issue work that removes them. The test fails when one of them is
 * gone, so that this list only shrinks.
 */
const knownExceptions: readonly { file: string; target: string; removedBy: string }[] = [];

interface SourceFile {
  /** Repository-relative, '/'-separated. */
  path: string;
  text: string;
}

interface Violation {
  file: string;
  /** Repository-relative path the import resolves to, or the module name (a Node built-in). */
  target: string;
  /** "file:line imports 'specifier': why", for the failure message. */
  message: string;
}

function folderOf(path: string): CodeFolder | undefined {
  return codeFolders.find((folder) => path.startsWith(`${folder}/`));
}

/** Every import crossing a boundary in `files`; test files are skipped. */
function boundaryViolations(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = folderOf(file.path);
    if (!from || isTestFile(file.path)) continue;
    const imports = ts.preProcessFile(file.text, true, true).importedFiles;
    for (const { fileName: specifier, pos } of imports) {
      const where = `${file.path}:${file.text.slice(0, pos).split('\n').length} imports '${specifier}'`;
      if (specifier.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
        const to = folderOf(target);
        if (to && forbiddenFolders[from].includes(to)) {
          violations.push({ file: file.path, target, message: `${where}: ${from}/ must not import from ${to}/` });
        }
      } else if (isomorphicFolders.includes(from) && isBuiltin(specifier)) {
        violations.push({ file: file.path, target: specifier, message: `${where}: ${from}/ runs in browsers too, no Node built-in modules` });
      }
    }
  }
  return violations;
}

function isKnownException(v: Violation): boolean {
  return knownExceptions.some((e) => e.file === v.file && e.target === v.target);
}

function repositorySources(): SourceFile[] {
  return codeFolders
    .flatMap((folder) => filesUnder(folder, ['.ts', '.mts', '.mjs']))
    .filter((path) => !path.endsWith('.d.ts'))
    .map((path) => ({ path, text: readFileSync(`${repoRoot}/${path}`, 'utf8') }));
}

describe('layering', () => {
  it('reports every kind of crossing with file, line and import, and nothing else', () => {
    const files: SourceFile[] = [
      { path: 'shared/a.ts', text: "import { x } from '../server/x.js';" },
      { path: 'shared/b.ts', text: "// first line\nimport { readFileSync } from 'node:fs';" },
      { path: 'shared/c.ts', text: "import { gzipSync } from 'zlib';" },
      { path: 'shared/deep/d.ts', text: "export * from '../../sim/y.js';" },
      { path: 'server/e.ts', text: "const page = await import('../game-client/src/z.js');" },
      { path: 'game-client/src/f.ts', text: "import type { W } from '../../server/w.js';" },
      { path: 'game-client/src/g.ts', text: "const s = require('../../sim/s.js');" },
      // allowed:
      { path: 'server/ok.ts', text: "import { PROTOCOL } from '../shared/protocol.js';\nimport { createServer } from 'node:http';" },
      { path: 'sim/ok.ts', text: "import { Room } from '../server/room.js';\nimport { x } from '../game-client/src/x.js';" },
      { path: 'shared/ok.ts', text: "import { decode } from '@msgpack/msgpack';\n// import { x } from '../server/x.js';\nconst s = '../server/x.js';" },
      { path: 'shared/ok.test.ts', text: "import { readFileSync } from 'node:fs';\nimport { x } from '../server/x.js';" },
      { path: 'server/test-support/ok.ts', text: "import { x } from '../../sim/x.js';" },
    ];
    expect(boundaryViolations(files).map((v) => v.message)).toEqual([
      "shared/a.ts:1 imports '../server/x.js': shared/ must not import from server/",
      "shared/b.ts:2 imports 'node:fs': shared/ runs in browsers too, no Node built-in modules",
      "shared/c.ts:1 imports 'zlib': shared/ runs in browsers too, no Node built-in modules",
      "shared/deep/d.ts:1 imports '../../sim/y.js': shared/ must not import from sim/",
      "server/e.ts:1 imports '../game-client/src/z.js': server/ must not import from game-client/",
      "game-client/src/f.ts:1 imports '../../server/w.js': game-client/ must not import from server/",
      "game-client/src/g.ts:1 imports '../../sim/s.js': game-client/ must not import from sim/",
    ]);
  });

  it('holds for every production file of the repository, but for the known exceptions', () => {
    const sources = repositorySources();
    // Every code folder was read (a moved folder must not make this test pass vacuously).
    for (const folder of codeFolders) expect(sources.some((s) => s.path.startsWith(`${folder}/`) && !isTestFile(s.path)), folder).toBe(true);
    const violations = boundaryViolations(sources);
    const unexpected = violations.filter((v) => !isKnownException(v)).map((v) => v.message);
    expect(unexpected, 'imports across layers (docs/ARCHITECTURE.md)').toEqual([]);
    const gone = knownExceptions.filter((e) => !violations.some((v) => e.file === v.file && e.target === v.target));
    expect(gone.map((e) => `${e.file} -> ${e.target}`), 'known exceptions that no longer occur: remove them from knownExceptions').toEqual([]);
  });
});
