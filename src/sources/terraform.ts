// What Terraform inputs (plans, state, *.tf.json) have in common: which resource types hold which
// policy attribute, decoding policy values (JSON strings inside JSON, `${...}` templates, unknown
// values rebuilt from `aws_iam_policy_document` data sources), and linking roles, users and groups
// to their inline and attached policies.
//
// Each parser turns its file into a flat list of TfResource (one per address) and hands it to
// analyzeTerraform, which makes the PolicyRecords and PrincipalRecords and finds every line in one
// pass over the file.

import { createHash } from 'node:crypto';
import type {
  InputKind,
  InputResult,
  PolicyKind,
  PolicyRecord,
  PrincipalRecord,
  SourceError,
  SourceFile,
} from '../core/types.js';
import { formatJsonPath, locateLines, parseJson, type JsonPath } from '../core/json-lines.js';
import {
  isAwsManagedPolicyArn,
  isServiceLinkedPolicyArn,
  managedPoliciesInfo,
  managedPolicyByName,
  resolveManagedPolicy,
} from './managed-policies.js';
import {
  duplicateKeyMessage,
  duplicateKeys,
  MAX_DOCUMENT_DEPTH,
  nestingDepth,
  preview,
  textSize,
  typeName,
  unreadableDocument,
} from '../policy/document.js';
import { loadCatalog } from '../policy/catalog.js';
import { policyKindOf, statementsOf } from '../policy/raw.js';
import { isObject } from './parser.js';

/** Most characters a tf.json `dynamic` block may expand to (items x content). */
export const MAX_DYNAMIC_EXPANSION = 1_000_000;
/** Deepest module nesting read in `terraform show -json` output. */
export const MAX_MODULE_DEPTH = 64;
/** Longest Terraform address kept as written; longer ones are shortened with a hash (still unique). */
export const MAX_ADDRESS_LENGTH = 1024;

/**
 * A name used in ids and messages, bounded: past `max` characters it is cut and ends with its
 * length and a hash of the whole, so it stays unique and the same input gives the same name.
 */
