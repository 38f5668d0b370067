// A raw Terraform state file (terraform.tfstate: what `terraform state pull` prints and backends
// such as S3 store), state format version 4 (Terraform 0.12 and later). Its resources[].instances[]
// are read into the same TfResource list as `terraform show -json` of a state (tf-state.ts), with
// the addresses Terraform prints, so the same policies, attachments, principals and sensitive
// handling apply. Older formats are an input in error that says how to read them.
import type { InputResult, SourceFile } from '../core/types.js';
import type { JsonPath } from '../core/json-lines.js';
import { preview, typeName } from '../policy/document.js';
import { isObject } from './parser.js';
import {
  analyzeTerraform,
  boundedName,
  deposedAddress,
  type PendingError,
  type TfResource,
} from './terraform/index.js';
import { inputErrorAt } from './tf-plan.js';

/** The state format version read here (Terraform's statefile version4.go). */
const RAW_STATE_VERSION = 4;

const EXPECTED =
  'expected a Terraform state file as Terraform writes it (`terraform state pull`, terraform.tfstate)';

/**
 * A raw state's top-level keys: `version` with `terraform_version` or `lineage`, and `resources`
 * (format 4) or `modules` (formats 1 to 3). No format_version: that is `terraform show -json`.
 */
export function isRawTerraformState(json: unknown): boolean {
  return (
    isObject(json) &&
    !('format_version' in json) &&
    'version' in json &&
    ('terraform_version' in json || 'lineage' in json) &&
    ('resources' in json || 'modules' in json)
  );
}

export function parseRawState(file: SourceFile, json: Record<string, unknown>): InputResult {
  const why = versionProblem(json.version);
  if (why) return inputErrorAt(file, 'terraform-state', json, ['version'], why);
  const errors: PendingError[] = [];
  return analyzeTerraform({
    file,
    kind: 'terraform-state',
    templates: false,
    resources: rawStateResources(json.resources, (e) => errors.push(e)),
    errors,
    json,
  });
}

/** Why a state of this `version` is not read (undefined for 4). */
function versionProblem(v: unknown): string | undefined {
  const way =
    'run `terraform show -json terraform.tfstate > state.json` with Terraform 0.12 or later (it reads every state format) and audit that';
  if (typeof v !== 'number')
    return `version is ${preview(v, 60)} (${typeName(v)}), not a state format version; ${EXPECTED}, or ${way}`;
  if (v === RAW_STATE_VERSION) return undefined;
  return v < RAW_STATE_VERSION
    ? `this is a Terraform state of format version ${v} (written by Terraform 0.11 or older), which this tool does not read (it reads version 4): ${way}`
    : `this is a Terraform state of format version ${preview(v)}, newer than this tool reads (version 4): run \`terraform show -json terraform.tfstate > state.json\` with the Terraform version that wrote it and audit that`;
}

