// The bridge to the Terraform analyzer shared with plans, state and *.tf.json: the evaluated
// instances of one root module (and the modules it calls) become TfResources whose values are
// what a *.tf.json file would hold (strings are templates, unknowns `${...}`), written to a
// synthetic text one value per line; the analyzer's records and lines are then mapped back to
// the `.tf` files and lines.
import type { InputResult, PolicyRecord, SourceError } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import {
  analyzeTerraform,
  POLICY_DOCUMENT_DATA_SOURCE,
  TERRAFORM_POLICY_ATTRIBUTES,
  type TfResource,
} from '../terraform/index.js';
import { Emitter, type Mode, type ModeOf, type Origin } from './lines.js';
import type { Evaluated } from './module.js';
import type { FileRead } from './functions.js';
import { remapPrincipals } from './principals.js';

const POLICY_ATTRIBUTES = TERRAFORM_POLICY_ATTRIBUTES;

const DOCUMENT_PARTS = new Set([
  'statement',
  'dynamic',
  'source_policy_documents',
  'override_policy_documents',
  'source_json',
  'override_json',
]);

/** The analyzer's reason for a reference to a block the module's `.tf` files do not declare. */
const NOT_IN_FILE = /references (\S+), which is not in this file$/;
/** The note of a block a `*.tf.json` file of the module declares (Instance.inJsonNote): address, file. */
const IN_JSON =
  /^(\S+) is declared in (.+?), which this reader does not combine with the module's \.tf files/;

/** Policy attributes (and statement blocks) read their references as the patterns they stand for. */
function modeOf(ev: Evaluated): ModeOf {
  if (ev.mode === 'data')
    return (path, inherited) =>
      ev.type === POLICY_DOCUMENT_DATA_SOURCE &&
      path.length === 1 &&
      typeof path[0] === 'string' &&
      DOCUMENT_PARTS.has(path[0])
        ? 'policy'
        : inherited;
  const table = POLICY_ATTRIBUTES[ev.type] ?? {};
  return (path: JsonPath, inherited: Mode): Mode => {
    if (path.length === 1 && typeof path[0] === 'string' && Object.hasOwn(table, path[0])) return 'policy';
    // (`block[].attr`: an attribute of a block, an aws_iam_role's inline_policy's policy)
    if (path.length === 3 && Object.hasOwn(table, `${String(path[0])}[].${String(path[2])}`)) return 'policy';
    return inherited;
  };
}

/** The files each `.tf` policy's evaluation read with file() or templatefile() (readsOf). */
const policyReads = new WeakMap<PolicyRecord, readonly FileRead[]>();

/**
 * The files a `.tf` policy's resource read with file() or templatefile() to build its values, with
 * those of the policy documents it names: empty for other records.
 */
export function readsOf(rec: PolicyRecord): readonly FileRead[] {
  return policyReads.get(rec) ?? [];
}

export interface Analyzed {
  policies: PolicyRecord[];
  errors: SourceError[];
  principals: NonNullable<InputResult['principals']>;
}

