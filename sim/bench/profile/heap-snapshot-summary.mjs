// Summarizes a .heapsnapshot: count and shallow size per (type, constructor/name), plus, for the top
// groups, the most common retainer (owner object's name + edge name). usage: node heapsummary.mjs FILE [top]
import { readFileSync } from 'node:fs';
const file = process.argv[2]; const top = Number(process.argv[3] ?? 40);
const snap = JSON.parse(readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta; const nf = meta.node_fields; const ef = meta.edge_fields;
const NF = nf.length, EF = ef.length; const types = meta.node_types[0]; const etypes = meta.edge_types[0];
const iType = nf.indexOf('type'), iName = nf.indexOf('name'), iSize = nf.indexOf('self_size'), iEdges = nf.indexOf('edge_count');
const eType = ef.indexOf('type'), eName = ef.indexOf('name_or_index'), eTo = ef.indexOf('to_node');
const nodes = snap.nodes, edges = snap.edges, strings = snap.strings; const n = nodes.length / NF;
const key = (i) => { const t = types[nodes[i * NF + iType]]; const name = strings[nodes[i * NF + iName]];
  if (t === 'object' || t === 'native' || t === 'closure') return `${t}:${name.slice(0, 60)}`;
  if (t === 'string' || t === 'concatenated string' || t === 'sliced string') return 'string';
  return `${t}:${t === 'hidden' || t === 'array' || t === 'code' ? name.slice(0, 40) : ''}`; };
const groups = new Map(); const owner = new Int32Array(n).fill(-1); const ownerEdge = new Int32Array(n).fill(-1);
let e = 0; let total = 0;
for (let i = 0; i < n; i++) {
  const ec = nodes[i * NF + iEdges];
  for (let k = 0; k < ec; k++, e++) { const et = etypes[edges[e * EF + eType]]; if (et === 'weak') continue; const to = edges[e * EF + eTo] / NF; if (owner[to] < 0 && i !== 0) { owner[to] = i; ownerEdge[to] = e; } }
}
for (let i = 0; i < n; i++) { const k = key(i); const s = nodes[i * NF + iSize]; total += s; const g = groups.get(k) ?? { count: 0, size: 0, owners: new Map() }; g.count++; g.size += s;
  if (owner[i] >= 0) { const o = owner[i]; const et = etypes[edges[ownerEdge[i] * EF + eType]]; const en = edges[ownerEdge[i] * EF + eName]; const edgeName = et === 'element' || et === 'hidden' ? `[${et}]` : String(strings[en]).slice(0, 30);
    const ok = `${key(o)} .${edgeName}`; g.owners.set(ok, (g.owners.get(ok) ?? 0) + s); }
  groups.set(k, g); }
const sorted = [...groups.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, top);
const out = { file, nodes: n, totalBytes: total, groups: sorted.map(([k, g]) => ({ key: k, count: g.count, bytes: g.size, topOwners: [...g.owners.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([o, s]) => `${o} (${(s / 1024).toFixed(0)} KB)`) })) };
console.log(JSON.stringify(out, null, 1));
