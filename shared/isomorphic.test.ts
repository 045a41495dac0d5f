// shared/ is isomorphic because the compiler says so: tsconfig.shared.json (run by `npm run typecheck`)
// compiles every production file under shared/ with the ES2022 library, no @types/node and no DOM, plus
// the host APIs browsers and Node both provide (shared/util/platform.d.ts). These tests hold that
// configuration to it: what it compiles, what it lets in, what it rejects, and that Node has what it declares.

import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { filesUnder, isTestFile, repoRoot } from './repository-files.test-support.js';

const platformDeclarations = join(repoRoot, 'shared/util/platform.d.ts');

function sharedConfig(): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(repoRoot, 'tsconfig.shared.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.shared.json could not be read');
  expect(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  return parsed;
}

const repoPath = (absolute: string) => relative(repoRoot, absolute).split(sep).join('/');

/** Type-checks `sources` (virtual files under shared/) with tsconfig.shared.json's options; their diagnostics as "name:line: message". */
function compileUnderSharedConfig(sources: Record<string, string>): string[] {
  const { options } = sharedConfig();
  const virtual = new Map(Object.entries(sources).map(([name, text]) => [join(repoRoot, 'shared', name), text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = virtual.get(fileName);
    return text === undefined ? getSourceFile(fileName, language, ...rest) : ts.createSourceFile(fileName, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [platformDeclarations, ...virtual.keys()], options, host });
  return [...virtual.keys()].flatMap((fileName) => {
    const file = program.getSourceFile(fileName);
    if (!file) throw new Error(`${fileName} was not compiled`);
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
      const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      return `${repoPath(fileName).replace('shared/', '')}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  });
}

describe('tsconfig.shared.json', () => {
  it('compiles every production file under shared/ and nothing of Node or the DOM', () => {
    const parsed = sharedConfig();
    const production = filesUnder('shared', ['.ts']).filter((path) => !isTestFile(path));
    expect(parsed.fileNames.map(repoPath).sort()).toEqual(production);
    expect(parsed.options.lib).toEqual(['lib.es2022.d.ts']);
    expect(parsed.options.types).toEqual([]);
    // What the program pulls in through imports too: a package whose typings reference Node's would bring
    // Buffer and process back without a word.
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const pulledIn = program.getSourceFiles().map((f) => f.fileName);
    expect(pulledIn.length).toBeGreaterThan(production.length);
    expect(pulledIn.filter((f) => /\/@types\/node\/|\/lib\.dom[.\w]*\.d\.ts$|\/lib\.webworker/.test(f))).toEqual([]);
  });

  it('rejects Node and DOM globals and a timer handle used as a number, and accepts the declared host APIs', () => {
    const forbidden = [
      "Buffer.from('x');",
      'process.exitCode = 1;',
      "document.title = 'x';",
      "window.alert('x');",
      "require('node:fs');",
      'localStorage.clear();',
      'const handle: number = setTimeout(() => {}, 1);',
      'console.log(handle);',
    ];
    const allowed = [
      'const timer = setTimeout(() => {}, 1);',
      'clearTimeout(timer);',
      'const now: number = performance.now();',
      "const bytes: Uint8Array = new TextEncoder().encode('é');",
      "const text: string = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);",
      "const origin: string = new URL('http://localhost:3000/node/').origin;",
      'const source = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes); c.close(); } });',
      "void source.pipeThrough(new CompressionStream('deflate-raw')).getReader().read();",
      "void [now, text, origin, new DecompressionStream('deflate-raw')];",
    ];
    const diagnostics = compileUnderSharedConfig({
      '__forbidden-canary.ts': ['export {};', ...forbidden].join('\n'),
      '__allowed-canary.ts': ['export {};', ...allowed].join('\n'),
    });
    const linesWithErrors = new Set(diagnostics.filter((d) => d.startsWith('__forbidden')).map((d) => Number(d.split(':')[1])));
    expect([...linesWithErrors].sort((a, b) => a - b), diagnostics.join('\n')).toEqual(forbidden.map((_, i) => i + 2));
    expect(diagnostics.filter((d) => d.startsWith('__allowed'))).toEqual([]);
  });

  it('declares only values Node provides as globals', () => {
    const file = ts.createSourceFile(platformDeclarations, readFileSync(platformDeclarations, 'utf8'), ts.ScriptTarget.ES2022);
    const values = file.statements.flatMap((s) => {
      if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) return s.name ? [s.name.text] : [];
      if (ts.isVariableStatement(s)) return s.declarationList.declarations.map((d) => d.name.getText(file));
      return [];
    });
    expect(values.length).toBeGreaterThan(5);
    expect(values.filter((name) => !(name in globalThis))).toEqual([]);
  });
});
