// `npm run baselines:check`: compares each built-in baseline set with its vendor's machine-readable
// source (baselines/sources.json) and prints the drift per set: action patterns added or removed,
// wildcards that widen named actions, resources added or removed per action, changed conditions.
//
//   node scripts/baselines-check.mjs              local copies (offline; what the tests run)
//   node scripts/baselines-check.mjs --remote     the vendors' files at their default branch
//   node scripts/baselines-check.mjs --markdown   the report as Markdown (the weekly issue's body)
//
// Exit status: 0 no drift, 1 drift, 2 a source could not be read or parsed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Reading sources

const CFN_FUNCTIONS = [
  'If',
  'Ref',
  'Sub',
  'GetAtt',
  'Join',
  'Equals',
  'Not',
  'And',
  'Or',
  'Condition',
  'Select',
  'Split',
  'FindInMap',
  'Transform',
  'Base64',
  'ImportValue',
  'GetAZs',
  'Cidr',
];

/** CloudFormation's short forms (`!If [c, a, b]`) read as their long forms (`{"Fn::If": [c, a, b]}`). */
const CFN_TAGS = CFN_FUNCTIONS.flatMap((f) =>
  [undefined, 'seq', 'map'].map((collection) => ({
    tag: `!${f}`,
    ...(collection ? { collection } : {}),
    resolve: (v) => ({ [f === 'Ref' || f === 'Condition' ? f : `Fn::${f}`]: v?.toJSON ? v.toJSON() : v }),
  })),
);

function at(value, path, where) {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !(seg in v))
      throw new Error(`${where}: no ${JSON.stringify(seg)} at ${JSON.stringify(path)}`);
    v = v[seg];
  }
  return v;
}