/** Runs the analyzer on one root module's instances; `dir` names the root (for ids of principals). */
export function analyzeModule(dir: string, resources: Evaluated[]): Analyzed {
  const emitter = new Emitter();
  const { plain, emitted } = emitter.emitRoot(
    resources.map((ev) => ({
      obj: ev.values,
      origin: { file: ev.file, line: ev.line },
      modeOf: modeOf(ev),
      module: ev.module,
    })),
  );
  const synth = `${dir === '.' ? '' : `${dir}/`}(module)`;
  const tf: TfResource[] = resources.map((ev, i) => {
    const r: TfResource = {
      address: ev.address,
      mode: ev.mode,
      type: ev.type,
      name: ev.name,
      module: ev.module,
      entryPath: ['r', i],
      values: plain[i] as Record<string, unknown>,
      valuesPath: ['r', i],
    };
    if (ev.index !== undefined) r.index = ev.index;
    return r;
  });
  const result = analyzeTerraform({
    file: { path: synth, text: emitted.text },
    kind: 'terraform-hcl',
    templates: true,
    resources: tf,
    errors: [],
    crossModule: emitted.crossModule,
    either: emitted.either,
    choices: emitted.choices,
  });
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const fallbackFile = resources[0]?.file ?? synth;
  const origin = (line: number | undefined): Origin | undefined =>
    line !== undefined && line > 0 ? emitted.lines[line - 1] : undefined;
  /** Whether a value's JSON text names a reference base (not only as the start of a longer name). */
  const mentions = (text: string, base: string): boolean => {
    for (let at = text.indexOf(base); at >= 0; at = text.indexOf(base, at + 1))
      if (!/[\w-]/.test(text[at + base.length] ?? '')) return true;
    return false;
  };
  // The policy documents a resource's values name (in the same module, or passed in from another
  // one: Emitted.crossModule).
  const documentsOf = (ev: Evaluated, has: (d: Evaluated) => boolean): Evaluated[] => {
    const out: Evaluated[] = [];
    let text: string | undefined;
    for (const d of resources) {
      if (d === ev || !has(d) || d.type !== POLICY_DOCUMENT_DATA_SOURCE) continue;
      text ??= JSON.stringify(plain[resources.indexOf(ev)]);
      const base = `data.${d.type}.${d.name}`;
      const named =
        d.module === ev.module ? base : emitted.aliases.get(d.module ? `${d.module}.${base}` : base);
      if (named !== undefined && mentions(text, named)) out.push(d);
    }
    return out;
  };
  // Notes of a resource, and of the policy documents its values name.
  const notesFor = (ev: Evaluated): string[] => [
    ...(ev.notes ?? []),
    ...documentsOf(ev, (d) => !!d.notes).flatMap((d) => d.notes!),
  ];
  const readsFor = (ev: Evaluated): FileRead[] => [
    ...(ev.reads ?? []),
    ...documentsOf(ev, (d) => !!d.reads).flatMap((d) => d.reads!),
  ];
  // A managed policy's record is named by its ARN: it belongs to the first block that names it.
  const mentioning = (arn: string): Evaluated | undefined =>
    arn.startsWith('arn:')
      ? resources.find((r) => JSON.stringify(plain[resources.indexOf(r)]).includes(arn))
      : undefined;
  const ids = new Map<string, string>();
  const prefix = `${synth}#`;
  const readable = readableAliases(emitted.aliases);
  for (const rec of result.policies) {
    if (rec.reason) rec.reason = readable(rec.reason);
    if (rec.approximate) rec.approximate = rec.approximate.map(readable);
    const ev = rec.address ? (byAddress.get(rec.address) ?? mentioning(rec.address)) : undefined;
    const file = ev?.file ?? fallbackFile;
    const o = origin(rec.line);
    const line = o && o.file === file ? o.line : ev?.line;
    const newId = rec.id.startsWith(prefix) ? `${file}#${rec.id.slice(prefix.length)}` : rec.id;
    ids.set(rec.id, newId);
    rec.id = newId;
    rec.path = file;
    if (line !== undefined) rec.line = line;
    else delete rec.line;
    const written = rec.jsonPath ? emitted.statements.get(rec.jsonPath) : undefined;
    // (statements left out of the text as read: each read one keeps its own place)
    const fromJson = written && rec.statementIndexes ? rec.statementIndexes.map((i) => written[i]) : written;
    // Each statement where it is written: in another file of the module, that file and its line.
    const origins = rec.statementLines
      ? rec.statementLines.map((l) => origin(l))
      : fromJson && rec.status === 'resolved'
        ? fromJson
        : undefined;
    if (origins) {
      rec.statementLines = origins.map((so) => (so ? so.line : (rec.line ?? 0)));
      if (origins.some((so) => so && so.file !== file))
        rec.statementFiles = origins.map((so) => (so && so.file !== file ? so.file : undefined));
    }
    // A policy attribute whose evaluation failed: the error and its place, not "not evaluated".
    const failed =
      rec.status === 'unresolved' && rec.jsonPath
        ? ev?.errors?.find((e) => rec.jsonPath!.endsWith(formatJsonPath([e.attribute]).slice(1)))
        : undefined;
    if (failed) rec.reason = `${failed.attribute} could not be evaluated: ${failed.message}`;
    const notes = ev ? notesFor(ev) : [];
    if (notes.length) rec.approximate = [...new Set([...(rec.approximate ?? []), ...notes])];
    // A document "not in this file" that a *.tf.json file of the module declares (inJsonNote): said so.
    const missing = rec.status === 'unresolved' ? NOT_IN_FILE.exec(rec.reason ?? '') : null;
    const inJson = missing ? notes.map((n) => IN_JSON.exec(n)).find((m) => m?.[1] === missing[1]) : undefined;
    if (missing && inJson)
      rec.reason = `${rec.reason!.slice(0, missing.index)}references ${missing[1]}, which is declared in ${inJson[2]}: this reader does not combine a module's .tf.json files with its .tf files (${inJson[2]} is audited on its own)`;
    const reads = ev ? readsFor(ev) : [];
    if (reads.length) policyReads.set(rec, reads);
    delete rec.jsonPath;
    if (rec.statementIndexes?.length) rec.statementNumbers = rec.statementIndexes;
    delete rec.statementIndexes;
  }
  for (const e of result.errors) {
    e.message = readable(e.message);
    const o = origin(e.line);
    const ev = e.address ? byAddress.get(e.address) : undefined;
    e.path = o?.file ?? ev?.file ?? fallbackFile;
    if (o) e.line = o.line;
    else if (ev) e.line = ev.line;
    else delete e.line;
    delete e.jsonPath;
  }
  const principals = remapPrincipals(result.principals ?? [], byAddress, ids, fallbackFile);
  return { policies: result.policies, errors: result.errors, principals };
}

/**
 * A reason or note with the aliases of references made from another module
 * (`data.x.y--from-root`, Emitter's, internal) written as what they name: `data.x.y.json (of the
 * root module)`, `module.net.data.x.y.json` (a review found the alias in a reason).
 */
export function readableAliases(aliases: ReadonlyMap<string, string>): (text: string) => string {
  if (aliases.size === 0) return (text) => text;
  // (longest first: `x--from-root-2` before `x--from-root`)
  const pairs = [...aliases].map(([absolute, alias]) => ({ absolute, alias }));
  pairs.sort((a, b) => b.alias.length - a.alias.length);
  return (text) => {
    let out = text;
    for (const { absolute, alias } of pairs) {
      if (!out.includes(alias)) continue;
      let result = '';
      let from = 0;
      for (let at = out.indexOf(alias); at >= 0; at = out.indexOf(alias, from)) {
        // The rest of the reference: attributes and indexes (`.json`, `[0].json`).
        let end = at + alias.length;
        while (end < out.length) {
          const c = out[end]!;
          if (c === '.' && /[\w]/.test(out[end + 1] ?? '')) {
            end++;
            while (end < out.length && /[\w-]/.test(out[end]!)) end++;
          } else if (c === '[') {
            const close = out.indexOf(']', end);
            if (close < 0) break;
            end = close + 1;
          } else break;
        }
        const rest = out.slice(at + alias.length, end);
        result +=
          out.slice(from, at) +
          absolute +
          rest +
          (absolute.startsWith('module.') ? '' : ' (of the root module)');
        from = end;
      }
      out = result + out.slice(from);
    }
    return out;
  };
}
