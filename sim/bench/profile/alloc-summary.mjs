// Bytes allocated per function (self) in a sampling heap profile. usage: node heapprof.mjs FILE [top]
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8')); const top = Number(process.argv[3] ?? 30);
const self = new Map(); let total = 0;
const label = (n) => { const f = n.callFrame; const url = f.url.replace(/^file:\/\/.*?\/(?=(server|shared|sim|bench-results)\/)/, '').replace(/.*node_modules\//, 'nm/'); return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`; };
const stack = [];
(function walk(n) { const s = n.selfSize ?? 0; total += s; if (s > 0) { const k = label(n) + '  <- ' + stack.slice(-2).reverse().join(' <- '); self.set(k, (self.get(k) ?? 0) + s); }
  stack.push(label(n).split(' ')[0]); for (const c of n.children ?? []) walk(c); stack.pop(); })(p.head);
console.log(`sampled allocations: ${(total / 2 ** 20).toFixed(1)} MB`);
for (const [k, s] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(((s / total) * 100).toFixed(1).padStart(5) + '%', (s / 1024).toFixed(0).padStart(7), 'KB', k);