const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The statements a source defines, from its text. */
export function extractStatements(source, text) {
  const where = source.local ?? source.remote;
  switch (source.format) {
    case 'policy-json':
      return asList(JSON.parse(text).Statement);
    case 'cfn-yaml': {
      const doc = YAML.parse(text, { customTags: CFN_TAGS });
      return source.select.flatMap((path) => asList(at(doc, path, where)));
    }
    case 'rst-code-block': {
      const name = source.select[0];
      const lines = text.split('\n');
      const start = lines.findIndex((l) => l.trim() === `:name: ${name}`);
      if (start < 0) throw new Error(`${where}: no code block named ${name}`);
      const body = [];
      for (let i = start + 1; i < lines.length; i++) {
        const l = lines[i];
        if (l.trim() === '' || /^\s/.test(l)) body.push(l);
        else break;
      }
      return asList(JSON.parse(body.join('\n')).Statement);
    }
    default:
      throw new Error(`${where}: unknown format ${source.format}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing

/** action pattern (lower case) -> { name as written, resources, conditions (JSON) }. */
function index(statements) {
  const out = new Map();
  for (const st of statements) {
    if (!st || st.Effect !== 'Allow') continue;
    const resources = asList(
      st.Resource ?? (st.NotResource ? asList(st.NotResource).map((r) => `not ${r}`) : '*'),
    );
    const condition = st.Condition ? JSON.stringify(st.Condition) : '';
    for (const a of asList(st.Action ?? st.NotAction)) {
      const key = String(a).toLowerCase();
      let e = out.get(key);
      if (!e) out.set(key, (e = { name: String(a), resources: new Set(), conditions: new Set() }));
      for (const r of resources) e.resources.add(String(r));
      if (condition) e.conditions.add(condition);
    }
  }
  return out;
}

function globToRegExp(pattern) {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

const minus = (a, b) => [...a].filter((x) => !b.has(x)).sort();

/** The drift of one set: what the source has that the baseline does not, and the reverse. */
export function compareSet(baselineStatements, sourceStatements) {
  const base = index(baselineStatements);
  const src = index(sourceStatements);
  const added = minus(src.keys(), new Set(base.keys())).map((k) => src.get(k).name);
  const removed = minus(base.keys(), new Set(src.keys())).map((k) => base.get(k).name);
  const widened = [];
  for (const a of added) {
    if (!/[*?]/.test(a)) continue;
    const re = globToRegExp(a);
    const covers = removed.filter((r) => re.test(r));
    if (covers.length) widened.push(`${a} (in place of ${covers.join(', ')})`);
  }
  const resources = [];
  const conditions = [];
  for (const [k, b] of base) {
    const s = src.get(k);
    if (!s) continue;
    const more = minus(s.resources, b.resources);
    const less = minus(b.resources, s.resources);
    if (more.length || less.length)
      resources.push(
        `${s.name}:${more.length ? ` + ${more.join(', ')}` : ''}${less.length ? ` - ${less.join(', ')}` : ''}`,
      );
    const cm = minus(s.conditions, b.conditions);
    const cl = minus(b.conditions, s.conditions);
    if (cm.length || cl.length)
      conditions.push(
        `${s.name}:${cm.length ? ` + ${cm.join(' ')}` : ''}${cl.length ? ` - ${cl.join(' ')}` : ''}`,
      );
  }
  return { added, removed, widened, resources, conditions };
}

const hasDrift = (d) =>
  d.added.length + d.removed.length + d.widened.length + d.resources.length + d.conditions.length > 0;

// ---------------------------------------------------------------------------------------------
// The check

/**
 * Checks every source of the manifest. `read(source)` returns the source's text (the local copy,
 * or the vendor's file); `baselines` are the built-in baselines as parsed YAML objects.
 */
export async function checkBaselines({ root = ROOT, read, manifest, baselines } = {}) {
  const m = manifest ?? JSON.parse(readFileSync(join(root, 'baselines/sources.json'), 'utf8'));
  const all = baselines ?? loadBaselines(root, m);
  const readText = read ?? ((s) => readFileSync(join(root, s.local), 'utf8'));
  const results = [];
  for (const source of m.sources) {
    const b = all.find((x) => x.id === source.baseline);
    const set = b?.sets.find((s) => s.name === source.set);
    const r = { baseline: source.baseline, set: source.set, location: source.remote };
    try {
      if (!set) throw new Error(`baseline ${source.baseline} has no set ${source.set}`);
      const statements = extractStatements(source, await readText(source));
      // (with the other sets the source holds too: one of its statements split into sets)
      const withSets = (source['with-sets'] ?? []).map((n) => {
        const w = b.sets.find((s) => s.name === n);
        if (!w) throw new Error(`baseline ${source.baseline} has no set ${n} (with-sets)`);
        return w;
      });
      r.drift = compareSet([...set.statements, ...withSets.flatMap((w) => w.statements)], statements);
    } catch (e) {
      r.error = e instanceof Error ? e.message : String(e);
    }
    results.push(r);
  }
  return results;
}

function loadBaselines(root, m) {
  const dir = join(root, 'baselines');
  const ids = [...new Set(m.sources.map((s) => s.baseline))];
  return ids.map((id) => YAML.parse(readFileSync(join(dir, `${id}.yml`), 'utf8')));
}

export function formatResults(results, { markdown = false } = {}) {
  const out = [];
  const item = (label, list) => {
    if (!list.length) return;
    if (markdown) out.push(`- ${label}: ${list.map((x) => `\`${x}\``).join(', ')}`);
    else out.push(`    ${label}: ${list.join(', ')}`);
  };
  for (const r of results) {
    const head = `${r.baseline} / ${r.set}`;
    if (r.error) {
      out.push(markdown ? `### ${head}: error\n\n${r.error}` : `${head}: ERROR ${r.error}`);
      continue;
    }
    if (!hasDrift(r.drift)) {
      out.push(markdown ? `### ${head}: up to date` : `${head}: up to date`);
      continue;
    }
    out.push(markdown ? `### ${head}: drift (${r.location})\n` : `${head}: DRIFT (${r.location})`);
    item('actions added', r.drift.added);
    item('actions removed', r.drift.removed);
    item('widened', r.drift.widened);
    item('resources changed', r.drift.resources);
    item('conditions changed', r.drift.conditions);
  }
  return out.join('\n') + '\n';
}

export function exitCode(results) {
  if (results.some((r) => r.error)) return 2;
  return results.some((r) => hasDrift(r.drift)) ? 1 : 0;
}

const isMain = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) {
  const remote = process.argv.includes('--remote');
  const markdown = process.argv.includes('--markdown');
  const read = remote
    ? async (s) => {
        const res = await fetch(s.remote);
        if (!res.ok) throw new Error(`${s.remote}: HTTP ${res.status}`);
        return res.text();
      }
    : undefined;
  const results = await checkBaselines({ read });
  process.stdout.write(formatResults(results, { markdown }));
  process.exitCode = exitCode(results);
}