/** Every object of every resource instance: the current one, and each deposed one under its own address (deposedAddress). */
function rawStateResources(list: unknown, onError: (e: PendingError) => void): TfResource[] {
  const out: TfResource[] = [];
  if (!Array.isArray(list)) {
    onError({
      jsonPath: ['resources'],
      message: `resources is not an array, got ${typeName(list)}; ${EXPECTED}`,
    });
    return out;
  }
  const seen = new Set<string>();
  list.forEach((r, i) => {
    const path: JsonPath = ['resources', i];
    if (!isObject(r)) {
      onError({ jsonPath: path, message: `resource is not an object, got ${typeName(r)}; ${EXPECTED}` });
      return;
    }
    const module = r.module ?? '';
    if (
      typeof r.type !== 'string' ||
      typeof r.name !== 'string' ||
      (r.mode !== 'managed' && r.mode !== 'data') ||
      typeof module !== 'string'
    ) {
      onError({
        jsonPath: path,
        message: `resource has no type, name or mode ("managed" or "data"), or a module that is not a string; ${EXPECTED}`,
      });
      return;
    }
    if (!Array.isArray(r.instances)) {
      onError({
        jsonPath: [...path, 'instances'],
        message: `instances is not an array, got ${typeName(r.instances)}; ${EXPECTED}`,
      });
      return;
    }
    // Terraform prints `module.m["a"].data.aws_iam_policy_document.d[0]`.
    const base = `${module ? `${module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    r.instances.forEach((inst, j) => {
      const at: JsonPath = [...path, 'instances', j];
      if (!isObject(inst)) {
        onError({ jsonPath: at, message: `instance is not an object, got ${typeName(inst)}; ${EXPECTED}` });
        return;
      }
      const key = inst.index_key ?? undefined;
      const keyText = instanceKey(key);
      if (keyText === undefined) {
        onError({
          jsonPath: [...at, 'index_key'],
          message: `index_key is ${preview(key, 60)}, not a whole number or a string; ${EXPECTED}`,
        });
        return;
      }
      const address =
        inst.deposed === undefined ? base + keyText : deposedAddress(base + keyText, inst.deposed);
      if (address === undefined) {
        onError({
          jsonPath: [...at, 'deposed'],
          message: `deposed is ${preview(inst.deposed, 60)}, not a deposed object's key (a string); its object is not audited; ${EXPECTED}`,
        });
        return;
      }
      if (seen.has(address)) {
        onError({ jsonPath: at, address, message: `${boundedName(address, 200)} appears more than once` });
        return;
      }
      seen.add(address);
      const res: TfResource = {
        address,
        mode: r.mode as TfResource['mode'],
        type: r.type as string,
        name: r.name as string,
        module: module as string,
        entryPath: at,
      };
      if (typeof key === 'number' || typeof key === 'string') res.index = key;
      const attrs = inst.attributes;
      if (isObject(attrs)) {
        res.values = attrs;
        res.valuesPath = [...at, 'attributes'];
        const marks = sensitiveMarks(inst.sensitive_attributes, attrs);
        if (marks.malformed)
          onError({
            jsonPath: [...at, 'sensitive_attributes'],
            address,
            message: `sensitive_attributes is not a list of attribute paths as Terraform writes it ([[{"type": "get_attr", "value": "policy"}]]); every value of ${boundedName(address, 200)} is read as sensitive`,
          });
        if (marks.tree !== undefined) res.sensitive = marks.tree;
      } else if (attrs === undefined && inst.attributes_flat !== undefined) {
        // The flat form of Terraform 0.11, kept until the resource is next refreshed: reading it
        // needs the provider's schema, which `terraform show -json` has. Read as no values (its
        // policies unresolved, never empty), with the error saying why.
        res.values = {};
        res.valuesPath = [...at, 'attributes_flat'];
        onError({
          jsonPath: [...at, 'attributes_flat'],
          address,
          message: `${boundedName(address, 200)} has its attributes in the flat form of Terraform 0.11 (attributes_flat), which this tool does not read: its policies are not audited; run \`terraform show -json terraform.tfstate > state.json\` and audit that`,
        });
      } else {
        // No attributes at all: Terraform reads the object as empty, and so does this (an
        // instance with no values would read as deleted, granting nothing).
        res.values = {};
        res.valuesPath = at;
        if (attrs !== undefined)
          onError({
            jsonPath: [...at, 'attributes'],
            address,
            message: `attributes is not an object, got ${typeName(attrs)}; ${EXPECTED}`,
          });
      }
      out.push(res);
    });
  });
  return out;
}

/** An instance key as Terraform prints it in an address (`[0]`, `["a"]`), '' for none; undefined when invalid. */
function instanceKey(key: unknown): string | undefined {
  if (key === undefined) return '';
  if (typeof key === 'number') return Number.isSafeInteger(key) ? `[${key}]` : undefined;
  return typeof key === 'string' ? `[${hclQuoted(key)}]` : undefined;
}

/** Printable as Go's unicode.IsPrint reads it: letters, marks, numbers, punctuation, symbols, ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** A string quoted as Terraform quotes a string instance key (toHCLQuotedString in its addrs package). */
function hclQuoted(s: string): string {
  let out = '"';
  let i = 0;
  for (const c of s) {
    i += c.length;
    switch (c) {
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '$':
      case '%':
        // A template introducer is doubled, so the address reads back as the same key.
        out += s[i] === '{' ? c + c : c;
        break;
      default: {
        const cp = c.codePointAt(0)!;
        out += PRINTABLE.test(c)
          ? c
          : cp < 0x10000
            ? `\\u${cp.toString(16).padStart(4, '0')}`
            : `\\U${cp.toString(16).padStart(8, '0')}`;
      }
    }
  }
  return `${out}"`;
}

/**
 * sensitive_attributes (a list of paths, each a list of steps: `{"type": "get_attr", "value":
 * "policy"}`, `{"type": "index", "value": {"value": 0, "type": "number"}}`) as the marker tree that
 * `terraform show -json` writes in sensitive_values (`true` at each sensitive value), which the
 * analyzer reads. A step into a set (keyed by the element's value) or to an element the attributes
 * do not have marks the whole collection; a list that is not of paths marks every value (`true`).
 * Attributes the provider's schema declares sensitive are not listed in a raw state (show -json
 * adds them from the schema); none of the attributes the analyzer reads a policy or a name from is.
 */
function sensitiveMarks(list: unknown, attrs: Record<string, unknown>): { tree?: unknown; malformed?: true } {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) return { tree: true, malformed: true };
  const tree: Record<string, unknown> = {};
  for (const steps of list) {
    const segs = sensitivePath(steps, attrs);
    if (segs === undefined) return { tree: true, malformed: true };
    if (segs.length === 0) return { tree: true };
    markAt(tree, segs);
  }
  return { tree };
}

