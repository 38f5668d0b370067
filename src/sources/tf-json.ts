// Terraform JSON configuration (`*.tf.json`, also what CDKTF synthesizes). `resource` and `data`
// (and each level below them) may be an object or an array of objects; keys starting with `//`
// are comments; strings are HCL templates, so `${...}` interpolations are read as wildcards.
import type { InputResult, SourceFile } from '../core/types.js';
import type { JsonPath } from '../core/json-lines.js';
import { typeName } from '../policy/document.js';
import { isObject, type SourceParser } from './parser.js';
import { analyzeTerraform, boundedName, type PendingError, type TfResource } from './terraform/index.js';
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
              resources.push({
                address,
                mode: top === 'data' ? 'data' : 'managed',
                type,
                name,
                module: '',
                entryPath: path,
                values: b,
                valuesPath: path,
              });
            }
          }
        }
      }
    }
  }
  const result = analyzeTerraform({ file, kind: 'terraform-json', templates: true, resources, errors, json });
  // (only a .tf module's records use it, to keep each statement's line: hcl/analyze.ts)
  for (const rec of result.policies) {
    if (rec.statementIndexes?.length) rec.statementNumbers = rec.statementIndexes;
    delete rec.statementIndexes;
  }
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
