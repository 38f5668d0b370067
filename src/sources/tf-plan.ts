// `terraform show -json` of a plan: resource_changes (before/after/after_unknown) first, then
// planned_values and prior_state for what has no change entry; configuration for references.
import type { InputResult, SourceFile } from '../core/types.js';
import { formatJsonPath, locateLines, type JsonPath } from '../core/json-lines.js';
import { preview, typeName } from '../policy/document.js';
import { isObject, type SourceParser } from './parser.js';
import {
  analyzeTerraform,
  boundedName,
  changeKind,
  configFor,
  deposedAddress,
  indexConfiguration,
  moduleOfAddress,
  walkModules,
  type PendingError,
  type TfResource,
} from './terraform/index.js';

/**
 * A plan's top-level keys, with a format_version of any type: one that is not a format this tool
 * reads makes the plan an input in error (formatVersionError), never a file skipped as not a plan.
 */
export function isTerraformPlan(json: unknown): boolean {
  return (
    isObject(json) && 'format_version' in json && ('planned_values' in json || 'resource_changes' in json)
  );
}

/**
 * What is wrong with the format_version of `terraform show -json` output, if anything. Terraform
 * writes a string ("1.2"); a major version other than 0 or 1 is a format this tool does not know, in
 * which a field may mean something else (Terraform's JSON output format says a new major version may
 * break its consumers), so it is not read as if it were the one known here.
 */
export function formatVersionProblem(v: unknown): string | undefined {
  if (typeof v !== 'string')
    return `format_version is ${preview(v, 60)} (${typeName(v)}), not a string; expected a string such as "1.2", as \`terraform show -json\` writes it: regenerate the file`;
  if (/^[01](?:\.\d+)*$/.test(v)) return undefined;
  return `format_version is ${preview(v, 60)}, not a version of Terraform's JSON output format this tool reads (major version 0 or 1; a new major version may change what its fields mean): regenerate the file with a Terraform version that writes format 1.x, or report the new format`;
}

/** The input in error when its format_version is not one this tool reads (formatVersionProblem), at its line. */
export function formatVersionError(
  file: SourceFile,
  kind: InputResult['kind'],
  json: Record<string, unknown>,
): InputResult | undefined {
  const reason = formatVersionProblem(json.format_version);
  return reason === undefined ? undefined : inputErrorAt(file, kind, json, ['format_version'], reason);
}

/** An input in error for one reason, given at the line of the value at `at` in the file's JSON. */
export function inputErrorAt(
  file: SourceFile,
  kind: InputResult['kind'],
  json: unknown,
  at: JsonPath,
  reason: string,
): InputResult {
  const [line] = locateLines(file.text, [at], json, file.oneLine);
  return {
    path: file.path,
    kind,
    status: 'error',
    reason,
    policies: [],
    errors: [{ path: file.path, line, jsonPath: formatJsonPath(at), message: reason }],
  };
}

/** Why a deposed object whose key is not a string is not read. */
function notDeposedKey(key: unknown): string {
  return `the deposed key is ${preview(key, 60)}, not a string as Terraform writes it; this deposed object is not audited: regenerate the file`;
}

/** A resource entry of planned_values / prior_state / state values (a deposed object under its own address) as a TfResource (undefined when unusable). */
export function resourceFromValues(
  r: Record<string, unknown>,
  path: JsonPath,
  moduleAddress: string,
  onError: (e: PendingError) => void,
): TfResource | undefined {
  if (typeof r.address !== 'string' || typeof r.type !== 'string' || typeof r.name !== 'string') {
    onError({ jsonPath: path, message: 'resource has no address, type or name' });
    return undefined;
  }
  const address = r.deposed_key === undefined ? r.address : deposedAddress(r.address, r.deposed_key);
  if (address === undefined) {
    onError({
      jsonPath: [...path, 'deposed_key'],
      address: r.address,
      message: notDeposedKey(r.deposed_key),
    });
    return undefined;
  }
  const res: TfResource = {
    address,
    mode: r.mode === 'data' ? 'data' : 'managed',
    type: r.type,
    name: r.name,
    module: moduleAddress || moduleOfAddress(r.address),
    entryPath: path,
  };
  if (typeof r.index === 'number' || typeof r.index === 'string') res.index = r.index;
  if (isObject(r.values)) {
    res.values = r.values;
    res.valuesPath = [...path, 'values'];
  } else if (r.values !== undefined) {
    onError({
      jsonPath: [...path, 'values'],
      address: r.address,
      message: `values is not an object; expected the resource's attributes as an object (as \`terraform show -json\` writes them): regenerate the file`,
    });
  }
  if (r.sensitive_values !== undefined) res.sensitive = r.sensitive_values;
  return res;
}

