// Everything the repository cites is in it. Read: the comments of every source file (tests included) and
// the text of every Markdown file. Checked:
//   repository paths: docs/..., shared/..., server/..., sim/..., game-client/..., deploy/..., bench-results/...
//     (a cited .js may be the .ts it compiles from; * and placeholders like <rate> or ${name} match any text);
//   bare Markdown names (SCALING.md, soak.md): some file of the repository has that name;
//   relative Markdown links: the target exists from the linking file;
//   no document kept outside the repository is cited by name (documentsElsewhere).
// URLs are external and not checked.

import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeFolders, filesUnder, repoRoot } from './repository-files.test-support.js';

/** A cited text: a comment of a source file, or a whole Markdown file. */
interface CitingText {
  file: string;
  /** Line of `file` where `text` starts. */
  line: number;
  text: string;
}

const sourceSuffixes = ['.ts', '.mts', '.mjs'];
const citedFolders = ['docs', ...codeFolders, 'deploy', 'bench-results'];
const markdownFolders = ['docs', ...codeFolders, 'bench-results'];

/** Names of documents that are not in this repository: citing them points a reader nowhere. */
const documentsElsewhere: readonly RegExp[] = [/\bDESIGN\b/, /\bdesign (?:doc|document|file)\b/i, /\bhandbook\b/i];

// A path segment: name characters, `*`, or a placeholder (<rate>, ${name}).
const segment = String.raw`(?:[\w.*-]|<[\w -]+>|\$\{[^}\s]+\})+`;
const repositoryPath = new RegExp(String.raw`(?<![\w./<>}-])(?:${citedFolders.join('|')})(?:/${segment})+`, 'g');
const markdownName = new RegExp(String.raw`(?<![\w./<>}-])${segment}\.md\b`, 'g');
const markdownLink = /\]\(([^)\s]+)\)/g;
const url = /\b[a-z][a-z+.-]*:\/\/\S+/gi;

