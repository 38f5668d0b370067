#!/usr/bin/env node
// The floor of an audit (bench/bench.mjs runs it as a child process, like the audit): find the
// files the audit would read (*.json, *.tfstate under the directories given, or the files given),
// read them and JSON.parse them, JSON policy strings nested inside them included (Terraform keeps
// policies as JSON strings inside JSON). Nothing else. Prints the number of files and documents.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.terraform']);
const CANDIDATE = /\.(json|tfstate)$/i;

function files(p, out) {
  if (statSync(p).isFile()) {
    out.push(p);
    return out;
  }
  const stack = [p];
  while (stack.length) {
    const dir = stack.pop();
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) stack.push(join(dir, e.name));
      } else if (e.isFile() && CANDIDATE.test(e.name)) out.push(join(dir, e.name));
    }
  }
  return out;
}

let docs = 0;
/** Parses every string that holds a JSON object (a policy inside a plan), iteratively. */
function nested(root) {
  const stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.charCodeAt(0) === 123 /* { */) {
        try {
          stack.push(JSON.parse(v));
          docs++;
        } catch {
          // not JSON
        }
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) stack.push(v[k]);
    }
  }
}

const list = [];
for (const p of process.argv.slice(2)) files(p, list);
for (const f of list) {
  nested(JSON.parse(readFileSync(f, 'utf8')));
  docs++;
}
process.stdout.write(`${list.length} files, ${docs} documents\n`);
