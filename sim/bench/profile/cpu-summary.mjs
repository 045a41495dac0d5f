// Self and inclusive time per function of a .cpuprofile. usage: node cpusummary.mjs FILE [top]
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8')); const top = Number(process.argv[3] ?? 30);
const byId = new Map(p.nodes.map((n) => [n.id, n])); const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map(); for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const label = (n) => { const f = n.callFrame; const url = f.url.replace(/^file:\/\/.*?\/(?=(server|shared|sim|bench-results)\/)/, '').replace(/.*node_modules\//, 'nm/'); return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`; };
const self = new Map(), incl = new Map();
for (const [id, t] of dt) { const n = byId.get(id); self.set(label(n), (self.get(label(n)) ?? 0) + t);
  const seen = new Set(); let cur = id; while (cur !== undefined) { const l = label(byId.get(cur)); if (!seen.has(l)) { seen.add(l); incl.set(l, (incl.get(l) ?? 0) + t); } cur = parent.get(cur); } }
const pct = (t) => ((t / total) * 100).toFixed(1).padStart(5) + '%';
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log('--- self ---'); for (const [l, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pct(t), l);
console.log('--- inclusive ---'); for (const [l, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top * 2)) console.log(pct(t), l);