function parsePlan(file: SourceFile, json: unknown): InputResult {
  const errors: PendingError[] = [];
  const fail = (reason: string): InputResult => ({
    path: file.path,
    kind: 'terraform-plan',
    status: 'error',
    reason,
    policies: [],
    errors: [{ path: file.path, line: 1, jsonPath: '$', message: reason }],
  });
  if (!isObject(json))
    return fail(
      'a Terraform plan must be a JSON object; expected the JSON that `terraform show -json PLANFILE` writes: regenerate it',
    );
  const format = formatVersionError(file, 'terraform-plan', json);
  if (format) return format;
  const rc = json.resource_changes;
  const pv = json.planned_values;
  const pvRoot = isObject(pv) ? pv.root_module : undefined;
  if (!Array.isArray(rc) && !isObject(pvRoot)) {
    return fail(
      'the plan has neither a resource_changes array nor planned_values.root_module; expected the JSON that `terraform show -json PLANFILE` writes: regenerate it',
    );
  }
  if (rc !== undefined && !Array.isArray(rc))
    errors.push({
      jsonPath: ['resource_changes'],
      message:
        'resource_changes is not an array; expected the JSON that `terraform show -json PLANFILE` writes: regenerate it',
    });

  const config = indexConfiguration(json.configuration);
  const hasConfiguration = isObject(json.configuration);
  const resources: TfResource[] = [];
  const seen = new Set<string>();
  const withConfig = (res: TfResource) => {
    const cfg = configFor(config, res.module, res.mode, res.type, res.name);
    if (cfg) res.expressions = isObject(cfg.expressions) ? cfg.expressions : {};
    return res;
  };

  if (Array.isArray(rc)) {
    rc.forEach((c, i) => {
      const path: JsonPath = ['resource_changes', i];
      if (!isObject(c)) {
        errors.push({
          jsonPath: path,
          message:
            'resource change is not an object; expected {"address": ..., "type": ..., "name": ..., "change": {...}}: regenerate the plan',
        });
        return;
      }
      if (typeof c.address !== 'string' || typeof c.type !== 'string' || typeof c.name !== 'string') {
        errors.push({
          jsonPath: path,
          message:
            'resource change has no address, type or name; expected strings in "address", "type" and "name": regenerate the plan',
        });
        return;
      }
      // A deposed object (its change destroys it, as a rule): under its own address, beside the current one.
      const address = c.deposed === undefined ? c.address : deposedAddress(c.address, c.deposed);
      if (address === undefined) {
        errors.push({
          jsonPath: [...path, 'deposed'],
          address: c.address,
          message: notDeposedKey(c.deposed),
        });
        return;
      }
      const change = c.change;
      if (!isObject(change)) {
        errors.push({
          jsonPath: [...path, 'change'],
          address,
          message:
            'resource change has no change object; expected "change": {"actions": [...], "before": ..., "after": ...}: regenerate the plan',
        });
        return;
      }
      const kind = changeKind(change.actions);
      if (!kind)
        errors.push({
          jsonPath: [...path, 'change', 'actions'],
          address,
          message: `unrecognised change.actions; expected one of ["create"], ["update"], ["delete"], ["read"], ["no-op"], ["delete", "create"], ["create", "delete"], got ${preview(change.actions, 60)}: regenerate the plan with a supported Terraform version`,
        });
      if (seen.has(address)) {
        errors.push({
          jsonPath: path,
          address,
          message: `${boundedName(address, 200)} has more than one change entry; expected one entry per address (the first is used): regenerate the plan`,
        });
        return;
      }
      seen.add(address);
      const res: TfResource = {
        address,
        mode: c.mode === 'data' ? 'data' : 'managed',
        type: c.type,
        name: c.name,
        module: typeof c.module_address === 'string' ? c.module_address : moduleOfAddress(c.address),
        entryPath: path,
      };
      if (typeof c.index === 'number' || typeof c.index === 'string') res.index = c.index;
      if (kind) res.change = kind;
      if (isObject(change.after)) {
        res.values = change.after;
        res.valuesPath = [...path, 'change', 'after'];
      }
      if (change.before === null) res.before = null;
      else if (isObject(change.before)) {
        res.before = change.before;
        res.beforePath = [...path, 'change', 'before'];
      }
      if (kind === 'create' && res.before === undefined) res.before = null;
      res.unknown = change.after_unknown;
      res.sensitive = change.after_sensitive;
      res.beforeSensitive = change.before_sensitive;
      resources.push(withConfig(res));
    });
  }

  // Resources with no change entry: planned values, then the prior state (data sources read during the plan).
  const add = (r: Record<string, unknown>, path: JsonPath, mod: string) => {
    // An address already read, in an entry resourceFromValues would find nothing wrong with: nothing
    // to add (a plan lists each of its resources twice, in resource_changes and planned_values).
    if (
      r.deposed_key === undefined &&
      typeof r.address === 'string' &&
      seen.has(r.address) &&
      typeof r.type === 'string' &&
      typeof r.name === 'string' &&
      (r.values === undefined || isObject(r.values))
    )
      return;
    const res = resourceFromValues(r, path, mod, (e) => errors.push(e));
    if (!res || seen.has(res.address)) return;
    seen.add(res.address);
    resources.push(withConfig(res));
  };
  if (pvRoot !== undefined)
    walkModules(pvRoot, ['planned_values', 'root_module'], add, (e) => errors.push(e));
  const ps = json.prior_state;
  if (isObject(ps) && isObject(ps.values) && ps.values.root_module !== undefined) {
    walkModules(ps.values.root_module, ['prior_state', 'values', 'root_module'], add, (e) => errors.push(e));
  }

  return analyzeTerraform({
    file,
    kind: 'terraform-plan',
    templates: false,
    hasConfiguration,
    resources,
    errors,
    json,
  });
}

