#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof): self time and total (inclusive) time per function,
// the top N of each. Usage: node bench/profile-summary.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [N]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Sample time per node.
const dt = new Map();
const deltas = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  const d = (deltas[i + 1] ?? 0) / 1000;
  dt.set(id, (dt.get(id) ?? 0) + d);
}
const label = (n) => {
  const cf = n.callFrame;
  const where = cf.url ? `${cf.url.replace(/^.*\//, '')}:${cf.lineNumber + 1}` : '';
  return `${cf.functionName || '(anonymous)'} ${where}`.trim();
};
const self = new Map();
const total = new Map();
let all = 0;
for (const [id, ms] of dt) {
  all += ms;
  const n = byId.get(id);
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + ms);
  // Inclusive: each distinct label on the stack once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const lc = label(byId.get(cur));
    if (seen.has(lc)) continue;
    seen.add(lc);
    total.set(lc, (total.get(lc) ?? 0) + ms);
  }
}
const show = (title, m) => {
  console.log(`\n${title} (of ${all.toFixed(0)} ms sampled)`);
  for (const [l, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(1).padStart(9)} ms ${((ms / all) * 100).toFixed(1).padStart(5)}%  ${l}`);
};
show('Self time', self);
show('Total time', total);
// Hot lines of the functions named with --lines NAME[,NAME] (from the samples' position ticks).
const linesArg = process.argv.find((a) => a.startsWith('--lines='));
if (linesArg) {
  const names = new Set(linesArg.slice(8).split(','));
  const lines = new Map();
  for (const n of prof.nodes) {
    if (!names.has(n.callFrame.functionName) || !n.positionTicks) continue;
    const l = label(n);
    if (!lines.has(l)) lines.set(l, new Map());
    const m = lines.get(l);
    for (const t of n.positionTicks) m.set(t.line, (m.get(t.line) ?? 0) + t.ticks);
  }
  for (const [l, m] of lines) {
    const ticks = [...m].sort((a, b) => b[1] - a[1]).slice(0, 10);
    console.log(`\n${l}: ${ticks.map(([line, n]) => `line ${line} x${n}`).join(', ')}`);
  }
}
