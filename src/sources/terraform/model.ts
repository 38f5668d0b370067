// The model each Terraform parser (plan, state, tf.json, HCL) hands to analyzeTerraform.
import type { InputKind, PolicyRecord, SourceFile } from '../../core/types.js';
import type { JsonPath } from '../../core/json-lines.js';

/** Most characters a tf.json `dynamic` block may expand to (items x content). */
export const MAX_DYNAMIC_EXPANSION = 1_000_000;

/** Deepest module nesting read in `terraform show -json` output. */
export const MAX_MODULE_DEPTH = 64;

/**
 * A `dynamic` block's key, beside its `for_each` that is not known, for the blocks it makes when a
 * condition not known chooses it (`var.on ? var.buckets : {}`): the `.tf` reader evaluates them
 * (hcl/evaluator.ts), the analyzer reads them as there when that reads broader (an Allow's; a
 * Deny's is left out). Not a name Terraform accepts in a tf.json block, so never a file's own.
 */
export const CHOSEN_BLOCKS = '(blocks if chosen)';

export const EMPTY_DOCUMENT_VERSION = '2012-10-17';

export function emptyDocument(): { Version: string; Statement: unknown[] } {
  return { Version: EMPTY_DOCUMENT_VERSION, Statement: [] };
}

export type ChangeKind = NonNullable<PolicyRecord['change']>;

export interface TfResource {
  /** Full address, with module instances and index: `module.x["a"].aws_iam_role.y[0]`. */
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: string | number;
  /** The module instance part of the address (`module.x["a"]`), '' at the root. */
  module: string;
  /** JSON path of the resource's entry in the file. */
  entryPath: JsonPath;
  /** Attribute values (plan: `after`; state: `values`; tf.json: the block body). Undefined when deleted. */
  values?: Record<string, unknown>;
  valuesPath?: JsonPath;
  /** Plans: `after_unknown`. */
  unknown?: unknown;
  /** Plans: `after_sensitive`; state: `sensitive_values`. */
  sensitive?: unknown;
  /** Plans: `before` (null when created). */
  before?: Record<string, unknown> | null;
  beforePath?: JsonPath;
  beforeSensitive?: unknown;
  change?: ChangeKind;
  /** Plans: the resource's configuration `expressions`, for references. */
  expressions?: Record<string, unknown>;
}

export interface TfInput {
  file: SourceFile;
  kind: InputKind;
  /** *.tf.json: values are HCL templates (`${...}`) and references come from them. */
  templates: boolean;
  /** Plans: whether the plan has a `configuration` (to tell "not configured" from "unknown"). */
  hasConfiguration?: boolean;
  resources: TfResource[];
  /**
   * `.tf` modules read offline: data sources a resource references from another module (a module
   * argument or output), by the resource's module and the reference (Emitted.crossModule).
   */
  crossModule?: ReadonlyMap<string, string>;
  /** `.tf` modules read offline: what each interpolation of a conditional not known may be (Emitted.either). */
  either?: ReadonlyMap<string, readonly string[] | null>;
  /**
   * `.tf` modules read offline: the branches of each interpolation written for a conditional not
   * known between values that are not all strings (Emitted.choices).
   */
  choices?: ReadonlyMap<string, readonly ChoiceBranch[] | null>;
  /** Problems the parser found while building the list (their lines are filled here). */
  errors: PendingError[];
  /**
   * What JSON.parse made of `file.text`, when the input is JSON: lines are then looked up in it
   * rather than in the text when the text is one line (see locateLines).
   */
  json?: unknown;
}

export interface PendingError {
  jsonPath?: JsonPath;
  address?: string;
  message: string;
}

/**
 * The address of a deposed object (`aws_iam_policy.p[0] (deposed a1b2c3d4)`): the object a
 * create_before_destroy replacement has not destroyed yet. It still exists in AWS, granting what
 * it grants, until an apply destroys it, so it is audited as the object it is, under an address of
 * its own (never taken for the current object, nor matched to its `.tf` block); undefined when the
 * key is not a string, as Terraform writes it.
 */
export function deposedAddress(address: string, key: unknown): string | undefined {
  return typeof key === 'string' && key !== '' ? `${address} (deposed ${key})` : undefined;
}

/** Maps a plan's `change.actions` to one change kind. */
export function changeKind(actions: unknown): ChangeKind | undefined {
  if (!Array.isArray(actions)) return undefined;
  const a = actions.filter((x): x is string => typeof x === 'string');
  if (a.includes('delete') && a.includes('create')) return 'replace';
  if (a.length === 1) {
    switch (a[0]) {
      case 'create':
      case 'update':
      case 'delete':
      case 'read':
      case 'no-op':
        return a[0];
      case 'forget':
        // Removed from state, left in AWS: what it grants does not change.
        return 'no-op';
    }
  }
  return undefined;
}

/** The key of TfInput.crossModule: the referring resource's module and the reference's base. */
export function crossModuleKey(module: string, base: string): string {
  return `${module}\u0000${base}`;
}

/** A branch of a conditional not known: a string known here, or a value not known (its text). */
export type ChoiceBranch = { text: string } | { unknown: string };