export const terraformPlanParser: SourceParser = {
  kind: 'terraform-plan',
  linesFromValue: true,
  detect: (json) => isTerraformPlan(json),
  parse(file, json) {
    try {
      return parsePlan(file, json);
    } catch (e) {
      return crashed(file, 'terraform-plan', e);
    }
  },
};

const EXPECTED: Partial<Record<InputResult['kind'], string>> = {
  'terraform-plan': 'the JSON that `terraform show -json PLANFILE` writes',
  'terraform-state':
    'a Terraform state (terraform.tfstate, or the JSON that `terraform show -json` writes for a state)',
  'terraform-json': 'a Terraform JSON configuration (*.tf.json)',
  'terraform-hcl': 'a Terraform configuration (*.tf)',
  'authorization-details': 'the JSON that `aws iam get-account-authorization-details` writes',
};

/** A parser must not throw: an unexpected failure is an input in error, with the reason. */
export function crashed(file: SourceFile, kind: InputResult['kind'], e: unknown): InputResult {
  const what = EXPECTED[kind] ?? 'an IAM input';
  const reason =
    e instanceof RangeError
      ? `could not read this file: it is nested too deeply or too large to read; expected ${what}: regenerate it or audit it in smaller parts`
      : `could not read this file: ${e instanceof Error ? e.name : 'unexpected error'}; expected ${what}: regenerate it, and report the problem if it persists`;
  return {
    path: file.path,
    kind,
    status: 'error',
    reason,
    policies: [],
    errors: [{ path: file.path, message: reason }],
  };
}