export function boundedName(name: string, max = MAX_ADDRESS_LENGTH): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${name.slice(0, 200)}…(${name.length} characters, sha256 ${hash})`;
}

// ---------------------------------------------------------------------------------------------
// The table

/**
 * Resource type -> attribute -> the kind of policy it holds. `inline_policy[].policy` is the
 * `policy` of each `inline_policy` block. The `aws_iam_policy_document` data source (DATA_SOURCE key)
 * is resolved where a policy attribute references it; on its own (referenced by nothing in the
 * input) it is a record of its own, its kind guessed from its statements.
 * `aws_lambda_permission` is not a policy document and is not read.
 */
export const TERRAFORM_POLICY_ATTRIBUTES = {
  aws_iam_policy: { policy: 'identity' },
  aws_iam_role_policy: { policy: 'identity' },
  aws_iam_user_policy: { policy: 'identity' },
  aws_iam_group_policy: { policy: 'identity' },
  aws_iam_role: { assume_role_policy: 'trust', 'inline_policy[].policy': 'identity' },
  aws_ssoadmin_permission_set_inline_policy: { inline_policy: 'identity' },
  aws_s3_bucket_policy: { policy: 'resource' },
  aws_s3_bucket: { policy: 'resource' },
  aws_s3control_bucket_policy: { policy: 'resource' },
  aws_sns_topic_policy: { policy: 'resource' },
  aws_sns_topic: { policy: 'resource' },
  aws_sqs_queue_policy: { policy: 'resource' },
  aws_sqs_queue: { policy: 'resource' },
  aws_kms_key: { policy: 'resource' },
  aws_ecr_repository_policy: { policy: 'resource' },
  aws_ecr_registry_policy: { policy: 'resource' },
  aws_ecrpublic_repository_policy: { policy: 'resource' },
  aws_secretsmanager_secret_policy: { policy: 'resource' },
  aws_secretsmanager_secret: { policy: 'resource' },
  aws_glacier_vault: { access_policy: 'resource' },
  aws_elasticsearch_domain_policy: { access_policies: 'resource' },
  aws_elasticsearch_domain: { access_policies: 'resource' },
  aws_opensearch_domain_policy: { access_policies: 'resource' },
  aws_opensearch_domain: { access_policies: 'resource' },
  aws_cloudwatch_log_resource_policy: { policy_document: 'resource' },
  aws_cloudwatch_event_bus_policy: { policy: 'resource' },
  aws_efs_file_system_policy: { policy: 'resource' },
  aws_backup_vault_policy: { policy: 'resource' },
  aws_api_gateway_rest_api_policy: { policy: 'resource' },
  aws_dynamodb_resource_policy: { policy: 'resource' },
  aws_glue_resource_policy: { policy: 'resource' },
  aws_vpc_endpoint_policy: { policy: 'resource' },
  aws_vpc_endpoint: { policy: 'resource' },
  aws_codeartifact_domain_permissions_policy: { policy_document: 'resource' },
  aws_codeartifact_repository_permissions_policy: { policy_document: 'resource' },
  'data.aws_iam_policy_document': { json: 'identity' },
} as const satisfies Record<string, Record<string, PolicyKind>>;

export const POLICY_DOCUMENT_DATA_SOURCE = 'aws_iam_policy_document';

/** Attributes that are optional (a resource without them holds no policy), `type.attribute`. */
const OPTIONAL_ATTRIBUTES = new Set([
  'aws_s3_bucket.policy',
  'aws_sns_topic.policy',
  'aws_sqs_queue.policy',
  'aws_kms_key.policy',
  'aws_secretsmanager_secret.policy',
  'aws_vpc_endpoint.policy',
  'aws_elasticsearch_domain.access_policies',
  'aws_opensearch_domain.access_policies',
]);

const PRINCIPAL_TYPES: Record<string, PrincipalRecord['type']> = {
  aws_iam_role: 'role',
  aws_iam_user: 'user',
  aws_iam_group: 'group',
};

/** Inline policy resources: the attribute naming their principal. */
const INLINE_POLICY_TARGETS: Record<string, [string, PrincipalRecord['type']]> = {
  aws_iam_role_policy: ['role', 'role'],
  aws_iam_user_policy: ['user', 'user'],
  aws_iam_group_policy: ['group', 'group'],
};

/** Attachment resources: the attribute with the policy ARN(s), and the attributes naming principals. */
const ATTACHMENTS: Record<string, { arn: string; targets: [string, PrincipalRecord['type']][] }> = {
  aws_iam_role_policy_attachment: { arn: 'policy_arn', targets: [['role', 'role']] },
  aws_iam_user_policy_attachment: { arn: 'policy_arn', targets: [['user', 'user']] },
  aws_iam_group_policy_attachment: { arn: 'policy_arn', targets: [['group', 'group']] },
  aws_iam_policy_attachment: {
    arn: 'policy_arn',
    targets: [
      ['roles', 'role'],
      ['users', 'user'],
      ['groups', 'group'],
    ],
  },
  aws_iam_role_policy_attachments_exclusive: { arn: 'policy_arns', targets: [['role_name', 'role']] },
  aws_iam_user_policy_attachments_exclusive: { arn: 'policy_arns', targets: [['user_name', 'user']] },
  aws_iam_group_policy_attachments_exclusive: { arn: 'policy_arns', targets: [['group_name', 'group']] },
};

/** Attributes that give a human name to a policy-holding resource, in order of preference. */
const NAME_ATTRIBUTES = [
  'name',
  'bucket',
  'policy_name',
  'domain_name',
  'repository',
  'repository_name',
  'arn',
  'queue_url',
  'secret_arn',
  'vault_name',
  'event_bus_name',
  'file_system_id',
  'backup_vault_name',
  'resource_arn',
  'domain',
  'vpc_endpoint_id',
];

export const EMPTY_DOCUMENT_VERSION = '2012-10-17';

function emptyDocument(): { Version: string; Statement: unknown[] } {
  return { Version: EMPTY_DOCUMENT_VERSION, Statement: [] };
}

// ---------------------------------------------------------------------------------------------
// The model handed over by each parser

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
  /** Problems the parser found while building the list (their lines are filled here). */
  errors: PendingError[];
}

export interface PendingError {
  jsonPath?: JsonPath;
  address?: string;
  message: string;
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

// ---------------------------------------------------------------------------------------------
// References and templates

const NOT_RESOURCES = new Set([
  'var',
  'local',
  'each',
  'count',
  'path',
  'terraform',
  'self',
  'module',
  'data',
]);
const REF =
  /(?:^|[^\w.\]-])((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)(\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?/g;

export interface Ref {
  /** `aws_iam_role.x` or `data.aws_iam_policy_document.y`, relative to the referring module. */
  base: string;
  attr?: string;
  text: string;
}

/** A resource reference in a configuration `references` entry (`aws_iam_role.x.name`). */
export function parseReference(text: string): Ref | undefined {
  const m = /^((?:data\.)?([A-Za-z_][\w-]*)\.[A-Za-z_][\w-]*)(\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?/.exec(
    text,
  );
  if (!m) return undefined;
  const isData = m[1]!.startsWith('data.');
  const type = isData ? m[1]!.split('.')[1]! : m[2]!;
  if (!isData && NOT_RESOURCES.has(type)) return undefined;
  if (!type.includes('_')) return undefined;
  return { base: m[1]!, attr: m[4], text };
}

/** Every resource reference inside an HCL expression (`trim(aws_sfn_state_machine.x.arn, ":")`). */
export function referencesIn(expr: string): Ref[] {
  const out: Ref[] = [];
  REF.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = REF.exec(expr)) !== null) {
    const r = parseReference(m[1]! + (m[2] ?? '') + (m[3] ? `.${m[3]}` : ''));
    if (r) out.push(r);
  }
  return out;
}

export interface TemplatePart {
  literal?: string;
  /** The expression inside `${...}` or `%{...}`, trimmed (strip markers `~` removed). */
  expr?: string;
  /** The interpolation as written, `${...}`. */
  raw?: string;
  directive?: boolean;
}

/** Splits an HCL template string into literal text and `${...}` / `%{...}` parts. */
export function scanTemplate(s: string): { parts: TemplatePart[]; error?: string } {
  const parts: TemplatePart[] = [];
  // Literal text is collected as slices (never one character at a time: a huge literal would
  // otherwise become millions of string nodes).
  const lit: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    // The next `$` or `%` that may start an escape or an interpolation.
    let j = i;
    while (j < n) {
      const c = s.charCodeAt(j);
      if ((c === 36 || c === 37) && (s[j + 1] === '{' || s[j + 1] === s[j])) break;
      j++;
    }
    if (j > i) lit.push(s.slice(i, j));
    i = j;
    if (i >= n) break;
    if (s.startsWith('$${', i)) {
      lit.push('${');
      i += 3;
      continue;
    }
    if (s.startsWith('%%{', i)) {
      lit.push('%{');
      i += 3;
      continue;
    }
    if (s.startsWith('${', i) || s.startsWith('%{', i)) {
      const end = templateEnd(s, i + 2);
      if (end < 0) return { parts, error: `unterminated ${s.slice(i, i + 2)} in a template` };
      if (lit.length > 0) parts.push({ literal: lit.join('') });
      lit.length = 0;
      const expr = s
        .slice(i + 2, end)
        .replace(/^~/, '')
        .replace(/~$/, '')
        .trim();
      parts.push({ expr, raw: s.slice(i, end + 1), directive: s[i] === '%' });
      i = end + 1;
      continue;
    }
    // `$$` or `%%` not followed by `{`: literal.
    lit.push(s[i]!);
    i++;
  }
  if (lit.length > 0) parts.push({ literal: lit.join('') });
  return { parts };
}

/** Index of the `}` closing an interpolation whose expression starts at `i`, or -1. Iterative. */
function templateEnd(s: string, i: number): number {
  // A stack of modes: a number is an expression's open-brace depth; -1 is a quoted string.
  const stack: number[] = [0];
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    const top = stack[stack.length - 1]!;
    if (top === -1) {
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '"') stack.pop();
      else if ((c === '$' || c === '%') && s[i + 1] === '{') {
        stack.push(0);
        i += 2;
        continue;
      }
      i++;
      continue;
    }
    if (c === '"') stack.push(-1);
    else if (c === '{') stack[stack.length - 1] = top + 1;
    else if (c === '}') {
      if (top === 0) {
        stack.pop();
        if (stack.length === 0) return i;
      } else stack[stack.length - 1] = top - 1;
    }
    i++;
  }
  return -1;
}

function hasTemplate(s: string): boolean {
  return s.includes('${') || s.includes('%{');
}

const PURE_INTERPOLATION = /^\$\{[^}]*\}$/;
const PURE_REFERENCE = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*$/;

/** Reads a template as a literal with each interpolation replaced by `*` (undefined with directives). */
function templateAsWildcards(s: string): { text: string; interpolations: string[] } | { error: string } {
  const t = scanTemplate(s);
  if (t.error) return { error: t.error };
  let text = '';
  const interpolations: string[] = [];
  for (const p of t.parts) {
    if (p.literal !== undefined) text += p.literal;
    else if (p.directive) return { error: `template directive ${p.raw} (not evaluated)` };
    else {
      text += '*';
      interpolations.push(p.raw!);
    }
  }
  return { text, interpolations };
}

function refsInValue(value: unknown, out: Ref[]): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!hasTemplate(v)) continue;
      for (const p of scanTemplate(v).parts) if (p.expr) pushAll(out, referencesIn(p.expr));
    } else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) if (!k.startsWith('//')) stack.push(x);
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function get(obj: unknown, segs: JsonPath): unknown {
  let v = obj;
  for (const s of segs) {
    if (typeof s === 'number') v = Array.isArray(v) ? v[s] : undefined;
    else v = isObject(v) ? v[s] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** True when the marker tree (after_sensitive, sensitive_values) marks anything in it (iterative). */
function sensitiveWithin(tree: unknown): boolean {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === true) return true;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (isObject(v)) for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

/** What a redacted value reads as. */
export const REDACTED = '(sensitive)';
const PRINCIPAL_TYPES_KEPT = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

/**
 * A policy document with every value Terraform marks sensitive taken out, audited in its place so
 * that nothing of the value reaches a finding, a message or a suggested diff: Sids and Ids are
 * dropped; actions are kept only when they name actions of the catalog (the rest read `(sensitive)`,
 * an unknown action); resources and conditions are read on the broad side (an Allow's Resource
 * becomes `*` and its Condition is dropped, so it grants at least as much; a Deny's Resource is left
 * out and its Condition becomes an unknown one, so it denies no more); principals keep their type and
 * `*`. Unknown fields stay visible as `(sensitive)` fields so an invalid document still reads as invalid.
 */
export function redactDocument(doc: unknown): unknown {
  if (!isObject(doc)) return typeof doc === 'string' ? REDACTED : Array.isArray(doc) ? [] : doc;
  const catalog = loadCatalog();
  const known = (a: unknown): unknown =>
    typeof a === 'string' ? (a === '*' || catalog.expand(a).length > 0 ? a : REDACTED) : null;
  const list = (v: unknown, f: (x: unknown) => unknown): unknown =>
    typeof v === 'string' ? f(v) : Array.isArray(v) ? v.map(f) : null;
  const principal = (v: unknown): unknown => {
    if (v === '*') return v;
    if (!isObject(v)) return typeof v === 'string' ? REDACTED : null;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      out[PRINCIPAL_TYPES_KEPT.has(k) ? k : REDACTED] = list(x, (y) => (y === '*' ? y : REDACTED));
    return out;
  };
  const statement = (st: unknown): unknown => {
    if (!isObject(st)) return typeof st === 'string' ? REDACTED : Array.isArray(st) ? [] : st;
    const deny = st.Effect === 'Deny';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(st)) {
      switch (k) {
        case 'Sid':
          break;
        case 'Effect':
          out.Effect = v === 'Allow' || v === 'Deny' ? v : REDACTED;
          break;
        case 'Action':
        case 'NotAction':
          out[k] = list(v, known);
          break;
        case 'Resource':
        case 'NotResource': {
          // `*` where that grants more or denies less; left out otherwise.
          const broaden = deny === (k === 'NotResource');
          out[k] = broaden
            ? list(v, (x) => (typeof x === 'string' ? '*' : null))
            : Array.isArray(v) || typeof v === 'string'
              ? []
              : null;
          break;
        }
        case 'Principal':
        case 'NotPrincipal':
          out[k] = principal(v);
          break;
        case 'Condition':
          if (deny) out.Condition = { StringEquals: { [REDACTED]: REDACTED } };
          break;
        default:
          out[REDACTED] = REDACTED;
      }
    }
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'Version') out.Version = v === '2012-10-17' || v === '2008-10-17' ? v : REDACTED;
    else if (k === 'Statement') out.Statement = Array.isArray(v) ? v.map(statement) : statement(v);
    else if (k !== 'Id') out[REDACTED] = REDACTED;
  }
  return out;
}

/** True when the marker tree (after_unknown, after_sensitive) is `true` at the path or above it. */
function markedAt(tree: unknown, segs: JsonPath): boolean {
  let v = tree;
  if (v === true) return true;
  for (const s of segs) {
    if (typeof s === 'number') v = Array.isArray(v) ? v[s] : undefined;
    else v = isObject(v) ? v[s] : undefined;
    if (v === true) return true;
    if (v === undefined || v === null || v === false) return false;
  }
  return false;
}

/** A key equal for equal JSON values whatever their key order (undefined when too deep to build). */
function canonicalKey(v: unknown): string | undefined {
  if (nestingDepth(v, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH) return undefined;
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (isObject(x)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = sort(x[k]);
      return o;
    }
    return x;
  };
  try {
    return JSON.stringify(sort(v));
  } catch {
    return undefined;
  }
}

/** `target.push(...items)` without spreading (a spread of a huge list overflows the stack). */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const x of items) target.push(x);
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function list(xs: string[], max = 5): string {
  const u = uniq(xs);
  return u.length <= max ? u.join(', ') : `${u.slice(0, max).join(', ')} and ${u.length - max} more`;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** A readable name out of an ARN or URL (`arn:aws:sns:...:topic` -> `topic`). */
function nameOf(v: string): string {
  if (v.startsWith('arn:')) {
    const last = v.split(':').slice(5).join(':');
    const slash = last.lastIndexOf('/');
    return slash >= 0 ? last.slice(slash + 1) : last;
  }
  if (/^https?:\/\//.test(v)) return v.replace(/\/+$/, '').split('/').pop() ?? v;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Policy documents from aws_iam_policy_document statements

/** One field as read: values (unknown parts read as `*`), whether something was unknown, and the interpolations seen. */
interface FieldRead {
  values: string[];
  wild: boolean;
  interpolations: string[];
}

/** Reads a statement-like block, whatever the input format. */
interface BlockReader {
  path: JsonPath;
  list(name: string): FieldRead | undefined;
  scalar(name: string): FieldRead | undefined;
  /** Nested blocks, or why they cannot be known. */
  blocks(name: string): BlockReader[] | { unknown: string };
}

/** Plans and state: values with an `after_unknown`-style marker tree. */
function planReader(obj: Record<string, unknown>, unk: unknown, path: JsonPath): BlockReader {
  return {
    path,
    list(name) {
      const v = obj[name];
      const u = isObject(unk) ? unk[name] : undefined;
      if (u === true) return { values: ['*'], wild: true, interpolations: [] };
      if (v === null || v === undefined) return undefined;
      const out: FieldRead = { values: [], wild: false, interpolations: [] };
      const items = Array.isArray(v) ? v : [v];
      items.forEach((x, i) => {
        const ui = Array.isArray(u) ? u[i] : undefined;
        if (ui === true) {
          out.values.push('*');
          out.wild = true;
        } else if (typeof x === 'string') out.values.push(x);
        else if (typeof x === 'number' || typeof x === 'boolean') out.values.push(String(x));
      });
      return out;
    },
    scalar(name) {
      const v = obj[name];
      const u = isObject(unk) ? unk[name] : undefined;
      if (u === true) return { values: [], wild: true, interpolations: [] };
      if (typeof v === 'string') return { values: [v], wild: false, interpolations: [] };
      return undefined;
    },
    blocks(name) {
      const u = isObject(unk) ? unk[name] : undefined;
      if (u === true) return { unknown: `its ${name} blocks are unknown` };
      const v = obj[name];
      if (!Array.isArray(v)) return isObject(v) ? [planReader(v, u, [...path, name])] : [];
      const out: BlockReader[] = [];
      v.forEach((b, i) => {
        if (isObject(b)) out.push(planReader(b, Array.isArray(u) ? u[i] : undefined, [...path, name, i]));
      });
      return out;
    },
  };
}

/** *.tf.json: block bodies whose strings are templates; nested blocks as an object or an array; `dynamic` blocks. */
function templateReader(obj: Record<string, unknown>, path: JsonPath): BlockReader {
  const readString = (s: string, out: FieldRead, whole: boolean) => {
    if (!hasTemplate(s)) {
      out.values.push(s);
      return;
    }
    const w = templateAsWildcards(s);
    if ('error' in w) {
      out.values.push('*');
      out.wild = true;
      out.interpolations.push(s);
      return;
    }
    pushAll(out.interpolations, w.interpolations);
    out.wild = true;
    // A list attribute set to one interpolation (`"${var.actions}"`) is a whole unknown list.
    out.values.push(whole && PURE_INTERPOLATION.test(s.trim()) ? '*' : w.text);
  };
  return {
    path,
    list(name) {
      const v = obj[name];
      if (v === null || v === undefined) return undefined;
      const out: FieldRead = { values: [], wild: false, interpolations: [] };
      if (typeof v === 'string') readString(v, out, true);
      else if (Array.isArray(v)) {
        for (const x of v) {
          if (typeof x === 'string') readString(x, out, false);
          else if (typeof x === 'number' || typeof x === 'boolean') out.values.push(String(x));
        }
      } else if (typeof v === 'number' || typeof v === 'boolean') out.values.push(String(v));
      return out;
    },
    scalar(name) {
      const v = obj[name];
      if (typeof v !== 'string') return undefined;
      const out: FieldRead = { values: [], wild: false, interpolations: [] };
      if (!hasTemplate(v)) out.values.push(v);
      else {
        out.wild = true;
        out.interpolations.push(v);
      }
      return out;
    },
    blocks(name) {
      const out: BlockReader[] = [];
      const v = obj[name];
      if (isObject(v)) out.push(templateReader(v, [...path, name]));
      else if (Array.isArray(v))
        v.forEach((b, i) => {
          if (isObject(b)) out.push(templateReader(b, [...path, name, i]));
        });
      // dynamic "name" { for_each = ..., iterator = ..., content { ... } }
      const dyn = obj.dynamic;
      const dyns: [Record<string, unknown>, JsonPath][] = [];
      if (isObject(dyn)) dyns.push([dyn, [...path, 'dynamic']]);
      else if (Array.isArray(dyn))
        dyn.forEach((d, i) => {
          if (isObject(d)) dyns.push([d, [...path, 'dynamic', i]]);
        });
      for (const [d, dp] of dyns) {
        const spec = d[name];
        const specs: [Record<string, unknown>, JsonPath][] = [];
        if (isObject(spec)) specs.push([spec, [...dp, name]]);
        else if (Array.isArray(spec))
          spec.forEach((s, i) => {
            if (isObject(s)) specs.push([s, [...dp, name, i]]);
          });
        for (const [s, sp] of specs) {
          const r = expandDynamic(name, s, sp);
          if ('unknown' in r) return r;
          pushAll(out, r);
        }
      }
      return out;
    },
  };
}

/** Expands a tf.json `dynamic` block whose `for_each` is a literal list or map. */
function expandDynamic(
  name: string,
  spec: Record<string, unknown>,
  path: JsonPath,
): BlockReader[] | { unknown: string } {
  const iterator = typeof spec.iterator === 'string' ? spec.iterator : name;
  const content = isObject(spec.content)
    ? spec.content
    : Array.isArray(spec.content) && isObject(spec.content[0])
      ? spec.content[0]
      : undefined;
  const contentPath = isObject(spec.content) ? [...path, 'content'] : [...path, 'content', 0];
  if (!content) return { unknown: `its dynamic "${clip(name)}" block has no content` };
  const fe = spec.for_each;
  let items: [string | number, unknown][];
  if (Array.isArray(fe)) items = fe.map((v, i) => [i, v]);
  else if (isObject(fe)) items = Object.entries(fe);
  else {
    const shown = typeof fe === 'string' ? clip(fe) : preview(fe);
    return {
      unknown: `its dynamic "${clip(name)}" block iterates over ${shown}, which is not known in this file`,
    };
  }
  // Bounded before it is copied: a small file must not expand to a huge or deep document.
  if (
    nestingDepth(content, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH ||
    nestingDepth(fe, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH
  )
    return {
      unknown: `its dynamic "${clip(name)}" block nests values more than ${MAX_DOCUMENT_DEPTH} levels deep`,
    };
  if (items.length > 0 && textSize(content, MAX_DYNAMIC_EXPANSION) * items.length > MAX_DYNAMIC_EXPANSION)
    return {
      unknown: `its dynamic "${clip(name)}" block expands to more than ${MAX_DYNAMIC_EXPANSION} characters of statements (${items.length} items), more than a policy AWS accepts`,
    };
  return items.map(([key, value]) =>
    templateReader(substituteIterator(content, iterator, key, value) as Record<string, unknown>, contentPath),
  );
}

/** Replaces `${it.value}`, `${it.value.f}`, `${it.value["f"]}` and `${it.key}` in a content tree. */
function substituteIterator(tree: unknown, it: string, key: string | number, value: unknown): unknown {
  const FIELD = /^(?:\.([\w-]+)|\["([^"]+)"\])$/;
  const lookup = (expr: string): { ok: true; v: unknown } | { ok: false } => {
    if (expr === `${it}.key`) return { ok: true, v: key };
    if (expr === `${it}.value`) return { ok: true, v: value };
    // `it.value.f` or `it.value["f"]` (no regular expression is built from the iterator's name).
    const prefix = `${it}.value`;
    const m = expr.startsWith(prefix) ? FIELD.exec(expr.slice(prefix.length)) : null;
    if (m && isObject(value)) {
      const f = m[1] ?? m[2]!;
      if (Object.hasOwn(value, f)) return { ok: true, v: value[f] };
    }
    return { ok: false };
  };
  const subString = (v: string): unknown => {
    const t = scanTemplate(v);
    if (t.error) return v;
    if (t.parts.length === 1 && t.parts[0]!.expr !== undefined && !t.parts[0]!.directive) {
      const r = lookup(t.parts[0]!.expr);
      if (r.ok) return r.v;
    }
    const out: string[] = [];
    for (const p of t.parts) {
      // Literal `${` and `%{` stay escaped, so they are not read as interpolations afterwards.
      if (p.literal !== undefined) out.push(p.literal.replace(/([$%])\{/g, (_m, c: string) => `${c}${c}{`));
      else {
        const r = p.directive ? { ok: false as const } : lookup(p.expr!);
        out.push(r.ok && (typeof r.v === 'string' || typeof r.v === 'number') ? String(r.v) : p.raw!);
      }
    }
    return out.join('');
  };
  // Iterative copy (the content is bounded by MAX_DOCUMENT_DEPTH before this is called).
  const leaf = (v: unknown): unknown => (typeof v === 'string' && hasTemplate(v) ? subString(v) : v);
  if (typeof tree !== 'object' || tree === null) return leaf(tree);
  const root: unknown = Array.isArray(tree) ? [] : {};
  const stack: [unknown, Record<string, unknown> | unknown[]][] = [[tree, root as Record<string, unknown>]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    const entries: [string | number, unknown][] = Array.isArray(from)
      ? from.map((x, i) => [i, x])
      : Object.entries(from as Record<string, unknown>);
    for (const [k, x] of entries) {
      let copy: unknown;
      if (Array.isArray(x)) {
        copy = [];
        stack.push([x, copy as unknown[]]);
      } else if (isObject(x)) {
        copy = {};
        stack.push([x, copy as Record<string, unknown>]);
      } else copy = leaf(x);
      (to as Record<string | number, unknown>)[k] = copy;
    }
  }
  return root;
}

interface BuiltStatements {
  statements: Record<string, unknown>[];
  paths: JsonPath[];
  wild: boolean;
  interpolations: string[];
}

function one(values: string[]): string | string[] {
  const u = uniq(values);
  return u.length === 1 ? u[0]! : u;
}

/** Builds IAM statements from `statement` blocks the way aws_iam_policy_document does. */
function buildStatements(readers: BlockReader[]): BuiltStatements | { unknown: string } {
  const out: BuiltStatements = { statements: [], paths: [], wild: false, interpolations: [] };
  const note = (f: FieldRead | undefined) => {
    if (!f) return;
    if (f.wild) out.wild = true;
    pushAll(out.interpolations, f.interpolations);
  };
  for (const r of readers) {
    const st: Record<string, unknown> = {};
    const sid = r.scalar('sid');
    note(sid);
    if (sid && sid.values[0]) st.Sid = sid.values[0];
    const effect = r.scalar('effect');
    note(effect);
    st.Effect = effect?.values[0] || 'Allow';
    for (const [attr, key] of [
      ['actions', 'Action'],
      ['not_actions', 'NotAction'],
      ['resources', 'Resource'],
      ['not_resources', 'NotResource'],
    ] as const) {
      const f = r.list(attr);
      note(f);
      if (f && f.values.length > 0) st[key] = one(f.values);
    }
    for (const [attr, key] of [
      ['principals', 'Principal'],
      ['not_principals', 'NotPrincipal'],
    ] as const) {
      const blocks = r.blocks(attr);
      if ('unknown' in blocks) {
        out.wild = true;
        st[key] = '*';
        continue;
      }
      if (blocks.length === 0) continue;
      // Maps, then own properties: a type or key named `__proto__` must never reach an object's
      // prototype (an assignment through it would change every object in the process).
      const map = new Map<string, string[]>();
      let star = false;
      for (const b of blocks) {
        const type = b.scalar('type');
        const ids = b.list('identifiers');
        note(type);
        note(ids);
        const t = type?.values[0] ?? '*';
        if (t === '*') {
          star = true;
          continue;
        }
        let list = map.get(t);
        if (!list) map.set(t, (list = []));
        pushAll(list, ids?.values ?? ['*']);
      }
      if (star && map.size === 0) st[key] = '*';
      else {
        if (star) map.set('AWS', ['*']);
        st[key] = Object.fromEntries([...map].map(([t, ids]) => [t, one(ids)]));
      }
    }
    const conds = r.blocks('condition');
    if ('unknown' in conds)
      out.wild = true; // unknown conditions are left out: the statement reads broader
    else if (conds.length > 0) {
      const c = new Map<string, Map<string, string[]>>();
      for (const b of conds) {
        const test = b.scalar('test');
        const variable = b.scalar('variable');
        const values = b.list('values');
        note(test);
        note(variable);
        note(values);
        if (!test?.values[0] || !variable?.values[0]) {
          out.wild = true;
          continue;
        }
        let vars = c.get(test.values[0]);
        if (!vars) c.set(test.values[0], (vars = new Map()));
        let list = vars.get(variable.values[0]);
        if (!list) vars.set(variable.values[0], (list = []));
        pushAll(list, values?.values ?? []);
      }
      if (c.size > 0)
        st.Condition = Object.fromEntries(
          [...c].map(([t, vars]) => [t, Object.fromEntries([...vars].map(([k, vs]) => [k, one(vs)]))]),
        );
    }
    out.statements.push(st);
    out.paths.push(r.path);
  }
  return out;
}

/** source_policy_documents, then statements overriding same-Sid ones, then override_policy_documents. */
function mergeDocuments(
  sources: unknown[],
  own: BuiltStatements,
  overrides: unknown[],
): { statements: unknown[]; paths: (JsonPath | undefined)[] } {
  const statements: unknown[] = [];
  const paths: (JsonPath | undefined)[] = [];
  const put = (s: unknown, p: JsonPath | undefined) => {
    const sid = isObject(s) && typeof s.Sid === 'string' && s.Sid ? s.Sid : undefined;
    const at = sid === undefined ? -1 : statements.findIndex((x) => isObject(x) && x.Sid === sid);
    if (at >= 0) {
      statements[at] = s;
      paths[at] = p;
    } else {
      statements.push(s);
      paths.push(p);
    }
  };
  for (const d of sources) for (const s of statementsOf(d)) put(s, undefined);
  own.statements.forEach((s, i) => put(s, own.paths[i]));
  for (const d of overrides) for (const s of statementsOf(d)) put(s, undefined);
  return { statements, paths };
}

// ---------------------------------------------------------------------------------------------
// The analysis

/** What decoding a policy value gave. */
interface DocResult {
  document?: unknown;
  reason?: string;
  approximate?: string[];
  statementPaths?: (JsonPath | undefined)[];
  /** The value is malformed (a SourceError too). */
  malformed?: boolean;
  /** Problems in a document that is still read (each a SourceError at the value). */
  problems?: string[];
}

interface Attr {
  value: unknown;
  state: 'known' | 'unknown' | 'absent';
  path: JsonPath | undefined;
  refs: Ref[];
  sensitive: boolean;
  /** Plans with a configuration: whether the configuration sets this attribute. */
  configured?: boolean;
}

interface PrincipalEntry {
  record: PrincipalRecord;
  res?: TfResource;
  pathForLine?: JsonPath;
}

class Analyzer {
  readonly path: string;
  readonly policies: PolicyRecord[] = [];
  readonly errors: SourceError[] = [];
  private readonly linePaths: JsonPath[] = [];
  private readonly lineSetters: ((line: number | undefined) => void)[] = [];
  /** Run after the lines are known. */
  private readonly post: (() => void)[] = [];
  /** Managed resources by `type\u0000name attribute`, for matching by name. */
  private readonly byTypeName = new Map<string, TfResource[]>();
  private readonly byBase = new Map<string, TfResource[]>();
  /** Record ids per resource address (and per attribute), to link principals. */
  private readonly recordsOf = new Map<string, PolicyRecord[]>();
  /** data.aws_iam_policy_document addresses some policy used. */
  private readonly consumed = new Set<string>();
  private readonly managed = new Map<string, PolicyRecord>();
  private readonly principals = new Map<string, PrincipalEntry>();
  /** Policy record ids given so far (unique in an input). */
  private readonly ids = new Set<string>();

  constructor(private readonly input: TfInput) {
    this.path = input.file.path;
    for (const r of input.resources) {
      const base = baseOf(r);
      const l = this.byBase.get(base);
      if (l) l.push(r);
      else this.byBase.set(base, [r]);
      const n = r.values?.name ?? r.before?.name;
      if (r.mode === 'managed' && typeof n === 'string') {
        const k = `${r.type}\u0000${n}`;
        const m = this.byTypeName.get(k);
        if (m) m.push(r);
        else this.byTypeName.set(k, [r]);
      }
    }
  }

  /** `id`, or `id#2`, `id#3`... when it is taken (with an error at `at` saying why). */
  private uniqueId(id: string, at: JsonPath | undefined, address: string, message: string): string {
    let out = id;
    if (this.ids.has(out)) {
      let n = 2;
      while (this.ids.has(`${id}#${n}`)) n++;
      out = `${id}#${n}`;
      this.error({ jsonPath: at, address, message });
    }
    this.ids.add(out);
    return out;
  }

  private named(type: string, name: string): TfResource[] {
    return this.byTypeName.get(`${type}\u0000${name}`) ?? [];
  }

  /** Lines of statements, filled after the batch (statements without a place of their own get the policy's line). */
  private statementLinesFor(rec: PolicyRecord, paths: (JsonPath | undefined)[] | undefined): void {
    if (!paths || !paths.some((p) => p !== undefined)) return;
    const lines: number[] = paths.map(() => 0);
    paths.forEach((p, i) => {
      if (p) this.atLine(p, (l) => (lines[i] = l ?? 0));
    });
    this.post.push(() => {
      rec.statementLines = lines.map((l) => (l ? l : (rec.line ?? 0)));
    });
  }

  private atLine(p: JsonPath | undefined, set: (line: number | undefined) => void): void {
    if (!p) return;
    this.linePaths.push(p);
    this.lineSetters.push(set);
  }

  error(e: PendingError): void {
    const err: SourceError = { path: this.path, message: e.message };
    if (e.address) err.address = e.address;
    if (e.jsonPath) {
      err.jsonPath = formatJsonPath(e.jsonPath);
      this.atLine(e.jsonPath, (l) => {
        if (l !== undefined) err.line = l;
      });
    }
    this.errors.push(err);
  }

  // ---- reading attributes

  private attr(
    res: TfResource,
    segs: JsonPath,
    side: 'after' | 'before' = 'after',
    exprSegs?: JsonPath,
  ): Attr {
    const obj = side === 'after' ? res.values : res.before;
    const base = side === 'after' ? res.valuesPath : res.beforePath;
    const value = obj ? get(obj, segs) : undefined;
    const sensitive = markedAt(side === 'after' ? res.sensitive : res.beforeSensitive, segs);
    const refs: Ref[] = [];
    let configured: boolean | undefined;
    if (this.input.templates) refsInValue(value, refs);
    else if (side === 'after' && res.expressions) {
      const expr = get(res.expressions, exprSegs ?? segs);
      configured = expr !== undefined;
      if (isObject(expr) && Array.isArray(expr.references)) {
        for (const t of expr.references)
          if (typeof t === 'string') {
            const r = parseReference(t);
            if (r) refs.push(r);
          }
      }
    } else if (side === 'after' && this.input.hasConfiguration) configured = false;
    const present = value !== undefined && value !== null;
    const unknown = side === 'after' && !present && markedAt(res.unknown, segs);
    return {
      value,
      state: present ? 'known' : unknown ? 'unknown' : 'absent',
      path: base && (present ? [...base, ...segs] : base),
      refs,
      sensitive,
      configured,
    };
  }

  /** The resources a reference names, seen from `from` (same module; same index when there is one). */
  private resolve(ref: Ref, from: TfResource): TfResource[] {
    const full = from.module ? `${from.module}.${ref.base}` : ref.base;
    const found = this.byBase.get(full) ?? [];
    if (from.index !== undefined && found.length > 1) {
      const same = found.filter((r) => r.index === from.index);
      if (same.length > 0) return same;
    }
    return found;
  }

  // ---- policy values

  /** Decodes a policy attribute's value (known JSON, a template, or an unknown value via its references). */
  private decode(res: TfResource, a: Attr, label: string): DocResult | 'absent' {
    if (a.state === 'absent') return 'absent';
    if (a.state === 'unknown') return this.fromReferences(res, a, label);
    const v = a.value;
    if (isObject(v)) return { document: v };
    if (typeof v !== 'string')
      return {
        reason: `${label} is not a JSON document, got ${typeName(v)}; expected the policy as a JSON string (jsonencode(...) or a data source's json): fix the configuration`,
        malformed: true,
      };
    if (v.trim() === '') return 'absent';
    if (this.input.templates && hasTemplate(v)) return this.decodeTemplate(res, a, v, label);
    const parsed = parseJson(v);
    if (!parsed.ok) {
      // A sensitive value's error message could quote it: only the place is told.
      const why = a.sensitive ? '' : `: ${parsed.message}`;
      return {
        reason: `${label}${a.sensitive ? ' (sensitive)' : ''} is not valid JSON${why} (line ${parsed.line} column ${parsed.column} of the policy text)`,
        malformed: true,
      };
    }
    if (!isObject(parsed.value))
      return {
        reason: `${label} is not a JSON object, got ${typeName(parsed.value)}; expected {"Version": "2012-10-17", "Statement": [...]}: fix the policy`,
        malformed: true,
      };
    const out: DocResult = { document: parsed.value };
    const dups = duplicateKeys(v, 5);
    if (dups.length > 0)
      out.problems = dups.map((d) =>
        a.sensitive
          ? `${label} (sensitive): ${duplicateKeyMessage(undefined)}`
          : `${label}, at ${formatJsonPath(d.path)} of the policy text: ${duplicateKeyMessage(d.key)}`,
      );
    return out;
  }

  /** tf.json: a policy string with `${...}` in it. */
  private decodeTemplate(res: TfResource, a: Attr, v: string, label: string): DocResult {
    const t = scanTemplate(v);
    if (t.error) return { reason: `${label} is not a valid template: ${t.error}`, malformed: true };
    const exprs = t.parts.filter((p) => p.expr !== undefined);
    const onlyOne = exprs.length === 1 && t.parts.every((p) => p.expr !== undefined || !p.literal!.trim());
    if (onlyOne && !exprs[0]!.directive) {
      const e = exprs[0]!.expr!;
      if (PURE_REFERENCE.test(e)) {
        const r = parseReference(e);
        if (r && r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`))
          return this.fromReferences(res, { ...a, refs: [r] }, label);
        return { reason: `${label} is the value of ${clip(e)}, which this file does not define` };
      }
      const fn = /^([A-Za-z_][\w:]*)\s*\(/.exec(e);
      if (fn)
        return {
          reason: `${label} is computed by ${clip(fn[1]!)}(...), which is not evaluated (${clip(exprs[0]!.raw!)})`,
        };
      return {
        reason: `${label} is computed by an expression that is not evaluated (${clip(exprs[0]!.raw!)})`,
      };
    }
    const w = templateAsWildcards(v);
    if ('error' in w) return { reason: `${label} uses a ${w.error}` };
    const parsed = parseJson(w.text);
    if (!parsed.ok || !isObject(parsed.value)) {
      return {
        reason: `${label} is a template that is not a JSON object once its interpolations read as wildcards (${list(
          w.interpolations.map((x) => clip(x)),
          3,
        )})`,
      };
    }
    // Only escapes (`$${aws:username}`): the text is exact.
    if (w.interpolations.length === 0) return { document: parsed.value };
    return {
      document: parsed.value,
      approximate: [
        `interpolations read as wildcards: ${list(
          w.interpolations.map((x) => clip(x)),
          8,
        )}`,
      ],
    };
  }

  /** An unknown (plan) or referencing (tf.json) value: rebuilt from the aws_iam_policy_document it references. */
  private fromReferences(res: TfResource, a: Attr, label: string, visiting = new Set<string>()): DocResult {
    const docRefs = a.refs.filter((r) => r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`));
    const plan = !this.input.templates;
    const prefix = plan ? `${label} is computed at apply time and` : label;
    if (docRefs.length === 0) {
      if (!plan) {
        // The interpolation that makes it unknown, when there is one (`${var.policy}`).
        const raw = asList(a.value).find((x): x is string => typeof x === 'string' && hasTemplate(x));
        const first = raw ? scanTemplate(raw).parts.find((p) => p.raw !== undefined)?.raw : undefined;
        return {
          reason: first
            ? `${label} depends on ${clip(first)}, which is not known in this file`
            : `${label} has no value in this file`,
        };
      }
      const others = uniq(a.refs.map((r) => r.text));
      if (others.length > 0) return { reason: `${label} is computed at apply time from ${list(others)}` };
      if (a.configured === undefined && !this.input.hasConfiguration)
        return { reason: `${label} is computed at apply time (the plan has no configuration to trace it)` };
      return { reason: `${label} is computed at apply time` };
    }
    const targets = uniq(docRefs.map((r) => r.base));
    const docs: DocResult[] = [];
    for (const base of targets) {
      const found = this.resolve({ base, text: base }, res);
      const shown = res.module ? `${res.module}.${base}` : base;
      if (found.length === 0) {
        return { reason: `${prefix} references ${shown}, which is not in this ${plan ? 'plan' : 'file'}` };
      }
      for (const d of found) {
        this.consumed.add(d.address);
        const r = this.dataDocument(d, visiting);
        if (r.document === undefined)
          return { reason: `${prefix} references ${d.address}, which ${r.reason}` };
        docs.push(r);
      }
    }
    const approximate: string[] = [];
    let document: unknown;
    let statementPaths: (JsonPath | undefined)[] | undefined;
    if (docs.length === 1) {
      document = docs[0]!.document;
      statementPaths = docs[0]!.statementPaths;
    } else {
      const merged: unknown[] = [];
      statementPaths = [];
      for (const d of docs) {
        const sts = statementsOf(d.document);
        pushAll(merged, sts);
        sts.forEach((_, i) => statementPaths!.push(d.statementPaths?.[i]));
      }
      document = { Version: EMPTY_DOCUMENT_VERSION, Statement: merged };
      approximate.push(
        `the expression references several policy documents (${list(targets)}); all their statements are read`,
      );
    }
    for (const d of docs) pushAll(approximate, d.approximate ?? []);
    const out: DocResult = { document, statementPaths };
    if (approximate.length > 0) out.approximate = uniq(approximate);
    return out;
  }

  /** The document of a data.aws_iam_policy_document: its `json` when known, else rebuilt from its statements. */
  /** dataDocumentAsWritten, with every value Terraform marks sensitive in the data source redacted. */
  private dataDocument(d: TfResource, visiting: Set<string>): DocResult {
    const r = this.dataDocumentAsWritten(d, visiting);
    if (r.document !== undefined && sensitiveWithin(d.sensitive)) r.document = redactDocument(r.document);
    return r;
  }

  private dataDocumentAsWritten(d: TfResource, visiting: Set<string>): DocResult {
    if (visiting.has(d.address)) return { reason: 'refers back to itself' };
    visiting.add(d.address);
    try {
      const v = d.values;
      if (!v) return { reason: d.change === 'delete' ? 'is being removed' : 'has no values' };
      if (!this.input.templates) {
        for (const k of ['json', 'minified_json']) {
          const j = v[k];
          if (typeof j === 'string' && j.trim()) {
            const p = parseJson(j);
            if (p.ok && isObject(p.value))
              return { document: p.value, approximate: [`taken from ${d.address}`] };
          }
        }
      }
      const unk = d.unknown;
      if (markedAt(unk, ['statement'])) return { reason: 'has unknown statements' };
      const reader = this.input.templates
        ? templateReader(v, d.valuesPath ?? [])
        : planReader(v, unk, d.valuesPath ?? []);
      const blocks = reader.blocks('statement');
      if ('unknown' in blocks) return { reason: `has unknown statements (${blocks.unknown})` };
      const built = buildStatements(blocks);
      if ('unknown' in built) return { reason: `has unknown statements (${built.unknown})` };
      // source_policy_documents / override_policy_documents (and the older source_json / override_json)
      const more: Record<'source' | 'override', unknown[]> = { source: [], override: [] };
      const templated: string[] = [];
      for (const [k, which] of [
        ['source_policy_documents', 'source'],
        ['source_json', 'source'],
        ['override_policy_documents', 'override'],
        ['override_json', 'override'],
      ] as const) {
        const a = this.attr(d, [k]);
        if (a.state === 'absent') continue;
        if (a.state === 'unknown' && a.refs.length === 0) return { reason: `has an unknown ${k}` };
        const items = a.state === 'unknown' ? [undefined] : asList(a.value);
        let viaReferences = false;
        for (const item of items) {
          if (item === undefined || (typeof item === 'string' && this.input.templates && hasTemplate(item))) {
            // A JSON document with interpolations in it (templatefile(), a heredoc): read with them as wildcards.
            const w = item === undefined ? undefined : templateAsWildcards(item);
            const p = w && !('error' in w) ? parseJson(w.text) : undefined;
            if (w && !('error' in w) && p?.ok && isObject(p.value)) {
              more[which].push(p.value);
              pushAll(templated, w.interpolations);
              continue;
            }
            viaReferences = true;
            continue;
          }
          if (typeof item !== 'string') continue;
          const p = parseJson(item);
          if (!p.ok || !isObject(p.value)) return { reason: `has a ${k} entry that is not a JSON object` };
          more[which].push(p.value);
        }
        // Unknown (plan) or interpolated (tf.json) entries: the policy documents they reference.
        if (viaReferences) {
          const sub = this.fromReferences(d, a, k, visiting);
          if (sub.document === undefined) return { reason: `has a ${k} that cannot be read (${sub.reason})` };
          more[which].push(sub.document);
        }
      }
      const merged = mergeDocuments(more.source, built, more.override);
      const doc: Record<string, unknown> = {};
      const version = reader.scalar('version');
      doc.Version = version?.values[0] || EMPTY_DOCUMENT_VERSION;
      const id = reader.scalar('policy_id');
      if (id?.values[0]) doc.Id = id.values[0];
      doc.Statement = merged.statements;
      const approximate: string[] = [];
      if (this.input.templates) {
        const interps = uniq([
          ...built.interpolations,
          ...templated,
          ...(version?.interpolations ?? []),
          ...(id?.interpolations ?? []),
        ]);
        if (interps.length > 0)
          approximate.push(
            `rebuilt from ${d.address}; interpolations read as wildcards: ${list(
              interps.map((x) => clip(x)),
              8,
            )}`,
          );
      } else {
        approximate.push(`rebuilt from ${d.address}; unknown values read as wildcards`);
      }
      const out: DocResult = { document: doc, statementPaths: merged.paths };
      if (approximate.length > 0) out.approximate = approximate;
      return out;
    } finally {
      visiting.delete(d.address);
    }
  }

  // ---- records

  private addRecord(
    res: TfResource,
    opts: {
      idSuffix?: string;
      attrLabel: string;
      kind: PolicyKind;
      name?: string;
      after: Attr;
      before?: Attr;
      optional: boolean;
    },
  ): PolicyRecord | undefined {
    const label = opts.attrLabel;
    const deleted = res.change === 'delete' || !res.values;
    let result: DocResult | 'absent' = deleted ? 'absent' : this.decode(res, opts.after, label);
    // Plans: the document before the change.
    let before: unknown | null | undefined;
    let hadBefore = false;
    if (res.before === null) before = null;
    else if (res.before && opts.before) {
      const b = this.decode(res, opts.before, label);
      if (b === 'absent') before = null;
      else if (b.document !== undefined) {
        before = b.document;
        hadBefore = true;
      }
    }
    if (result === 'absent') {
      // Deleted, or the change removes the policy: it grants nothing after the change.
      if (hadBefore) result = { document: emptyDocument() };
      else if (opts.optional) return undefined;
      else if (deleted) result = { document: emptyDocument() };
      else result = { reason: `${label} has no value in this ${this.input.templates ? 'file' : 'input'}` };
    } else if (opts.optional && opts.after.state === 'unknown' && opts.after.configured === false) {
      // Computed by the provider, not set in the configuration: nothing to audit.
      return undefined;
    }
    const valuePath = deleted ? (opts.before?.path ?? res.entryPath) : (opts.after.path ?? res.entryPath);
    // Ids are unique in an input: a repeated one (two inline policies of the same name) gets a
    // suffix and an error, so that both are audited and neither hides the other.
    const id = this.uniqueId(
      `${this.path}#${res.address}${opts.idSuffix ?? ''}`,
      valuePath,
      res.address,
      `${label} appears more than once in ${res.address}; expected each name once (AWS keeps only one): rename or remove the others (each is audited here)`,
    );
    const rec: PolicyRecord = {
      id,
      path: this.path,
      address: res.address,
      kind: opts.kind,
      status: result.document !== undefined ? 'resolved' : 'unresolved',
    };
    const name = opts.name ?? this.nameFor(res);
    if (name !== undefined) rec.name = name;
    // A value Terraform marks sensitive is audited on a redacted copy: nothing of it is ever shown.
    if (result.document !== undefined)
      rec.document = opts.after.sensitive ? redactDocument(result.document) : result.document;
    else rec.reason = result.reason ?? `${label} could not be read`;
    if (before !== undefined)
      rec.before = before !== null && opts.before?.sensitive ? redactDocument(before) : before;
    if (res.change) rec.change = res.change;
    if (result.approximate && result.approximate.length > 0) rec.approximate = result.approximate;
    rec.jsonPath = formatJsonPath(valuePath);
    this.atLine(valuePath, (l) => {
      if (l !== undefined) rec.line = l;
    });
    this.statementLinesFor(rec, result.statementPaths);
    if (result.malformed) {
      this.error({ jsonPath: valuePath, address: res.address, message: rec.reason! });
    }
    for (const message of result.problems ?? [])
      this.error({ jsonPath: valuePath, address: res.address, message });
    this.policies.push(rec);
    const l = this.recordsOf.get(res.address);
    if (l) l.push(rec);
    else this.recordsOf.set(res.address, [rec]);
    return rec;
  }

  /** The resource's name attribute, or that of the resource it references (a bucket policy's bucket). */
  private nameFor(res: TfResource, depth = 0): string | undefined {
    if (!res.values && !res.before) return undefined;
    const side = res.values ? 'after' : 'before';
    for (const k of NAME_ATTRIBUTES) {
      const a = this.attr(res, [k], side);
      if (a.sensitive) continue;
      const v = typeof a.value === 'string' && a.value ? a.value : undefined;
      if (v !== undefined && !(this.input.templates && hasTemplate(v))) return nameOf(v);
      if (v === undefined && a.state !== 'unknown') continue;
      if (depth === 0) {
        for (const r of a.refs) {
          if (r.base.startsWith('data.')) continue;
          for (const t of this.resolve(r, res)) {
            const n = this.nameFor(t, 1);
            if (n) return n;
          }
        }
      }
      // A template name (`coiled-${var.env}`) as written: detection globs still match it.
      if (v !== undefined && !PURE_INTERPOLATION.test(v)) return v;
    }
    return undefined;
  }

  policiesOf(res: TfResource): void {
    if (res.mode !== 'managed') return;
    const table = (TERRAFORM_POLICY_ATTRIBUTES as Record<string, Record<string, PolicyKind>>)[res.type];
    if (!table) return;
    for (const [attr, kind] of Object.entries(table)) {
      if (attr === 'inline_policy[].policy') {
        this.inlineBlocks(res);
        continue;
      }
      const several = Object.keys(table).length > 1;
      this.addRecord(res, {
        idSuffix: several ? `#${attr}` : undefined,
        attrLabel: attr,
        kind,
        after: this.attr(res, [attr]),
        before: res.before ? this.attr(res, [attr], 'before') : undefined,
        optional: OPTIONAL_ATTRIBUTES.has(`${res.type}.${attr}`),
      });
    }
  }

  /** aws_iam_role inline_policy blocks, matched before/after by name. */
  private inlineBlocks(res: TfResource): void {
    // [name, index, name as shown]: a name Terraform marks sensitive is matched, never shown.
    const blocks = (
      obj: Record<string, unknown> | null | undefined,
      sensitive: unknown,
    ): [string, number, string][] => {
      if (!obj) return [];
      const v = obj.inline_policy;
      const arr = Array.isArray(v) ? v : isObject(v) ? [v] : [];
      const out: [string, number, string][] = [];
      arr.forEach((b, i) => {
        if (!isObject(b)) return;
        const name = typeof b.name === 'string' ? boundedName(b.name, 256) : '';
        const pol = b.policy;
        // The provider reports "no inline policies" as one empty block.
        if (!name && (pol === '' || pol === null || pol === undefined)) return;
        const hidden =
          name !== '' &&
          markedAt(sensitive, Array.isArray(v) ? ['inline_policy', i, 'name'] : ['inline_policy', 'name']);
        out.push([name, i, hidden ? `${REDACTED} ${i}` : name]);
      });
      return out;
    };
    const isArr = (obj: Record<string, unknown> | null | undefined) => Array.isArray(obj?.inline_policy);
    const after = res.values ? blocks(res.values, res.sensitive) : [];
    const before = res.before ? blocks(res.before, res.beforeSensitive) : [];
    const exprBlocks =
      res.expressions && Array.isArray(res.expressions.inline_policy) ? res.expressions.inline_policy : [];
    const exprIndex = (name: string, i: number): JsonPath => {
      const j = exprBlocks.findIndex(
        (b) => isObject(b) && isObject(b.name) && b.name.constant_value === name,
      );
      return ['inline_policy', j >= 0 ? j : i, 'policy'];
    };
    const seen = new Set<string>();
    const segs = (obj: Record<string, unknown> | null | undefined, i: number): JsonPath =>
      isArr(obj) ? ['inline_policy', i, 'policy'] : ['inline_policy', 'policy'];
    for (const [name, i, shown] of after) {
      seen.add(name);
      const bi = before.find(([n]) => n === name);
      this.addRecord(res, {
        idSuffix: `#inline_policy[${shown}]`,
        attrLabel: `inline_policy "${shown}"`,
        kind: 'identity',
        name: shown || undefined,
        after: this.attr(res, segs(res.values, i), 'after', exprIndex(name, i)),
        before: bi
          ? this.attr(res, segs(res.before, bi[1]), 'before')
          : res.before
            ? absentAttr()
            : undefined,
        optional: false,
      });
    }
    // Inline policies the change removes: they grant nothing after it.
    for (const [name, i, shown] of before) {
      if (seen.has(name)) continue;
      this.addRecord(res, {
        idSuffix: `#inline_policy[${shown}]`,
        attrLabel: `inline_policy "${shown}"`,
        kind: 'identity',
        name: shown || undefined,
        after: absentAttr(),
        before: this.attr(res, segs(res.before, i), 'before'),
        optional: true,
      });
    }
    // Configured inline policies whose blocks are all unknown in the plan.
    if (
      res.values &&
      after.length === 0 &&
      markedAt(res.unknown, ['inline_policy']) &&
      exprBlocks.length > 0
    ) {
      exprBlocks.forEach((b, j) => {
        if (!isObject(b)) return;
        const name =
          isObject(b.name) && typeof b.name.constant_value === 'string'
            ? boundedName(b.name.constant_value, 256)
            : String(j);
        const refs: Ref[] = [];
        const p = isObject(b.policy) && Array.isArray(b.policy.references) ? b.policy.references : [];
        for (const t of p)
          if (typeof t === 'string') {
            const r = parseReference(t);
            if (r) refs.push(r);
          }
        this.addRecord(res, {
          idSuffix: `#inline_policy[${name}]`,
          attrLabel: `inline_policy "${name}"`,
          kind: 'identity',
          name,
          after: {
            value: undefined,
            state: 'unknown',
            path: res.valuesPath,
            refs,
            sensitive: false,
            configured: true,
          },
          optional: false,
        });
      });
    }
  }

  /** Data sources no policy used: a record each (kind guessed), unless the same document is already a record. */
  orphanDocuments(): void {
    let knownDocs: Set<string> | undefined;
    const known = (): Set<string> => {
      if (!knownDocs) {
        knownDocs = new Set();
        for (const p of this.policies) {
          const k = p.document !== undefined ? canonicalKey(p.document) : undefined;
          if (k !== undefined) knownDocs.add(k);
        }
      }
      return knownDocs;
    };
    for (const d of this.input.resources) {
      if (d.mode !== 'data' || d.type !== POLICY_DOCUMENT_DATA_SOURCE || this.consumed.has(d.address))
        continue;
      if (d.change === 'delete') continue;
      const r = this.dataDocument(d, new Set());
      if (r.document !== undefined) {
        const key = canonicalKey(r.document);
        if (key !== undefined && known().has(key)) continue;
      }
      const label = 'json';
      const valuePath =
        d.values && isObject(d.values) && d.values.json !== undefined && d.valuesPath
          ? [...d.valuesPath, 'json']
          : d.entryPath;
      const rec: PolicyRecord = {
        id: this.uniqueId(
          `${this.path}#${d.address}`,
          valuePath,
          d.address,
          `${d.address} is also the id of another policy in this input; expected unique addresses: regenerate the file`,
        ),
        path: this.path,
        address: d.address,
        kind: r.document !== undefined ? policyKindOf(r.document) : 'identity',
        status: r.document !== undefined ? 'resolved' : 'unresolved',
        jsonPath: formatJsonPath(valuePath),
      };
      if (r.document !== undefined) rec.document = r.document;
      else rec.reason = `${d.address} (${label}) ${r.reason}`;
      const approx = (r.approximate ?? []).filter((a) => !a.startsWith('taken from'));
      if (approx.length > 0) rec.approximate = approx;
      if (d.change) rec.change = d.change;
      this.atLine(valuePath, (l) => {
        if (l !== undefined) rec.line = l;
      });
      this.statementLinesFor(rec, r.statementPaths);
      this.policies.push(rec);
    }
  }

  // ---- principals

  private principalFor(res: TfResource): PrincipalEntry {
    const existing = this.principals.get(res.address);
    if (existing) return existing;
    const type = PRINCIPAL_TYPES[res.type]!;
    const record: PrincipalRecord = { id: res.address, type, path: this.path, policyIds: [], unresolved: [] };
    const n = this.attr(res, ['name'], res.values ? 'after' : 'before');
    if (typeof n.value === 'string' && n.value && !n.sensitive) record.name = n.value;
    const entry: PrincipalEntry = { record, res };
    this.principals.set(res.address, entry);
    this.atLine(res.entryPath, (l) => {
      if (l !== undefined) record.line = l;
    });
    return entry;
  }

  /** A principal this input only names (`role = "existing-role"`): `role/existing-role`. */
  private externalPrincipal(
    type: PrincipalRecord['type'],
    name: string,
    at: JsonPath | undefined,
  ): PrincipalEntry {
    name = boundedName(name);
    const id = `${type}/${name}`;
    const existing = this.principals.get(id);
    if (existing) return existing;
    const record: PrincipalRecord = { id, type, name, path: this.path, policyIds: [], unresolved: [] };
    const entry: PrincipalEntry = { record };
    this.principals.set(id, entry);
    this.atLine(at, (l) => {
      if (l !== undefined) record.line = l;
    });
    return entry;
  }

  /** The principals an attribute (`role`, `users`...) names: by reference, else by name. */
  private targets(res: TfResource, attr: string, type: PrincipalRecord['type']): PrincipalEntry[] {
    const a = this.attr(res, [attr], res.values ? 'after' : 'before');
    const tfType = `aws_iam_${type}`;
    const out: PrincipalEntry[] = [];
    for (const r of a.refs) {
      if (!r.base.startsWith(`${tfType}.`)) continue;
      for (const t of this.resolve(r, res)) if (t.mode === 'managed') out.push(this.principalFor(t));
    }
    if (out.length > 0) return uniq(out);
    for (const v of asList(a.value)) {
      if (typeof v !== 'string' || !v || (this.input.templates && hasTemplate(v))) continue;
      const name = v.startsWith('arn:') ? nameOf(v) : v;
      const hit = this.named(tfType, name);
      if (hit.length > 0) for (const h of hit) out.push(this.principalFor(h));
      else if (!a.sensitive) out.push(this.externalPrincipal(type, name, a.path));
    }
    return uniq(out);
  }

  private managedRecord(
    arn: string,
    at: JsonPath | undefined,
    from: TfResource,
  ): { record: PolicyRecord } | { error: string } {
    const key = arn.trim();
    const existing = this.managed.get(key);
    const m = resolveManagedPolicy(key);
    if (!m) {
      if (isServiceLinkedPolicyArn(key))
        return {
          error: 'an aws-service-role/ policy (for service-linked roles only) is not in the bundled snapshot',
        };
      return {
        error: `not in the bundled snapshot of AWS managed policies (${managedPoliciesInfo.source}@${managedPoliciesInfo.version}, ${managedPoliciesInfo.date ?? 'undated'})`,
      };
    }
    const existedBefore = from.change !== undefined && from.change !== 'create';
    if (existing) {
      if (existedBefore && existing.before === null) {
        existing.before = existing.document;
        existing.change = 'no-op';
      }
      return { record: existing };
    }
    const rec: PolicyRecord = {
      id: this.uniqueId(
        `${this.path}#${key}`,
        at,
        key,
        `${key} is also the address of a resource in this input; expected Terraform addresses, not ARNs: regenerate the file`,
      ),
      path: this.path,
      address: key,
      kind: 'identity',
      name: m.name,
      document: m.document,
      status: 'resolved',
    };
    if (from.change !== undefined) {
      rec.change = from.change === 'create' ? 'create' : 'no-op';
      rec.before = existedBefore ? m.document : null;
    }
    if (at) {
      rec.jsonPath = formatJsonPath(at);
      this.atLine(at, (l) => {
        if (l !== undefined) rec.line = l;
      });
    }
    this.managed.set(key, rec);
    this.policies.push(rec);
    return { record: rec };
  }

  /** The records a policy ARN attribute names, and what could not be resolved. */
  private policiesForArns(
    res: TfResource,
    attrName: string,
    optional = false,
  ): { ids: string[]; unresolved: { ref: string; reason: string }[] } {
    const a = this.attr(res, [attrName], res.values ? 'after' : 'before');
    // An optional, computed attribute (a role's managed_policy_arns) the configuration does not set.
    if (optional && a.state === 'unknown' && a.configured !== true && a.refs.length === 0)
      return { ids: [], unresolved: [] };
    const ids: string[] = [];
    const unresolved: { ref: string; reason: string }[] = [];
    const byRef = new Set<string>();
    for (const r of a.refs) {
      const targets = this.resolve(r, res);
      if (r.base.startsWith('aws_iam_policy.')) {
        byRef.add(r.text);
        if (targets.length === 0) unresolved.push({ ref: r.text, reason: `${r.base} is not in this input` });
        for (const t of targets) {
          const recs = this.recordsOf.get(t.address) ?? [];
          if (recs.length === 0)
            unresolved.push({ ref: r.text, reason: `${t.address} has no policy record` });
          pushAll(
            ids,
            recs.map((x) => x.id),
          );
        }
      } else if (r.base.startsWith('data.aws_iam_policy.')) {
        byRef.add(r.text);
        if (targets.length === 0) unresolved.push({ ref: r.text, reason: `${r.base} is not in this input` });
        for (const t of targets) {
          const arn = t.values?.arn;
          const name = t.values?.name;
          if (typeof arn === 'string' && arn && !(this.input.templates && hasTemplate(arn))) {
            const got = this.arnToIds(arn, a.path, res);
            pushAll(ids, got.ids);
            pushAll(
              unresolved,
              got.unresolved.map((u) => ({ ...u, ref: `${r.text} (${u.ref})` })),
            );
          } else if (typeof name === 'string' && name && !hasTemplate(name)) {
            const mp = managedPolicyByName(name);
            const got = mp
              ? this.arnToIds(mp.arn, a.path, res)
              : this.arnToIds(`arn:aws:iam::*:policy/${name}`, a.path, res);
            pushAll(ids, got.ids);
            pushAll(
              unresolved,
              got.unresolved.map((u) => ({ ...u, ref: r.text })),
            );
          } else {
            unresolved.push({
              ref: r.text,
              reason: `${t.address} looks up a policy whose ARN is not known here`,
            });
          }
        }
      }
    }
    if (byRef.size === 0) {
      if (a.state === 'known') {
        for (const v of asList(a.value)) {
          if (typeof v !== 'string' || !v) continue;
          const got = this.arnToIds(v, a.path, res, a.sensitive);
          pushAll(ids, got.ids);
          pushAll(unresolved, got.unresolved);
        }
      } else if (a.state === 'unknown') {
        const shown = a.refs.map((r) => r.text);
        unresolved.push({
          ref: shown.length > 0 ? list(shown) : `${res.address}.${attrName}`,
          reason: 'the policy ARN is unknown at plan time',
        });
      }
    }
    return { ids: uniq(ids), unresolved };
  }

  private arnToIds(
    arnIn: string,
    at: JsonPath | undefined,
    from: TfResource,
    sensitive = false,
  ): { ids: string[]; unresolved: { ref: string; reason: string }[] } {
    const shown = sensitive ? '(sensitive value)' : arnIn;
    let arn = arnIn;
    if (this.input.templates && PURE_INTERPOLATION.test(arn.trim())) {
      return {
        ids: [],
        unresolved: [{ ref: shown, reason: 'the policy ARN is an expression this file does not define' }],
      };
    }
    if (this.input.templates && hasTemplate(arn)) {
      const w = templateAsWildcards(arn);
      if ('error' in w) return { ids: [], unresolved: [{ ref: shown, reason: w.error }] };
      arn = w.text;
    }
    if (isAwsManagedPolicyArn(arn)) {
      const r = this.managedRecord(arn, at, from);
      if ('error' in r) return { ids: [], unresolved: [{ ref: shown, reason: r.error }] };
      return { ids: [r.record.id], unresolved: [] };
    }
    const m = /^arn:aws[a-z-]*:iam::[^:]*:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!m) return { ids: [], unresolved: [{ ref: shown, reason: 'not a policy ARN' }] };
    const name = m[1]!;
    const hits = name.includes('*') ? [] : this.named('aws_iam_policy', name);
    const ids = hits.flatMap((h) => (this.recordsOf.get(h.address) ?? []).map((r) => r.id));
    if (ids.length > 0) return { ids, unresolved: [] };
    return {
      ids: [],
      unresolved: [
        {
          ref: shown,
          reason: `customer managed policy ${sensitive ? '' : `${name} `}is not defined in this input`,
        },
      ],
    };
  }

  linkPrincipals(): void {
    const resources = this.input.resources.filter((r) => r.mode === 'managed');
    for (const r of resources) if (PRINCIPAL_TYPES[r.type]) this.principalFor(r);
    // Inline policies (the role's own inline_policy blocks, and *_policy resources).
    for (const r of resources) {
      if (r.type === 'aws_iam_role') {
        const p = this.principalFor(r);
        for (const rec of this.recordsOf.get(r.address) ?? [])
          if (rec.kind === 'identity') p.record.policyIds.push(rec.id);
        if (r.change !== 'delete') {
          const got = this.policiesForArns(r, 'managed_policy_arns', true);
          pushAll(p.record.policyIds, got.ids);
          pushAll(p.record.unresolved, got.unresolved);
        }
      }
      const inline = INLINE_POLICY_TARGETS[r.type];
      if (inline) {
        const recs = this.recordsOf.get(r.address) ?? [];
        for (const p of this.targets(r, inline[0], inline[1]))
          pushAll(
            p.record.policyIds,
            recs.map((x) => x.id),
          );
      }
      const att = ATTACHMENTS[r.type];
      if (att && r.change !== 'delete') {
        const got = this.policiesForArns(r, att.arn);
        for (const [attr, type] of att.targets) {
          for (const p of this.targets(r, attr, type)) {
            pushAll(p.record.policyIds, got.ids);
            pushAll(p.record.unresolved, got.unresolved);
          }
        }
      }
    }
    // Group memberships: users get their groups' policies.
    const memberships: [PrincipalEntry, PrincipalEntry][] = [];
    for (const r of resources) {
      if (r.change === 'delete') continue;
      if (r.type === 'aws_iam_group_membership') {
        const groups = this.targets(r, 'group', 'group');
        for (const u of this.targets(r, 'users', 'user')) for (const g of groups) memberships.push([u, g]);
      } else if (r.type === 'aws_iam_user_group_membership') {
        const groups = this.targets(r, 'groups', 'group');
        for (const u of this.targets(r, 'user', 'user')) for (const g of groups) memberships.push([u, g]);
      }
    }
    for (const [u, g] of memberships) {
      pushAll(u.record.policyIds, g.record.policyIds);
      u.record.unresolved.push(
        ...g.record.unresolved.map((x) => ({ ref: `${g.record.id}: ${x.ref}`, reason: x.reason })),
      );
    }
    for (const e of this.principals.values()) {
      e.record.policyIds = uniq(e.record.policyIds);
      const seen = new Set<string>();
      e.record.unresolved = e.record.unresolved.filter((x) => {
        const k = `${x.ref}\u0000${x.reason}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
  }

  finish(): InputResult {
    const lines = locateLines(this.input.file.text, this.linePaths);
    this.lineSetters.forEach((set, i) => set(lines[i]));
    for (const f of this.post) f();
    const result: InputResult = {
      path: this.path,
      kind: this.input.kind,
      status: 'audited',
      policies: this.policies,
      errors: this.errors,
      principals: [...this.principals.values()].map((e) => e.record),
    };
    if (this.policies.length === 0) result.reason = 'no IAM policies in this file';
    return result;
  }
}

function absentAttr(): Attr {
  return { value: undefined, state: 'absent', path: undefined, refs: [], sensitive: false };
}

function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function baseOf(r: TfResource): string {
  const local = `${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
  return r.module ? `${r.module}.${local}` : local;
}

/** Makes the records of one Terraform input. Never throws on bad values: they become errors and reasons. */
export function analyzeTerraform(input: TfInput): InputResult {
  // Ids and messages are built from addresses: a hostile one is shortened (uniquely) first.
  for (const r of input.resources)
    if (r.address.length > MAX_ADDRESS_LENGTH) r.address = boundedName(r.address);
  const a = new Analyzer(input);
  for (const e of input.errors) a.error(e);
  // aws_iam_policy records first: attachments and principals refer to them.
  const order = [...input.resources].sort((x, y) => rank(x) - rank(y));
  for (const r of order) a.policiesOf(r);
  a.orphanDocuments();
  a.linkPrincipals();
  return boundDocuments(a.finish());
}

/**
 * Documents nested deeper than any policy can be are not handed on (nothing downstream should walk
 * a hostile depth): such a record is unresolved with the reason and an error at its place. A `before`
 * that deep is read as "did not exist", so everything the policy grants counts as new.
 */
export function boundDocuments(result: InputResult): InputResult {
  for (const rec of result.policies) {
    if (rec.before !== undefined && rec.before !== null && unreadableDocument(rec.before)) rec.before = null;
    if (rec.status !== 'resolved') continue;
    const why = unreadableDocument(rec.document);
    if (!why) continue;
    rec.status = 'unresolved';
    delete rec.document;
    delete rec.statementLines;
    rec.reason = why;
    const e: SourceError = { path: rec.path, message: why };
    if (rec.line !== undefined) e.line = rec.line;
    if (rec.jsonPath) e.jsonPath = rec.jsonPath;
    if (rec.address) e.address = rec.address;
    result.errors.push(e);
  }
  return result;
}

function rank(r: TfResource): number {
  return r.type === 'aws_iam_policy' ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// Walking `terraform show -json` module trees (planned_values, prior_state, state values)

/** Calls `visit` for each resource of a module tree (`root_module` and its `child_modules`), iteratively. */
export function walkModules(
  root: unknown,
  rootPath: JsonPath,
  visit: (res: Record<string, unknown>, path: JsonPath, moduleAddress: string) => void,
  onError: (e: PendingError) => void,
): void {
  const stack: [unknown, JsonPath, string, number][] = [[root, rootPath, '', 0]];
  while (stack.length > 0) {
    const [mod, path, parent, depth] = stack.pop()!;
    if (!isObject(mod)) {
      onError({
        jsonPath: path,
        message: `module is not an object, got ${typeName(mod)}; expected {"resources": [...], "child_modules": [...]} as \`terraform show -json\` writes it: regenerate the file`,
      });
      continue;
    }
    // Real module trees are a few levels deep; a hostile one must not cost depth² in paths.
    if (depth > MAX_MODULE_DEPTH) {
      onError({
        jsonPath: path,
        message: `modules are nested more than ${MAX_MODULE_DEPTH} levels deep; expected the module tree \`terraform show -json\` writes: regenerate the file (the modules below are not read)`,
      });
      continue;
    }
    const address = typeof mod.address === 'string' ? mod.address : parent;
    if (mod.resources !== undefined) {
      if (!Array.isArray(mod.resources))
        onError({
          jsonPath: [...path, 'resources'],
          message: `resources is not an array, got ${typeName(mod.resources)}; expected a list of resources as \`terraform show -json\` writes it: regenerate the file`,
        });
      else
        mod.resources.forEach((r, i) => {
          if (isObject(r)) visit(r, [...path, 'resources', i], address);
          else onError({ jsonPath: [...path, 'resources', i], message: 'resource is not an object' });
        });
    }
    if (mod.child_modules !== undefined) {
      if (!Array.isArray(mod.child_modules))
        onError({ jsonPath: [...path, 'child_modules'], message: 'child_modules is not an array' });
      else
        for (let i = mod.child_modules.length - 1; i >= 0; i--)
          stack.push([mod.child_modules[i], [...path, 'child_modules', i], address, depth + 1]);
    }
  }
}

/** The module part of a full address: `module.a["x"].module.b.aws_iam_role.r[0]` -> `module.a["x"].module.b`. */
export function moduleOfAddress(address: string): string {
  const segs = splitAddress(address);
  const mods: string[] = [];
  for (let i = 0; i + 1 < segs.length && segs[i] === 'module'; i += 2) mods.push(`module.${segs[i + 1]}`);
  return mods.join('.');
}

/** Splits an address at dots outside brackets and quotes (`module.a["x.y"].b` -> module, a["x.y"], b). */
function splitAddress(address: string): string[] {
  // Segments are slices of the address (never built one character at a time).
  const out: string[] = [];
  let start = 0;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) quoted = false;
      continue;
    }
    if (c === 34) quoted = true;
    else if (c === 91 /* [ */) depth++;
    else if (c === 93 /* ] */) depth--;
    else if (c === 46 /* . */ && depth === 0) {
      out.push(address.slice(start, i));
      start = i + 1;
    }
  }
  out.push(address.slice(start));
  return out;
}

/** Module instance path without instance keys (`module.a["x"].module.b` -> `module.a.module.b`), for configuration. */
export function moduleConfigPath(module: string): string {
  return module.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/** Indexes a plan's `configuration` blocks by `module.a.module.b` + local address, following module_calls. */
export function indexConfiguration(configuration: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!isObject(configuration)) return out;
  const stack: [unknown, string, number][] = [[configuration.root_module, '', 0]];
  while (stack.length > 0) {
    const [mod, prefix, depth] = stack.pop()!;
    if (!isObject(mod) || depth > MAX_MODULE_DEPTH) continue;
    if (Array.isArray(mod.resources)) {
      for (const r of mod.resources) {
        if (!isObject(r) || typeof r.address !== 'string') continue;
        out.set(prefix ? `${prefix}.${r.address}` : r.address, r);
      }
    }
    if (isObject(mod.module_calls)) {
      for (const [name, call] of Object.entries(mod.module_calls)) {
        if (isObject(call))
          stack.push([call.module, prefix ? `${prefix}.module.${name}` : `module.${name}`, depth + 1]);
      }
    }
  }
  return out;
}

/** The configuration block of a resource instance. */
export function configFor(
  config: Map<string, Record<string, unknown>>,
  module: string,
  mode: string,
  type: string,
  name: string,
): Record<string, unknown> | undefined {
  const local = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  const mp = moduleConfigPath(module);
  return config.get(mp ? `${mp}.${local}` : local);
}
