// Making the policy records of each resource (policy attributes, inline blocks, orphan data sources).
import type { PolicyKind, PolicyRecord } from '../../core/types.js';
import { formatJsonPath, parseJson, type JsonPath } from '../../core/json-lines.js';
import { decodePolicyDocument, iamDocument, policyKindOf } from '../../policy/raw.js';
import { isObject } from '../parser.js';
import { boundedName } from '../records.js';
import { emptyDocument, type TfResource } from './model.js';
import {
  TERRAFORM_POLICY_ATTRIBUTES,
  POLICY_DOCUMENT_DATA_SOURCE,
  DOCUMENT_ATTRIBUTES,
  OPTIONAL_ATTRIBUTES,
  NAME_ATTRIBUTES,
  GRANT_SERVICES,
  SERVICES_FROM,
  NOT_IAM_TYPES,
  POLICY_ATTRIBUTE_NAME,
  SET_BY,
  type SetBy,
} from './resource-types.js';
import { type Ref, parseReference } from './references.js';
import { hasTemplate, PURE_INTERPOLATION } from './evaluator.js';
import { REDACTED, redactDocument, markedAt, canonicalKey, nameOf, asList } from './values.js';

/** The note of a policy sensitive only before the change (not compared with it). */
const SENSITIVE_BEFORE_NOTE =
  'the policy was sensitive in this plan before the change: not compared with that version, so every finding counts as new';

/** The note of a policy Terraform marks sensitive (see redactDocument). */
const SENSITIVE_NOTE =
  'the policy is sensitive in this plan: audited on a redacted copy (its Allow resources read as *, their conditions left out)';

import { type DocResult, type Attr, absentAttr } from './analyzer-base.js';
import { DocumentAnalyzer } from './documents.js';

export class RecordAnalyzer extends DocumentAnalyzer {
  // ---- records

