// Per added player: (groups of snapshot B - groups of snapshot A) / (playersB - playersA).
import { readFileSync } from 'node:fs';
const [a, b, pa, pb, top] = process.argv.slice(2);
const A = JSON.parse(readFileSync(a, 'utf8')), B = JSON.parse(readFileSync(b, 'utf8')); const d = Number(pb) - Number(pa);
const ga = new Map(A.groups.map((g) => [g.key, g]));
console.log(`live heap after GC: ${(A.totalBytes / 2 ** 20).toFixed(1)} MB at ${pa}, ${(B.totalBytes / 2 ** 20).toFixed(1)} MB at ${pb}: ${((B.totalBytes - A.totalBytes) / d / 1024).toFixed(1)} KB per added player`);
const rows = B.groups.map((g) => { const o = ga.get(g.key) ?? { count: 0, bytes: 0 }; return { key: g.key, bytes: (g.bytes - o.bytes) / d, count: (g.count - o.count) / d, owner: g.topOwners[0] ?? '' }; }).sort((x, y) => y.bytes - x.bytes).slice(0, Number(top ?? 25));
for (const r of rows) console.log(`${(r.bytes / 1024).toFixed(2).padStart(7)} KB ${r.count.toFixed(1).padStart(7)} objs  ${r.key.padEnd(44)} ${r.owner}`);
