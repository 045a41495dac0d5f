// The production build of the game server: server/main.ts and everything it imports from server/ and
// shared/, bundled by esbuild into one ES module, dist/server/main.js (Node 20, with a source map); packages
// stay external, loaded from node_modules. `npm start` runs it with plain node, without a TypeScript
// loader, building it first when missing or stale; `npm run build` builds it (and the client) always.
// `npm run dev` and the tests still run the TypeScript sources through tsx.
//
// Stale means: one of the files the last build compiled (esbuild's own list of what it loaded, with the
// exact text it loaded), this script, tsconfig.json or package.json differs from what it was then. A digest
// of their contents is kept beside the bundle, so copies that keep old modification times cannot fool it.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from './client-build.js';

export const SERVER_ENTRY = join(REPO_ROOT, 'server', 'main.ts');
export const SERVER_DIST = join(REPO_ROOT, 'dist', 'server');
/** The bundle's file name in its folder: `node dist/server/main.js`. */
export const BUNDLE_NAME = 'main.js';
const STAMP_NAME = 'build-info.json';
/** Files that shape the bundle besides the sources it compiles. */
const BUILD_FILES = [fileURLToPath(import.meta.url), join(REPO_ROOT, 'tsconfig.json'), join(REPO_ROOT, 'package.json')];

export interface ServerBuildOptions {
  /** Default server/main.ts. */
  readonly entry?: string;
  /** Default dist/server. */
  readonly outDir?: string;
}

interface Stamp {
  /** Every file the digest covers, relative to the repository. */
  readonly files: readonly string[];
  readonly digest: string;
}

/** null when the bundle in `outDir` was built from the files as they are now, else why it needs a build. */
export function serverStaleReason(options: ServerBuildOptions = {}): string | null {
  const outDir = resolve(REPO_ROOT, options.outDir ?? SERVER_DIST);
  let stamp: Stamp;
  try {
    if (!existsSync(join(outDir, BUNDLE_NAME))) return 'the server is not built yet';
    stamp = JSON.parse(readFileSync(join(outDir, STAMP_NAME), 'utf8')) as Stamp;
  } catch {
    return 'the server is not built yet';
  }
  const contents = new Map<string, string>();
  try {
    for (const file of stamp.files) contents.set(resolve(REPO_ROOT, file), readFileSync(resolve(REPO_ROOT, file), 'utf8'));
  } catch {
    return 'a source file of the last server build is gone';
  }
  return digestOf(contents) === stamp.digest ? null : 'server sources changed since the last build';
}

/** Builds the bundle into `outDir`; each file is replaced whole, so a server starting meanwhile never reads half of one. */
export async function buildServer(options: ServerBuildOptions = {}): Promise<void> {
  const entry = resolve(REPO_ROOT, options.entry ?? SERVER_ENTRY);
  const outDir = resolve(REPO_ROOT, options.outDir ?? SERVER_DIST);
  const sources = new Map<string, string>();
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    outfile: join(outDir, BUNDLE_NAME),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    sourcesContent: false,
    // Modules find files relative to themselves: server/main.ts finds the built client as ../dist/client.
    // Bundled, every module's import.meta.url would be dist/server/main.js's; it is the entry's source file's
    // instead, so that the bundle finds what the sources find. Other modules must not use import.meta
    // (checked below): theirs would be the entry's too, and files beside them are not in dist/server.
    define: { 'import.meta.url': '__entrySourceUrl' },
    banner: { js: `const __entrySourceUrl = new URL(${JSON.stringify(posixPath(relative(outDir, entry)))}, import.meta.url).href;` },
    plugins: [recordSources(sources)],
    write: false,
    logLevel: 'warning',
  });
  const entryPath = realpathSync(entry); // as esbuild names the files it loads
  for (const [file, text] of sources) {
    if (file !== entryPath && text.includes('import.meta')) {
      throw new Error(
        `${relative(REPO_ROOT, file)} uses import.meta: in the server bundle every module shares the entry's import.meta.url ` +
          `(${relative(REPO_ROOT, entry)}), so paths relative to this file would be wrong. Locate files from the entry instead, ` +
          'or extend game-client/scripts/server-build.ts.',
      );
    }
  }
  for (const file of BUILD_FILES) sources.set(file, readFileSync(file, 'utf8'));
  mkdirSync(outDir, { recursive: true });
  // The source map, then the bundle, then the stamp that says they are current.
  const isMap = (output: esbuild.OutputFile) => output.path.endsWith('.map');
  for (const output of [...result.outputFiles.filter(isMap), ...result.outputFiles.filter((o) => !isMap(o))]) replaceFile(output.path, output.contents);
  const stamp: Stamp = { files: [...sources.keys()].map((file) => posixPath(relative(REPO_ROOT, file))).sort(), digest: digestOf(sources) };
  replaceFile(join(outDir, STAMP_NAME), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Builds the server if needed (or always, with `force`); returns whether it built. */
export async function ensureServerBuilt(options: ServerBuildOptions & { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const reason = options.force ? null : serverStaleReason(options);
  if (!options.force && reason === null) return false;
  options.log?.(`building the game server${reason === null ? '' : ` (${reason})`}…`);
  const started = performance.now();
  await buildServer(options);
  options.log?.(`built ${relative(process.cwd(), join(options.outDir ?? SERVER_DIST, BUNDLE_NAME))} in ${Math.round(performance.now() - started)} ms`);
  return true;
}

/** Keeps the text of every file esbuild loads from disk, as it loaded it. */
function recordSources(sources: Map<string, string>): esbuild.Plugin {
  return {
    name: 'record-sources',
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
        const contents = readFileSync(args.path, 'utf8');
        sources.set(args.path, contents);
        return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'default' };
      });
    },
  };
}

/** Over the files' paths (relative to the repository, so the digest holds wherever it is checked out) and contents. */
function digestOf(contents: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const file of [...contents.keys()].sort()) hash.update(`${posixPath(relative(REPO_ROOT, file))}\0${contents.get(file)!}\0`);
  return hash.digest('hex');
}

function replaceFile(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function posixPath(path: string): string {
  return path.split(sep).join('/');
}

// `npm run build` (after the client): builds the server, stale or not.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureServerBuilt({ force: true, log: (line) => process.stdout.write(`${line}\n`) });
}