  protected addRecord(
    res: TfResource,
    opts: {
      idSuffix?: string;
      attrLabel: string;
      kind: PolicyKind;
      name?: string;
      after: Attr;
      before?: Attr;
      optional: boolean;
      /** A resource policy of a known type: the services whose actions it can grant. */
      services?: string[];
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
    if (opts.services) rec.grantScope = { resourceType: res.type, services: opts.services };
    const name = opts.name ?? this.nameFor(res);
    if (name !== undefined) rec.name = name;
    // A value Terraform marks sensitive is audited on a redacted copy: nothing of it is ever shown.
    // Sensitive after the change, its `before` is redacted too, so that both compare alike (else
    // the redacted `*` resources would read as new). Sensitive only before, the document after is
    // audited as it is, and not compared with a `before` that would read broader than it was (a
    // widening would then read as nothing new): every finding counts as new, said in a note.
    const sensitive = !!opts.after.sensitive;
    const beforeOnly = !sensitive && before !== undefined && before !== null && !!opts.before?.sensitive;
    if (result.document !== undefined)
      rec.document = sensitive ? redactDocument(result.document) : result.document;
    else rec.reason = result.reason ?? `${label} could not be read`;
    if (before !== undefined && !beforeOnly)
      rec.before = before !== null && sensitive ? redactDocument(before) : before;
    if (res.change) rec.change = res.change;
    const approximate = [
      ...(result.approximate ?? []),
      ...(sensitive && result.document !== undefined ? [SENSITIVE_NOTE] : []),
      ...(beforeOnly && result.document !== undefined ? [SENSITIVE_BEFORE_NOTE] : []),
    ];
    if (approximate.length > 0) rec.approximate = approximate;
    rec.jsonPath = formatJsonPath(valuePath);
    if (result.statementIndexes) rec.statementIndexes = result.statementIndexes;
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
  protected nameFor(res: TfResource, depth = 0): string | undefined {
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
    const table = TERRAFORM_POLICY_ATTRIBUTES[res.type];
    if (!table) return this.unreadPolicies(res);
    for (const [attr, kind] of Object.entries(table)) {
      if (attr === 'inline_policy[].policy') {
        this.inlineBlocks(res);
        continue;
      }
      if (this.copiesSetter(res, attr)) continue;
      const several = Object.keys(table).length > 1;
      const label = attr.replace('[]', '');
      this.addRecord(res, {
        idSuffix: several ? `#${label}` : undefined,
        attrLabel: label,
        kind,
        after: this.attr(res, attributePath(attr, res.values)),
        before: res.before ? this.attr(res, attributePath(attr, res.before), 'before') : undefined,
        optional: OPTIONAL_ATTRIBUTES.has(`${res.type}.${attr}`),
        services: this.grantServices(res, attr),
      });
    }
  }

  /**
   * The services a resource policy can grant (GRANT_SERVICES), narrowed to one where the bucket or
   * access point it names is known (SERVICES_FROM): an ARN's service (`arn:aws:s3-outposts:…`), or
   * for a bucket's name, `s3`, or `s3express` for a directory bucket's (`…--x-s3`).
   */
  protected grantServices(res: TfResource, attr: string): string[] | undefined {
    const services = GRANT_SERVICES.get(`${res.type}.${attr}`);
    const from = SERVICES_FROM.get(`${res.type}.${attr}`);
    if (!services || !from) return services;
    const v = this.attr(res, [from], res.values ? 'after' : 'before').value;
    if (typeof v !== 'string' || v === '') return services;
    const arn = /^arn:[^:]*:([\w-]+):/.exec(v);
    const service = arn
      ? arn[1]!
      : this.input.templates && hasTemplate(v)
        ? undefined
        : v.endsWith('--x-s3')
          ? 's3express'
          : 's3';
    return service !== undefined && services.includes(service) ? [service] : services;
  }

  /**
   * A resource of the AWS provider that RESOURCE_TYPES does not know, with an IAM policy document
   * (statements with an Effect, or an aws_iam_policy_document's json) in an attribute named like a
   * policy (POLICY_ATTRIBUTE_NAME), at the top or in a block: not audited, but listed as unresolved
   * with the reason, so that what it may grant is not left out silently.
   */
  protected unreadPolicies(res: TfResource): void {
    if (!res.type.startsWith('aws_') || NOT_IAM_TYPES.has(res.type) || !res.values) return;
    if (res.change === 'delete') return;
    for (const segs of policyLikePaths(res.values, res.expressions)) {
      const a = this.attr(res, segs);
      const held = a.state === 'known' ? iamDocument(a.value) : undefined;
      const fromData = a.refs.some((r) => r.base.startsWith(`data.${POLICY_DOCUMENT_DATA_SOURCE}.`));
      if (!held && !fromData) continue;
      const label = segs.filter((x) => typeof x === 'string').join('.');
      const valuePath = a.path ?? res.entryPath;
      const rec: PolicyRecord = {
        id: this.uniqueId(
          `${this.path}#${res.address}#${label}`,
          valuePath,
          res.address,
          `${label} appears more than once in ${res.address}; expected each name once`,
        ),
        path: this.path,
        address: res.address,
        kind: held ? policyKindOf(held) : 'resource',
        status: 'unresolved',
        reason: `resource type ${res.type} is not read: its ${label} holds an IAM policy document, not audited`,
        jsonPath: formatJsonPath(valuePath),
      };
      if (res.change) rec.change = res.change;
      this.atLine(valuePath, (l) => {
        if (l !== undefined) rec.line = l;
      });
      this.policies.push(rec);
    }
  }

  /** Resources of each SetBy type by `type\u0000value` of their target attribute (before or after). */
  private settersByTarget?: Map<string, TfResource[]>;

  /**
   * The resources of this input of `setBy.type` that set `res`'s policy: their target attribute
   * names one of `res`'s ids (before or after), or, in a plan, its configuration references `res`.
   */
  protected settersOf(res: TfResource, setBy: SetBy): TfResource[] {
    if (!this.settersByTarget) {
      const types = new Set([...SET_BY.values()].map((x) => x.type));
      const targets = new Map([...SET_BY.values()].map((x) => [x.type, x.target]));
      const index = new Map<string, TfResource[]>();
      for (const r of this.input.resources) {
        if (r.mode !== 'managed' || !types.has(r.type)) continue;
        const keys = new Set(
          [r.values, r.before]
            .map((v) => v?.[targets.get(r.type)!])
            .filter((v): v is string => typeof v === 'string' && v !== '')
            .map((v) => `${r.type}\u0000${v}`),
        );
        for (const k of keys) {
          const l = index.get(k);
          if (l) l.push(r);
          else index.set(k, [r]);
        }
      }
      this.settersByTarget = index;
    }
    const out = new Set<TfResource>();
    for (const v of [res.values, res.before])
      for (const id of setBy.ids) {
        const x = v?.[id];
        if (typeof x === 'string' && x !== '')
          for (const r of this.settersByTarget.get(`${setBy.type}\u0000${x}`) ?? []) out.add(r);
      }
    if (this.input.hasConfiguration)
      for (const r of this.settersByReference(setBy).get(res) ?? []) out.add(r);
    return [...out];
  }

  /** By setter type and target: the resources of that type whose target references each resource (made once). */
  private readonly settersByRef = new Map<string, Map<TfResource, TfResource[]>>();

  /**
   * The resources of a setter type (SetBy) by the resource their target attribute references in the
   * configuration, made once per type (one pass over the input, not one per parent).
   */
  private settersByReference(setBy: SetBy): Map<TfResource, TfResource[]> {
    const key = `${setBy.type}\u0000${setBy.target}`;
    let byParent = this.settersByRef.get(key);
    if (byParent) return byParent;
    byParent = new Map();
    for (const r of this.input.resources) {
      if (r.mode !== 'managed' || r.type !== setBy.type) continue;
      for (const ref of this.attr(r, [setBy.target]).refs)
        for (const parent of this.resolve(ref, r)) {
          const l = byParent.get(parent);
          if (!l) byParent.set(parent, [r]);
          else if (!l.includes(r)) l.push(r);
        }
    }
    this.settersByRef.set(key, byParent);
    return byParent;
  }

  /**
   * Whether a policy attribute of `res` only copies the policy a resource of another type of this
   * input sets (SetBy: an aws_kms_key's `policy` and its aws_kms_key_policy): then it is left to
   * that resource's record, which has its change (a plan that narrows or deletes it). Where the
   * configuration does not set the attribute, it holds the policy read at refresh: in a plan with
   * configuration, a setter is enough; in a state or a plan without one, the value must be one the
   * setter holds (before or after). A configuration that sets it (the provider docs warn against
   * using both) is read as it is; .tf and .tf.json values are the configuration: never copies.
   */
  protected copiesSetter(res: TfResource, attr: string): boolean {
    const setBy = SET_BY.get(`${res.type}.${attr}`);
    if (!setBy || this.input.templates) return false;
    const setters = this.settersOf(res, setBy);
    if (setters.length === 0) return false;
    if (this.input.hasConfiguration) return this.attr(res, [attr]).configured !== true;
    const key = (v: unknown): string | undefined => {
      const d = v === undefined || v === null || v === '' ? undefined : decodePolicyDocument(v);
      return d?.ok ? canonicalKey(d.document) : undefined;
    };
    const held = new Set(
      setters.flatMap((s) => {
        const sAttr = Object.keys(TERRAFORM_POLICY_ATTRIBUTES[s.type] ?? {})[0];
        return sAttr === undefined ? [] : [key(s.values?.[sAttr]), key(s.before?.[sAttr])];
      }),
    );
    return [res.values, res.before].some((v) => {
      const k = key(v?.[attr]);
      return k !== undefined && held.has(k);
    });
  }

  /** `role name\u0000policy name` of each inline policy an aws_iam_role_policy of this input makes (before or after). */
  private separateInline?: Set<string>;

  protected separateInlinePolicies(): Set<string> {
    if (this.separateInline) return this.separateInline;
    const out = new Set<string>();
    for (const r of this.input.resources) {
      if (r.mode !== 'managed' || r.type !== 'aws_iam_role_policy') continue;
      for (const v of [r.values, r.before]) {
        const role = v?.role;
        const name = v?.name;
        if (typeof role === 'string' && typeof name === 'string' && !hasTemplate(role) && !hasTemplate(name))
          out.add(`${nameOf(role)}\u0000${name}`);
      }
    }
    this.separateInline = out;
    return out;
  }

  /**
   * Whether an inline_policy block of a role is a copy of an aws_iam_role_policy of this input: a
   * role's inline_policy its configuration does not set mirrors the inline policies read at
   * refresh (AWS provider v4/v5), those of such resources too, which may be deleted or changed by
   * the plan. (.tf and .tf.json values are the configuration: never copies.)
   */
  protected mirrorsSeparate(res: TfResource, policyName: string): boolean {
    if (this.input.templates || res.expressions?.inline_policy !== undefined) return false;
    const separate = this.separateInlinePolicies();
    return [res.values?.name, res.before?.name].some(
      (n) => typeof n === 'string' && separate.has(`${n}\u0000${policyName}`),
    );
  }

  /**
   * aws_iam_role inline_policy blocks, matched before/after by name; a copy of an
   * aws_iam_role_policy's (mirrorsSeparate) is left to that resource's record, which has its change.
   */
  protected inlineBlocks(res: TfResource): void {
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
      if (this.mirrorsSeparate(res, name)) continue;
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
      if (seen.has(name) || this.mirrorsSeparate(res, name)) continue;
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

  /**
   * Data sources no policy used: a record each (kind guessed), unless the same document is already
   * a record, or is a source or override document of another aws_iam_policy_document (a state has
   * no configuration to tell it is used: its value holds the document's JSON text), which is read
   * as part of that one.
   */
  orphanDocuments(): void {
    let knownDocs: Set<string> | undefined;
    const known = (): Set<string> => {
      if (!knownDocs) {
        knownDocs = new Set();
        for (const p of this.policies) {
          const k = p.document !== undefined ? canonicalKey(p.document) : undefined;
          if (k !== undefined) knownDocs.add(k);
        }
        for (const d of this.input.resources)
          if (d.mode === 'data' && d.type === POLICY_DOCUMENT_DATA_SOURCE && d.change !== 'delete')
            for (const [k] of DOCUMENT_ATTRIBUTES)
              for (const item of asList(d.values?.[k])) {
                const p = typeof item === 'string' ? parseJson(item) : undefined;
                const key = p?.ok ? canonicalKey(p.value) : undefined;
                if (key !== undefined) knownDocs.add(key);
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
}

/**
 * The path of a policy attribute of RESOURCE_TYPES in `obj`: `block[].attr` is the `attr` of the one
 * `block` block (a list of one in plans, state and `.tf`; an object or a list in a *.tf.json).
 */
function attributePath(attr: string, obj: Record<string, unknown> | null | undefined): JsonPath {
  const m = /^(\w+)\[\]\.(\w+)$/.exec(attr);
  if (!m) return [attr];
  const block = obj?.[m[1]!];
  return isObject(block) ? [m[1]!, m[2]!] : [m[1]!, 0, m[2]!];
}

/** Attributes named like a policy (POLICY_ATTRIBUTE_NAME): at the top (set, or configured in a plan), and in the blocks. */
function policyLikePaths(values: Record<string, unknown>, expressions?: Record<string, unknown>): JsonPath[] {
  const out: JsonPath[] = [];
  const keys = new Set([...Object.keys(values), ...Object.keys(expressions ?? {})]);
  for (const k of keys) {
    if (POLICY_ATTRIBUTE_NAME.test(k)) {
      out.push([k]);
      continue;
    }
    const v = values[k];
    const blocks = Array.isArray(v) ? v : [v];
    blocks.forEach((b, i) => {
      if (!isObject(b)) return;
      for (const j of Object.keys(b))
        if (POLICY_ATTRIBUTE_NAME.test(j)) out.push(Array.isArray(v) ? [k, i, j] : [k, j]);
    });
  }
  return out;
}
