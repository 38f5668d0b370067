// Terraform JSON configuration (`*.tf.json`, also what CDKTF synthesizes). `resource` and `data`
// (and each level below them) may be an object or an array of objects; keys starting with `//`
// are comments; strings are HCL templates, so `${...}` interpolations are read as wildcards.
import type { InputResult, SourceFile } from '../core/types.js';
import type { JsonPath } from '../core/json-lines.js';
import { typeName } from '../policy/document.js';
import { isObject, type SourceParser } from './parser.js';
import {
  analyzeTerraform,
  boundedName,
  clip,
  substituteIterator,
  type PendingError,
  type TfResource,
} from './terraform/index.js';
import { countKeys, eachKeys, oneInstanceNote } from './hcl/module-def.js';
import { crashed } from './tf-plan.js';

const TOP_LEVEL = ['resource', 'data', 'provider', 'terraform', 'module', 'variable', 'locals', 'output'];
const AUTH_DETAILS = ['UserDetailList', 'RoleDetailList', 'GroupDetailList', 'Policies'];

/**
 * Terraform reads JSON configuration only from files named `*.tf.json` (CDKTF writes
 * `cdk.tf.json`): a file of another name is Terraform JSON only when it declares AWS resources or
 * data sources. An app config with a top-level `output` or `variable` key is not Terraform.
 */
export function isTerraformJson(json: unknown, path = ''): boolean {
  if (!isObject(json) || 'format_version' in json) return false;
  if (AUTH_DETAILS.some((k) => k in json)) return false;
  if (/\.tf\.json$/i.test(path)) return TOP_LEVEL.some((k) => k in json);
  return (['resource', 'data'] as const).some((top) => declaresAws(json[top]));
}

/** A `resource` or `data` block (an object or a list of objects) with an `aws_*` type in it. */
function declaresAws(block: unknown): boolean {
  const blocks = Array.isArray(block) ? block : [block];
  return blocks.some((b) => isObject(b) && Object.keys(b).some((k) => /^aws_[a-z0-9_]+$/.test(k)));
}

/** An object, or each object of an array of objects, with its path. */
function objects(
  v: unknown,
  path: JsonPath,
  onError: (e: PendingError) => void,
): [Record<string, unknown>, JsonPath][] {
  if (isObject(v)) return [[v, path]];
  if (Array.isArray(v)) {
    const out: [Record<string, unknown>, JsonPath][] = [];
    v.forEach((x, i) => {
      if (isObject(x)) out.push([x, [...path, i]]);
      else
        onError({
          jsonPath: [...path, i],
          message: `expected an object, got ${typeName(x)}: each entry of this list must be a block ({"name": {...}})`,
        });
    });
    return out;
  }
  if (v !== undefined && v !== null)
    onError({
      jsonPath: path,
      message: `expected an object or an array of objects, got ${typeName(v)}: write the block as {"name": {...}}`,
    });
  return [];
}

function entries(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).filter(([k]) => !k.startsWith('//'));
}

/** One instance of a block: its key (count index, for_each key), its values, why it is read approximately. */
interface Instance {
  key?: string | number;
  values: Record<string, unknown>;
  approximate?: string;
}

