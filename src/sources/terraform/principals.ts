// Linking roles, users and groups to their inline and attached (managed) policies.
import type { InputResult, PolicyRecord, PrincipalRecord } from '../../core/types.js';
import { formatJsonPath, locateLines, type JsonPath } from '../../core/json-lines.js';
import {
  isAwsManagedPolicyArn,
  isServiceLinkedPolicyArn,
  managedPoliciesInfo,
  managedPolicyByName,
  resolveManagedPolicy,
} from '../managed-policies.js';
import { boundedName, boundaryOnlyReason, noteBoundaries, pushAll } from '../records.js';
import type { TfResource } from './model.js';
import { PRINCIPAL_TYPES, INLINE_POLICY_TARGETS, ATTACHMENTS } from './resource-types.js';
import { hasTemplate, PURE_INTERPOLATION, templateAsWildcards } from './evaluator.js';
import { uniq, list, asList, nameOf } from './values.js';
import type { Attr, PrincipalEntry } from './analyzer-base.js';
import { refTarget } from './references.js';
import { RecordAnalyzer } from './policy-records.js';

export class Analyzer extends RecordAnalyzer {
  // ---- principals

  protected principalFor(res: TfResource): PrincipalEntry {
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
  protected externalPrincipal(
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

  /**
   * The principals an attribute (`role`, `users`...) names: by reference, and by the names it
   * holds that no reference accounts for. Where the value is known (a plan's `after`), a
   * reference's resource is one only when its name is among them: a reference that does not
   * narrow to one instance (`aws_iam_role.r[var.which]`) must not link every instance.
   */
  protected targets(res: TfResource, attr: string, type: PrincipalRecord['type']): PrincipalEntry[] {
    const a = this.attr(res, [attr], res.values ? 'after' : 'before');
    const tfType = `aws_iam_${type}`;
    const names = this.literalValues(a)?.map((v) => (v.startsWith('arn:') ? nameOf(v) : v));
    const out: PrincipalEntry[] = [];
    const linked = new Set<string>();
    for (const r of a.refs) {
      if (!r.base.startsWith(`${tfType}.`)) continue;
      for (const t of this.resolve(r, res)) {
        if (t.mode !== 'managed') continue;
        const n = this.literalOf(t, 'name');
        if (names && (n === undefined || !names.includes(n))) continue;
        out.push(this.principalFor(t));
        if (n !== undefined) linked.add(n);
      }
    }
    if (out.length > 0 && !names) return uniq(out);
    for (const v of asList(a.value)) {
      if (typeof v !== 'string' || !v || (this.input.templates && hasTemplate(v))) continue;
      const name = v.startsWith('arn:') ? nameOf(v) : v;
      if (linked.has(name)) continue;
      const hit = this.named(tfType, name);
      if (hit.length > 0) for (const h of hit) out.push(this.principalFor(h));
      else if (!a.sensitive) out.push(this.externalPrincipal(type, name, a.path));
    }
    return uniq(out);
  }

  /** An attribute's strings when every one is known and literal (no `${...}` of a .tf.json), else undefined. */
  protected literalValues(a: Attr): string[] | undefined {
    if (a.state !== 'known') return undefined;
    const out: string[] = [];
    for (const v of asList(a.value)) {
      if (typeof v !== 'string' || (this.input.templates && hasTemplate(v))) return undefined;
      if (v) out.push(v);
    }
    return out;
  }

  /** A resource's attribute (`name`, `arn`) as a known literal string (after, else before), or undefined. */
  protected literalOf(t: TfResource, key: string): string | undefined {
    const v = t.values ? t.values[key] : t.before?.[key];
    return typeof v === 'string' && v && !(this.input.templates && hasTemplate(v)) ? v : undefined;
  }

  protected managedRecord(
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
  /**
   * `detached`: ARNs this input detaches from the principal, left out of an optional, computed
   * attribute the configuration does not set (a role's managed_policy_arns then mirrors the
   * attachments read at refresh, those the plan deletes too: see detachments()).
   */
  protected policiesForArns(
    res: TfResource,
    attrName: string,
    optional = false,
    detached?: ReadonlySet<string>,
  ): { ids: string[]; unresolved: { ref: string; reason: string }[] } {
    const a = this.attr(res, [attrName], res.values ? 'after' : 'before');
    // An optional, computed attribute (a role's managed_policy_arns) the configuration does not set.
    if (optional && a.state === 'unknown' && a.configured !== true && a.refs.length === 0)
      return { ids: [], unresolved: [] };
    const leftOut = optional && a.configured !== true ? detached : undefined;
    const ids: string[] = [];
    const unresolved: { ref: string; reason: string }[] = [];
    const byRef = new Set<string>();
    // Where the ARNs are known (a plan's `after`), a reference's policy is one only when its ARN
    // (or, not known yet, its name) is among them: `aws_iam_policy.p[var.which]` names every instance.
    const known = this.literalValues(a);
    const agrees = (t: TfResource): boolean => {
      if (!known) return true;
      const arn = this.literalOf(t, 'arn');
      if (arn !== undefined) return known.includes(arn);
      const name = this.literalOf(t, 'name');
      return name !== undefined && known.some((v) => v.startsWith('arn:') && nameOf(v) === name);
    };
    for (const r of a.refs) {
      const found = this.resolve(r, res);
      const targets = found.filter(agrees);
      // A reference the known ARNs disagree with: they say what is attached.
      if (found.length > 0 && targets.length === 0) continue;
      if (r.base.startsWith('aws_iam_policy.')) {
        byRef.add(r.text);
        if (targets.length === 0)
          unresolved.push({ ref: r.text, reason: `${refTarget(r)} is not in this input` });
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
        if (targets.length === 0)
          unresolved.push({ ref: r.text, reason: `${refTarget(r)} is not in this input` });
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
          if (typeof v !== 'string' || !v || leftOut?.has(v.trim())) continue;
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

  protected arnToIds(
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

  /**
   * The policy ARNs each role (by name) loses through the attachments this plan deletes, or
   * replaces onto another role or policy: an attachment's `before` pairs that its `after` does not
   * keep. A pair whose `after` is not known is kept (it may stay).
   */
  protected detachments(resources: TfResource[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    // A value's strings; undefined when it is not known (absent from `after`: after_unknown).
    const strings = (v: unknown): string[] | undefined => {
      if (v === undefined || v === null) return undefined;
      const l = asList(v);
      return l.every((x) => typeof x === 'string') ? (l as string[]) : undefined;
    };
    for (const r of resources) {
      const att = ATTACHMENTS[r.type];
      if (!att || !r.before || (r.change !== 'delete' && r.change !== 'replace' && r.change !== 'update'))
        continue;
      const arns = strings(r.before[att.arn]) ?? [];
      const afterArns = r.change === 'delete' ? [] : strings(r.values?.[att.arn]);
      if (!afterArns) continue;
      for (const [attr, type] of att.targets) {
        const afterRoles = r.change === 'delete' ? [] : strings(r.values?.[attr]);
        if (type !== 'role' || !afterRoles) continue;
        for (const role of strings(r.before[attr]) ?? []) {
          const name = role.startsWith('arn:') ? nameOf(role) : role;
          for (const arn of arns) {
            if (afterRoles.includes(role) && afterArns.includes(arn)) continue;
            const set = out.get(name);
            if (set) set.add(arn.trim());
            else out.set(name, new Set([arn.trim()]));
          }
        }
      }
    }
    return out;
  }

  linkPrincipals(): void {
    const resources = this.input.resources.filter((r) => r.mode === 'managed');
    for (const r of resources) if (PRINCIPAL_TYPES[r.type]) this.principalFor(r);
    const detached = this.detachments(resources);
    // Policies an attachment names, whether or not its principal is known here
    // (`role = var.role_name`): attached to someone, so they grant.
    const attached = new Set<string>();
    // Inline policies (the role's own inline_policy blocks, and *_policy resources).
    for (const r of resources) {
      if (r.type === 'aws_iam_role') {
        const p = this.principalFor(r);
        for (const rec of this.recordsOf.get(r.address) ?? [])
          if (rec.kind === 'identity') p.record.policyIds.push(rec.id);
        if (r.change !== 'delete') {
          const name = this.literalOf(r, 'name');
          const got = this.policiesForArns(
            r,
            'managed_policy_arns',
            true,
            name === undefined ? undefined : detached.get(name),
          );
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
        for (const id of got.ids) attached.add(id);
        for (const [attr, type] of att.targets) {
          for (const p of this.targets(r, attr, type)) {
            pushAll(p.record.policyIds, got.ids);
            pushAll(p.record.unresolved, got.unresolved);
          }
        }
      }
    }
    // Permissions boundaries of roles and users: the policies they name, by the principals they bound.
    const boundaries = new Map<string, string[]>();
    for (const r of resources)
      if ((r.type === 'aws_iam_role' || r.type === 'aws_iam_user') && r.change !== 'delete')
        for (const id of this.boundaryOf(r)) boundaries.set(id, [...(boundaries.get(id) ?? []), r.address]);
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
    // A boundary that no principal here holds and no attachment names grants nothing: listed, not
    // audited. (Terraform refuses an attachment that names no principal, so one always grants.)
    const held = new Set([...attached, ...[...this.principals.values()].flatMap((e) => e.record.policyIds)]);
    for (const rec of this.policies) {
      const of = boundaries.get(rec.id);
      if (of && !held.has(rec.id)) rec.grantsNothing = boundaryOnlyReason(`of ${list(uniq(of))}`);
    }
    noteBoundaries(
      this.policies,
      [...this.principals.values()].map((e) => e.record),
    );
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

  /**
   * A role's or user's `permissions_boundary`: set on its principal record as written (the ARN, or
   * the reference when the value is not known), and the ids of the policy records it names.
   */
  protected boundaryOf(r: TfResource): string[] {
    const a = this.attr(r, ['permissions_boundary'], r.values ? 'after' : 'before');
    const v = typeof a.value === 'string' && a.value !== '' ? a.value : undefined;
    if (v === undefined && (a.state !== 'unknown' || (a.configured !== true && a.refs.length === 0)))
      return [];
    const shown = a.sensitive
      ? '(sensitive value)'
      : v !== undefined && !(this.input.templates && hasTemplate(v))
        ? v
        : (a.refs[0]?.text ?? v ?? 'a value not known at plan time');
    this.principalFor(r).record.permissionsBoundary = shown;
    return this.policiesForArns(r, 'permissions_boundary', true).ids;
  }

  finish(): InputResult {
    const lines = locateLines(this.input.file.text, this.linePaths, this.input.json, this.input.file.oneLine);
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
