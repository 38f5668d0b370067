// Reading a raw policy document, whatever the source: the one list of wrappers the AWS CLI and SDKs
// print around a document, the one rule that tells an identity, a resource and a trust policy
// apart, and the one statement walker. Every source (policy JSON, Terraform plan/state/tf.json,
// HCL, CloudFormation, authorization details) reads documents through these.
import type { JsonPath } from '../core/json-lines.js';
import { isObject, parseJson } from '../core/json-lines.js';
import { duplicateKeys, typeName } from './document.js';
import type { PolicyKind } from '../core/types.js';

/**
 * Keys that wrap a policy document in what the AWS CLI and SDKs print:
 * `aws iam get-policy-version` (`{"PolicyVersion": {"Document": …}}`), `aws s3api get-bucket-policy`,
 * `aws sqs`/`aws lambda get-policy` (`{"Policy": "<JSON text>"}`), `get-role-policy`
 * (`{"PolicyDocument": …}`), SDK outputs in camelCase.
 */
export const POLICY_WRAPPERS: readonly string[] = [
  'PolicyVersion',
  'Policy',
  'Document',
  'document',
  'PolicyDocument',
  'policyDocument',
];

/** How deep wrappers are followed (`PolicyVersion` > `Document` is the deepest the CLI prints). */
const MAX_WRAPPERS = 4;

/**
 * The object that holds `Statement`, following {@link POLICY_WRAPPERS} (not decoding strings: a
 * document held as a (URL-encoded) JSON string is returned as `{ Statement: [] }` when it names
 * statements, so that an app config's `"document": "readme.md"` is not taken for a policy).
 */
export function findPolicyDocument(json: unknown): Record<string, unknown> | undefined {
  let v = json;
  for (let i = 0; i < MAX_WRAPPERS; i++) {
    if (!isObject(v)) return undefined;
    if ('Statement' in v) return v;
    const obj: Record<string, unknown> = v;
    const key = POLICY_WRAPPERS.find((k) => k in obj);
    if (!key) return undefined;
    v = obj[key];
    if (typeof v === 'string') return /Statement|%22Statement/.test(v) ? { Statement: [] } : undefined;
  }
  return undefined;
}

/** A policy document as the IAM API gives it: URL-encoded JSON, plain JSON text, or an object. */
export function decodePolicyDocument(
  v: unknown,
):
  | { ok: true; document: Record<string, unknown>; duplicates?: { path: JsonPath; key: string }[] }
  | { ok: false; message: string } {
  if (isObject(v)) return { ok: true, document: v };
  if (typeof v !== 'string')
    return {
      ok: false,
      message: `the policy document is neither a string nor an object, got ${typeName(v)}; expected a policy document (an object, or URL-encoded JSON as the IAM API returns it): export the details again`,
    };
  let text = v.trim();
  if (!text.startsWith('{')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return {
        ok: false,
        message:
          'the policy document is not URL-encoded JSON (it has a malformed %-escape); expected a policy document as the IAM API returns it: export it again',
      };
    }
  }
  const p = parseJson(text);
  if (!p.ok)
    return {
      ok: false,
      message: `the policy document is not valid JSON: ${p.message} (line ${p.line} column ${p.column} of the document); expected a JSON policy document: export it again`,
    };
  if (!isObject(p.value)) return { ok: false, message: 'the policy document is not a JSON object' };
  // The same key twice: JSON.parse keeps the last, AWS may not.
  const duplicates = duplicateKeys(text, 5);
  return duplicates.length > 0
    ? { ok: true, document: p.value, duplicates }
    : { ok: true, document: p.value };
}

/**
 * The document a (possibly wrapped) JSON value holds, decoded when it is held as (URL-encoded) JSON
 * text (`aws s3api get-bucket-policy` prints `{"Policy": "<JSON text>"}`); undefined when there is none
 * or the text does not decode.
 */
export function heldDocument(json: unknown): Record<string, unknown> | undefined {
  let v = json;
  for (let i = 0; i < MAX_WRAPPERS; i++) {
    if (typeof v === 'string') {
      const d = decodePolicyDocument(v);
      return d.ok ? d.document : undefined;
    }
    if (!isObject(v)) return undefined;
    if ('Statement' in v) return v;
    const obj: Record<string, unknown> = v;
    const key = POLICY_WRAPPERS.find((k) => k in obj);
    if (!key) return undefined;
    v = obj[key];
  }
  return undefined;
}

/**
 * The document a value holds when it is an IAM policy (some statement has an Effect): a data
 * protection policy's statements (CloudWatch Logs, SNS) have none and are not one.
 */
export function iamDocument(v: unknown): Record<string, unknown> | undefined {
  if (!isObject(v) && typeof v !== 'string') return undefined;
  const d = decodePolicyDocument(v);
  if (!d.ok || !('Statement' in d.document)) return undefined;
  return statementsOf(d.document).some((s) => isObject(s) && 'Effect' in s) ? d.document : undefined;
}

/** The statements of a document as a list: a single statement object counts as one, none as none. */
export function statementsOf(doc: unknown): unknown[] {
  if (!isObject(doc)) return [];
  const s = doc.Statement;
  if (Array.isArray(s)) return s;
  return s === undefined ? [] : [s];
}

/** The JSON path of each statement of `doc` below `base` (`[...base, 'Statement', i]`, or `[...base, 'Statement']` for one object). */
export function statementPaths(doc: unknown, base: JsonPath = []): JsonPath[] {
  if (!isObject(doc)) return [];
  const s = doc.Statement;
  // concat sizes each path to its entries (a spread one keeps room to grow).
  if (Array.isArray(s)) return s.map((_, i) => base.concat(['Statement', i]));
  return s === undefined ? [] : [base.concat(['Statement'])];
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/**
 * The STS actions a role trust policy (the role's assume-role document) may allow: the three ways to
 * assume a role and the three that add to the session (tags, source identity, the trusted identity
 * propagation context). `sts:*` and patterns such as `sts:Assume*` name only STS actions, which on a
 * role are these: also trust.
 */
const TRUST_ACTION =
  /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;
const STS_PATTERN = /^sts:[A-Za-z*?]*[*?][A-Za-z*?]*$/;

/** Whether an action name or pattern is one a role's trust policy allows (a role-session STS action). */
export function isTrustAction(a: unknown): boolean {
  return typeof a === 'string' && (TRUST_ACTION.test(a) || STS_PATTERN.test(a));
}

/**
 * The kind of a policy document read on its own (no resource attaching it):
 * - `identity` when no statement names a principal;
 * - `trust` when every statement names a principal and allows or denies only role-session STS
 *   actions ({@link TRUST_ACTION}, `sts:*`) and no statement has `Resource` or `NotResource`: IAM
 *   rejects a role trust policy with a `Resource` ("Has prohibited field Resource"), the role being
 *   the resource;
 * - `resource` otherwise (principals with other actions, or with a `Resource`).
 */
export function policyKindOf(doc: unknown): PolicyKind {
  const sts = statementsOf(doc);
  const withPrincipal = sts.filter(
    (s) => isObject(s) && (s.Principal !== undefined || s.NotPrincipal !== undefined),
  );
  if (withPrincipal.length === 0) return 'identity';
  const trust =
    withPrincipal.length === sts.length &&
    sts.every((s) => {
      if (!isObject(s) || s.Resource !== undefined || s.NotResource !== undefined) return false;
      const acts = asList(s.Action);
      return acts.length > 0 && acts.every(isTrustAction);
    });
  return trust ? 'trust' : 'resource';
}