/** The segments into the attributes one sensitive path names (cut where it enters a set); undefined when not a path. */
function sensitivePath(steps: unknown, attrs: unknown): JsonPath | undefined {
  if (!Array.isArray(steps)) return undefined;
  const segs: JsonPath = [];
  let v = attrs;
  for (const step of steps) {
    if (!isObject(step)) return undefined;
    if (step.type === 'get_attr' && typeof step.value === 'string') {
      segs.push(step.value);
      v = isObject(v) ? v[step.value] : undefined;
      continue;
    }
    if (step.type !== 'index' || !isObject(step.value) || !('value' in step.value)) return undefined;
    const key = step.value.value;
    if (typeof key === 'number' && Array.isArray(v) && Number.isInteger(key) && key >= 0 && key < v.length) {
      segs.push(key);
      v = v[key];
    } else if (typeof key === 'string' && isObject(v)) {
      segs.push(key);
      v = v[key];
    } else return segs;
  }
  return segs;
}

/**
 * Sets `true` at `segs` in the marker tree. Containers follow the attributes (sensitivePath gives a
 * number only where they hold an array), so one place is never both an object and an array.
 */
function markAt(tree: Record<string, unknown>, segs: JsonPath): void {
  let node: Record<string, unknown> | unknown[] = tree;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const at = child(node, s);
    if (at === true) return;
    if (i === segs.length - 1) {
      setChild(node, s, true);
      return;
    }
    if (Array.isArray(at) || isObject(at)) node = at;
    else {
      const next: Record<string, unknown> | unknown[] = typeof segs[i + 1] === 'number' ? [] : {};
      setChild(node, s, next);
      node = next;
    }
  }
}

function child(node: Record<string, unknown> | unknown[], s: string | number): unknown {
  return Array.isArray(node) ? (typeof s === 'number' ? node[s] : undefined) : node[String(s)];
}

function setChild(node: Record<string, unknown> | unknown[], s: string | number, x: unknown): void {
  if (Array.isArray(node)) node[s as number] = x;
  else node[String(s)] = x;
}