/** The comments of a source file; string, template and regular expression literals are skipped (a `//` in them is not a comment). */
function commentsOf(file: string, text: string): CitingText[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const literals: [number, number][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isRegularExpressionLiteral(node) || ts.isTemplateLiteralToken(node)) {
      literals.push([node.getStart(source), node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  literals.sort((a, b) => a[0] - b[0]);
  const comments: CitingText[] = [];
  let next = 0;
  for (let at = 0; at < text.length; at++) {
    while (next < literals.length && literals[next][1] <= at) next++;
    const literal = literals[next];
    if (literal && literal[0] === at) {
      at = literal[1] - 1;
    } else if (text[at] === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) {
      const lineComment = text[at + 1] === '/';
      const end = lineComment ? text.indexOf('\n', at) : text.indexOf('*/', at + 2);
      const stop = end < 0 ? text.length : lineComment ? end : end + 2;
      comments.push({ file, line: source.getLineAndCharacterOfPosition(at).line + 1, text: text.slice(at, stop) });
      at = stop - 1;
    }
  }
  return comments;
}

function citingTexts(): CitingText[] {
  const sources = codeFolders.flatMap((folder) => filesUnder(folder, sourceSuffixes)).concat('vitest.config.ts');
  const markdown = ['README.md', ...markdownFolders.flatMap((folder) => filesUnder(folder, ['.md']))];
  return [
    ...sources.flatMap((file) => commentsOf(file, readFileSync(join(repoRoot, file), 'utf8'))),
    ...markdown.map((file) => ({ file, line: 1, text: readFileSync(join(repoRoot, file), 'utf8') })),
  ];
}

/** A segment as a regular expression over file names: `*` and placeholders match any text. */
function segmentPattern(name: string): RegExp {
  const parts = name.split(/(\*|<[\w -]+>|\$\{[^}\s]+\})/);
  return new RegExp(`^${parts.map((p, i) => (i % 2 ? '.*' : p.replace(/[.+?^$()[\]{}|\\]/g, '\\$&'))).join('')}$`);
}

const entriesCache = new Map<string, readonly string[]>();

/** The names in a folder; none for a file. */
function entriesOf(path: string): readonly string[] {
  let entries = entriesCache.get(path);
  if (!entries) {
    try {
      entries = readdirSync(path);
    } catch {
      entries = [];
    }
    entriesCache.set(path, entries);
  }
  return entries;
}

/** Whether a repository-relative path (with wildcards) names at least one file or folder. */
function pathExists(path: string): boolean {
  let candidates = [repoRoot];
  const names = path.split('/').filter((n) => n && n !== '.');
  names.forEach((name, i) => {
    const last = i === names.length - 1;
    const wanted = [segmentPattern(name), ...(last && name.endsWith('.js') ? [segmentPattern(`${name.slice(0, -3)}.ts`)] : [])];
    candidates = candidates.flatMap((dir) => entriesOf(dir).filter((entry) => wanted.some((w) => w.test(entry))).map((entry) => join(dir, entry)));
  });
  return candidates.length > 0;
}

/** Each missing citation in `texts`, as "file:line: what". */
function missingCitations(texts: readonly CitingText[], markdownNames: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  for (const { file, line, text } of texts) {
    const where = (index: number) => `${file}:${line + text.slice(0, index).split('\n').length - 1}`;
    const plain = text.replace(url, (u) => ' '.repeat(u.length));
    for (const m of plain.matchAll(repositoryPath)) {
      const path = m[0].replace(/\.+$/, '');
      if (!pathExists(path)) missing.push(`${where(m.index)}: ${path} is not in the repository`);
    }
    for (const m of plain.matchAll(markdownName)) {
      const pattern = segmentPattern(m[0]);
      if (![...markdownNames].some((name) => pattern.test(name))) missing.push(`${where(m.index)}: no ${m[0]} in the repository`);
    }
    if (file.endsWith('.md')) {
      for (const m of text.matchAll(markdownLink)) {
        const target = m[1].replace(/#.*$/, '');
        if (!target || /^[a-z][a-z+.-]*:/i.test(target)) continue;
        const resolved = posix.normalize(posix.join(posix.dirname(file), target));
        if (resolved.startsWith('..') || !pathExists(resolved)) missing.push(`${where(m.index)}: link to ${m[1]} goes nowhere`);
      }
    }
    for (const pattern of documentsElsewhere) {
      for (const m of plain.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
        missing.push(`${where(m.index)}: "${m[0]}" is not in the repository: cite a file that is, or write it into docs/`);
      }
    }
  }
  return missing;
}

describe('citations', () => {
  it('finds each kind of missing citation, with file and line', () => {
    const names = new Set(['SCALING.md', 'netcode.md', 'netcode-15hz.md']);
    const texts: CitingText[] = [
      { file: 'server/a.ts', line: 10, text: '// see docs/NOWHERE.md and docs/SCALING.md.' },
      { file: 'server/b.ts', line: 3, text: '/**\n * (server/no-such-file.ts); server/room.js and shared/codec/*.ts exist\n */' },
      { file: 'sim/c.ts', line: 1, text: '// writes netcode-<rate>hz.md and netcode-${rate}x.md, per GONE.md' },
      { file: 'docs/d.md', line: 1, text: 'See [scaling](SCALING.md#drain), [x](../nowhere/x.md), [web](https://example.com/GUIDE.md) and [top](#top).' },
      { file: 'shared/e.ts', line: 7, text: "// DESIGN's target; the design doc says; the Handbook" },
    ];
    expect(missingCitations(texts, names)).toEqual([
      'server/a.ts:10: docs/NOWHERE.md is not in the repository',
      'server/b.ts:4: server/no-such-file.ts is not in the repository',
      'sim/c.ts:1: no netcode-${rate}x.md in the repository',
      'sim/c.ts:1: no GONE.md in the repository',
      'docs/d.md:1: link to ../nowhere/x.md goes nowhere',
      'shared/e.ts:7: "DESIGN" is not in the repository: cite a file that is, or write it into docs/',
      'shared/e.ts:7: "design doc" is not in the repository: cite a file that is, or write it into docs/',
      'shared/e.ts:7: "Handbook" is not in the repository: cite a file that is, or write it into docs/',
    ]);
  });

  it('reads comments only, not code or literals', () => {
    const source = [
      "const path = 'docs/NOWHERE.md'; // cites docs/SCALING.md",
      'const pattern = /\\/\\/ docs\\/GONE.md/;',
      'const t = `${a} // docs/ALSO-GONE.md ${b}`; /* server/room.ts */',
      'let z = 1; /* not closed',
    ].join('\n');
    expect(commentsOf('server/x.ts', source).map((c) => `${c.line} ${c.text}`)).toEqual([
      '1 // cites docs/SCALING.md',
      '3 /* server/room.ts */',
      '4 /* not closed',
    ]);
  });

  it('every file, link and document cited in comments and Markdown is in the repository', () => {
    const texts = citingTexts();
    expect(texts.length).toBeGreaterThan(1000);
    const markdownNames = new Set(['README.md', ...markdownFolders.flatMap((f) => filesUnder(f, ['.md']))].map((p) => posix.basename(p)));
    expect(missingCitations(texts, markdownNames), 'citations of files that are not in the repository').toEqual([]);
  });
});