/** A meta-argument's value as shown in a reason. */
function shown(v: unknown): string {
  return clip(typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
}

/**
 * The instances of a block by its `count` or `for_each` as Terraform makes them, with `count.index`,
 * `each.key` and `each.value` put in where they are written whole (a wider expression keeps them,
 * read as wildcards): `none` when there is none (a policy that grants nothing); one instance, read
 * approximately and said so, when the value is not known here (an interpolation).
 */
function instancesOf(b: Record<string, unknown>): Instance[] | { none: string } {
  const { count, for_each: fe } = b;
  if (count !== undefined && count !== null) {
    const n =
      typeof count === 'number'
        ? count
        : typeof count === 'string' && /^\s*\d+\s*$/.test(count)
          ? Number(count)
          : undefined;
    if (n === undefined || !Number.isInteger(n) || n < 0)
      return [{ values: b, approximate: oneInstanceNote('count', shown(count)) }];
    if (n === 0) return { none: 'its count is 0' };
    const { keys, cut } = countKeys(n);
    return keys.map((i) => {
      const inst: Instance = {
        key: i,
        values: substituteIterator(b, 'count', i, i) as Record<string, unknown>,
      };
      if (cut) inst.approximate = cut;
      return inst;
    });
  }
  if (fe !== undefined && fe !== null) {
    // A set of strings (each key its value) or a map; anything else is not known here.
    let entries: [string, unknown][] | undefined;
    if (Array.isArray(fe)) {
      if (fe.every((x) => typeof x === 'string' && !x.includes('${')))
        entries = [...new Set(fe as string[])].map((k) => [k, k]);
    } else if (isObject(fe)) entries = Object.entries(fe).filter(([k]) => !k.startsWith('//'));
    if (!entries) return [{ values: b, approximate: oneInstanceNote('for_each', shown(fe)) }];
    if (entries.length === 0) return { none: 'its for_each is empty' };
    const { keys, cut } = eachKeys(entries);
    return keys.map(([k, v]) => {
      const inst: Instance = {
        key: k,
        values: substituteIterator(b, 'each', k, v) as Record<string, unknown>,
      };
      if (cut) inst.approximate = cut;
      return inst;
    });
  }
  return [{ values: b }];
}

/** An instance's address as Terraform prints it: `type.name[0]`, `type.name["key"]`. */
function instanceAddress(address: string, key: string | number | undefined): string {
  return key === undefined ? address : `${address}[${typeof key === 'number' ? key : JSON.stringify(key)}]`;
}

/** Whether a block's values hold an IAM policy anywhere (a JSON text or jsonencode() with a Statement). */
function mentionsStatement(v: unknown): boolean {
  return JSON.stringify(v)?.includes('Statement') ?? false;
}

function parseTfJson(file: SourceFile, json: unknown): InputResult {
  const errors: PendingError[] = [];
  if (!isObject(json)) {
    const reason =
      'a Terraform JSON file must be a JSON object; expected {"resource": {...}, "data": {...}, ...} (Terraform\'s JSON configuration syntax)';
    return {
      path: file.path,
      kind: 'terraform-json',
      status: 'error',
      reason,
      policies: [],
      errors: [{ path: file.path, line: 1, jsonPath: '$', message: reason }],
    };
  }
  const onError = (e: PendingError) => errors.push(e);
  const resources: TfResource[] = [];
  const skipped: NonNullable<InputResult['skippedParts']> = [];
  /** Why an instance is read approximately (count or for_each not known), by its address. */
  const notes = new Map<string, string>();
  const seen = new Set<string>();
  for (const top of ['resource', 'data'] as const) {
    for (const [block, bp] of objects(json[top], [top], onError)) {
      for (const [type, byName] of entries(block)) {
        for (const [names, tp] of objects(byName, [...bp, type], onError)) {
          for (const [name, body] of entries(names)) {
            for (const [b, path] of objects(body, [...tp, name], onError)) {
              const address = `${top === 'data' ? 'data.' : ''}${type}.${name}`;
              if (seen.has(address)) {
                const shown = boundedName(address);
                errors.push({
                  jsonPath: path,
                  address: shown,
                  message: `${shown} is defined more than once`,
                });
                continue;
              }
              seen.add(address);
              const instances = instancesOf(b);
              if ('none' in instances) {
                // Grants nothing: said, not audited (as the .tf reader says it).
                if (top === 'resource' && mentionsStatement(b))
                  skipped.push({
                    address,
                    reason: `${address} has no instance: ${instances.none}, so it grants nothing`,
                  });
                continue;
              }
              for (const inst of instances) {
                const r: TfResource = {
                  address: instanceAddress(address, inst.key),
                  mode: top === 'data' ? 'data' : 'managed',
                  type,
                  name,
                  module: '',
                  entryPath: path,
                  values: inst.values,
                  valuesPath: path,
                };
                if (inst.key !== undefined) r.index = inst.key;
                if (inst.approximate) notes.set(r.address, inst.approximate);
                resources.push(r);
              }
            }
          }
        }
      }
    }
  }
  // Module calls are not followed here: said, each, never dropped in silence.
  for (const [block] of objects(json.module, ['module'], onError))
    for (const [name, body] of entries(block)) {
      const source = isObject(body) && typeof body.source === 'string' ? body.source : undefined;
      const local = source !== undefined && /^\.\.?\//.test(source);
      skipped.push({
        address: `module.${name}`,
        reason: `module module.${name} is not followed: module calls of a *.tf.json file are not read (its source ${
          source === undefined ? 'is not given' : `"${clip(source)}"`
        }${local ? "; the module's own files are audited on their own, with its variables not known" : ''})`,
      });
    }
  const result = analyzeTerraform({ file, kind: 'terraform-json', templates: true, resources, errors, json });
  for (const rec of result.policies) {
    // (only a .tf module's records use it, to keep each statement's line: hcl/analyze.ts)
    if (rec.statementIndexes?.length) rec.statementNumbers = rec.statementIndexes;
    delete rec.statementIndexes;
    const note = rec.address === undefined ? undefined : notes.get(rec.address);
    if (note) (rec.approximate ??= []).push(`${rec.address}: ${note}`);
  }
  if (skipped.length) result.skippedParts = skipped;
  return result;
}

export const terraformJsonParser: SourceParser = {
  kind: 'terraform-json',
  detect: (json, path) => isTerraformJson(json, path),
  parse(file, json) {
    try {
      return parseTfJson(file, json);
    } catch (e) {
      return crashed(file, 'terraform-json', e);
    }
  },
};
