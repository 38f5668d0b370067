// `terraform show -json` of a state: values.root_module and its child modules; a raw state file
// (terraform.tfstate) is read by tf-raw-state.ts into the same resources. No configuration, so
// principals are linked by the names and ARNs in the values.
import type { InputResult, SourceFile } from '../core/types.js';
import { isObject, type SourceParser } from './parser.js';
import { analyzeTerraform, walkModules, type PendingError, type TfResource } from './terraform/index.js';
import { crashed, formatVersionError, resourceFromValues } from './tf-plan.js';
import { isRawTerraformState, parseRawState } from './tf-raw-state.js';

/** A state's top-level keys, with a format_version of any type (see isTerraformPlan). */
export function isTerraformState(json: unknown): boolean {
  return (
    isObject(json) &&
    'format_version' in json &&
    'values' in json &&
    !('planned_values' in json) &&
    !('resource_changes' in json)
  );
}

function parseState(file: SourceFile, json: unknown): InputResult {
  const errors: PendingError[] = [];
  const format = isObject(json) ? formatVersionError(file, 'terraform-state', json) : undefined;
  if (format) return format;
  if (!isObject(json) || !(json.values === null || isObject(json.values))) {
    const reason =
      'a Terraform state must be a JSON object whose values is an object; expected the JSON that `terraform show -json` writes for a state: regenerate it';
    return {
      path: file.path,
      kind: 'terraform-state',
      status: 'error',
      reason,
      policies: [],
      errors: [{ path: file.path, line: 1, jsonPath: '$', message: reason }],
    };
  }
  const resources: TfResource[] = [];
  const seen = new Set<string>();
  const root = isObject(json.values) ? json.values.root_module : undefined;
  if (root !== undefined) {
    walkModules(
      root,
      ['values', 'root_module'],
      (r, path, mod) => {
        const res = resourceFromValues(r, path, mod, (e) => errors.push(e));
        if (!res) return;
        if (seen.has(res.address)) {
          errors.push({
            jsonPath: path,
            address: res.address,
            message: `${res.address} appears more than once`,
          });
          return;
        }
        seen.add(res.address);
        resources.push(res);
      },
      (e) => errors.push(e),
    );
  }
  return analyzeTerraform({
    file,
    kind: 'terraform-state',
    templates: false,
    resources,
    errors,
    json,
  });
}

export const terraformStateParser: SourceParser = {
  kind: 'terraform-state',
  linesFromValue: true,
  detect: (json) => isTerraformState(json) || isRawTerraformState(json),
  parse(file, json) {
    try {
      return isObject(json) && isRawTerraformState(json) ? parseRawState(file, json) : parseState(file, json);
    } catch (e) {
      return crashed(file, 'terraform-state', e);
    }
  },
};
