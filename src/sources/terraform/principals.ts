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
import { hasTemplate, PURE_INTERPOLATION, scanTemplate, templateAsWildcards } from './evaluator.js';
import { uniq, list, asList, nameOf, clip } from './values.js';
import type { Attr, PrincipalEntry } from './analyzer-base.js';
import { type Ref, refTarget, refsInValue } from './references.js';
import { RecordAnalyzer } from './policy-records.js';

/** Policy ARN attributes that hold a list (each item one ARN); the others hold one ARN. */
const LIST_ARN_ATTRIBUTES = new Set(['managed_policy_arns']);

/** A policy ARN written as a string literal in an expression (the `.tf` reader writes `"` as `'`). */
const QUOTED_POLICY_ARN = /["'](arn:aws[a-z-]*:iam::[^"'\s]*:policy\/[^"'\s]+)["']/g;

const isPolicyRef = (r: Ref): boolean =>
  r.base.startsWith('aws_iam_policy.') || r.base.startsWith('data.aws_iam_policy.');

/** What a policy ARN attribute links (Analyzer.policiesForArns). */
interface ArnLinks {
  ids: string[];
  unresolved: { ref: string; reason: string }[];
  /** Of `ids`, those a value not known chooses among others, with the expression that chooses. */
  chosen: Map<string, string>;
}

/** Principal attributes that name one principal (a role, user or group), not a list of them. */
const SINGLE_TARGET = new Set(['role', 'user', 'group', 'role_name', 'user_name', 'group_name']);

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
      const hits: PrincipalEntry[] = [];
      for (const t of this.resolve(r, res)) {
        if (t.mode !== 'managed') continue;
        const n = this.literalOf(t, 'name');
        if (names && (n === undefined || !names.includes(n))) continue;
        hits.push(this.principalFor(t));
        if (n !== undefined) linked.add(n);
      }
      // One principal (`role = aws_iam_role.r[var.which].name`) that may be any of several
      // instances, its key and name not known: linked to each, said so on each.
      if (hits.length > 1 && !names && SINGLE_TARGET.has(attr))
        for (const p of hits)
          p.record.approximate = uniq([
            ...(p.record.approximate ?? []),
            `${res.address} names one of ${list(hits.map((h) => h.record.id))} by its ${attr}, which is not known here: audited as held by each`,
          ]);
      pushAll(out, hits);
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

  /** Whether an attribute naming principals may name one: set, and not known or not empty. */
  protected namesSome(res: TfResource, attr: string): boolean {
    const a = this.attr(res, [attr], res.values ? 'after' : 'before');
    return (
      a.state === 'unknown' || (a.state === 'known' && asList(a.value).some((v) => v !== '' && v != null))
    );
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

  /**
   * The records a policy ARN attribute names, and what could not be resolved. `chosen`: the
   * records a value not known chooses among others (a conditional, `aws_iam_policy.p[var.which]`),
   * each with the expression that chooses: what the principal may hold, each linked (noted).
   *
   * `detached`: ARNs this input detaches from the principal, left out of an optional, computed
   * attribute the configuration does not set (a role's managed_policy_arns then mirrors the
   * attachments read at refresh, those the plan deletes too: see detachments()).
   */
  protected policiesForArns(
    res: TfResource,
    attrName: string,
    optional = false,
    detached?: ReadonlySet<string>,
  ): ArnLinks {
    const a = this.attr(res, [attrName], res.values ? 'after' : 'before');
    const out: ArnLinks = { ids: [], unresolved: [], chosen: new Map() };
    // An optional, computed attribute (a role's managed_policy_arns) the configuration does not set.
    if (optional && a.state === 'unknown' && a.configured !== true && a.refs.length === 0) return out;
    const leftOut = optional && a.configured !== true ? detached : undefined;
    const single = !LIST_ARN_ATTRIBUTES.has(attrName);
    if (this.input.templates) {
      // Each value by the policies its own references name, else as the ARN it spells.
      for (const v of asList(a.value)) {
        if (typeof v !== 'string' || !v || leftOut?.has(v.trim())) continue;
        const refs: Ref[] = [];
        refsInValue(v, refs);
        if (refs.some(isPolicyRef)) {
          const exprs = scanTemplate(v).parts.flatMap((p) => (p.expr === undefined ? [] : [p.expr]));
          const conditional = exprs.some((e) => /\?/.test(e.replace(/"[^"]*"|'[^']*'/g, '')));
          // (one value is one ARN: a single-valued attribute's, or an item of a list)
          const one = single || Array.isArray(a.value);
          this.linkRefs(res, a, refs, out, one || conditional ? { by: v, always: conditional } : undefined);
          // (the ARNs a conditional's other branch spells: `var.x ? aws_iam_policy.a.arn : "arn:…"`)
          if (conditional)
            for (const e of exprs)
              for (const m of e.matchAll(QUOTED_POLICY_ARN)) this.linkArn(m[1]!, a, res, out, v);
          // (the `.tf` reader shortens a long expression it cannot evaluate: the rest is not read)
          if (v.includes('…'))
            out.unresolved.push({
              ref: v,
              reason:
                'the expression is shortened where it is not known (…): policies it names past that are not read',
            });
        } else this.linkArn(v, a, res, out);
      }
    } else {
      // A plan's or state's known ARNs, each by the reference whose policy has it (else by
      // itself); the references stand for the values not known, when some are not.
      const values = a.state === 'known' ? asList(a.value) : [];
      const known = values.filter((v): v is string => typeof v === 'string' && v !== '');
      const refs = a.refs.filter(isPolicyRef);
      for (const v of known) {
        if (leftOut?.has(v.trim())) continue;
        const targets = refs.flatMap((r) =>
          this.resolve(r, res).filter((t) => t.type === 'aws_iam_policy' && this.hasArn(t, v)),
        );
        if (targets.length > 0) for (const t of uniq(targets)) this.linkRecordsOf(t, v, out);
        else this.linkArn(v, a, res, out);
      }
      const unknown = a.state === 'unknown' || values.some((v) => typeof v !== 'string');
      if (unknown && refs.length > 0)
        this.linkRefs(
          res,
          a,
          refs.filter((r) => !this.resolve(r, res).some((t) => known.some((v) => this.hasArn(t, v)))),
          out,
          single ? { by: list(a.refs.map((r) => r.text)), always: false } : undefined,
        );
      else if (unknown)
        out.unresolved.push({
          ref: a.refs.length > 0 ? list(a.refs.map((r) => r.text)) : `${res.address}.${attrName}`,
          reason: 'the policy ARN is unknown at plan time',
        });
    }
    out.ids = uniq(out.ids);
    return out;
  }

  /** Whether a policy resource's ARN is `arn` (by its name, when its ARN is not known yet). */
  private hasArn(t: TfResource, arn: string): boolean {
    const own = this.literalOf(t, 'arn');
    if (own !== undefined) return own === arn;
    const name = this.literalOf(t, 'name');
    return name !== undefined && arn.startsWith('arn:') && nameOf(arn) === name;
  }

  /** The records of an aws_iam_policy resource, linked (unresolved when it has none). */
  private linkRecordsOf(t: TfResource, ref: string, out: ArnLinks): string[] {
    const recs = this.recordsOf.get(t.address) ?? [];
    if (recs.length === 0) out.unresolved.push({ ref, reason: `${t.address} has no policy record` });
    const ids = recs.map((x) => x.id);
    pushAll(out.ids, ids);
    return ids;
  }

  /**
   * The policies references name (aws_iam_policy, data.aws_iam_policy): every one they may be.
   * `choosing`: the expression, when they are one value's (one ARN): linked as chosen when they
   * name more than one policy, or `always` (a conditional, which may choose none of them).
   */
  private linkRefs(
    res: TfResource,
    a: Attr,
    refs: Ref[],
    out: ArnLinks,
    choosing?: { by: string; always: boolean },
  ): void {
    const ids: string[] = [];
    let named = 0;
    for (const r of refs) {
      if (!isPolicyRef(r)) continue;
      const targets = this.resolve(r, res);
      named += targets.length;
      if (targets.length === 0)
        out.unresolved.push({ ref: r.text, reason: `${refTarget(r)} is not in this input` });
      for (const t of targets) {
        if (r.base.startsWith('aws_iam_policy.')) {
          pushAll(ids, this.linkRecordsOf(t, r.text, out));
          continue;
        }
        const arn = t.values?.arn;
        const name = t.values?.name;
        let got: { ids: string[]; unresolved: { ref: string; reason: string }[] };
        if (typeof arn === 'string' && arn && !(this.input.templates && hasTemplate(arn))) {
          got = this.arnToIds(arn, a.path, res);
          got.unresolved = got.unresolved.map((u) => ({ ...u, ref: `${r.text} (${u.ref})` }));
        } else if (typeof name === 'string' && name && !hasTemplate(name)) {
          const mp = managedPolicyByName(name);
          got = this.arnToIds(mp ? mp.arn : `arn:aws:iam::*:policy/${name}`, a.path, res);
          got.unresolved = got.unresolved.map((u) => ({ ...u, ref: r.text }));
        } else {
          got = {
            ids: [],
            unresolved: [
              { ref: r.text, reason: `${t.address} looks up a policy whose ARN is not known here` },
            ],
          };
        }
        pushAll(ids, got.ids);
        pushAll(out.unresolved, got.unresolved);
      }
    }
    pushAll(out.ids, ids);
    if (choosing && (named > 1 || choosing.always))
      for (const id of ids) if (!out.chosen.has(id)) out.chosen.set(id, choosing.by);
  }

  /**
   * One ARN as written: the records it names, each branch of a conditional not known between
   * known ARNs (TfInput.either) as chosen. `choosing`: the expression that chooses this one.
   */
  private linkArn(v: string, a: Attr, res: TfResource, out: ArnLinks, choosing?: string): void {
    const branches = this.input.either?.get(v.trim());
    for (const arn of branches ?? [v]) {
      const got = this.arnToIds(arn, a.path, res, a.sensitive);
      pushAll(out.ids, got.ids);
      pushAll(out.unresolved, got.unresolved);
      const by = branches ? v : choosing;
      if (by !== undefined) for (const id of got.ids) if (!out.chosen.has(id)) out.chosen.set(id, by);
    }
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
    // Per principal, the policies an attachment that existed before the plan links (held before).
    const heldBefore = new Map<PrincipalRecord, Set<string>>();
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
          this.noteLinks(got, [p], undefined, 'managed_policy_arns');
        }
      }
      const inline = INLINE_POLICY_TARGETS[r.type];
      if (inline) {
        const recs = this.recordsOf.get(r.address) ?? [];
        const to = this.targets(r, inline[0], inline[1]);
        for (const p of to)
          pushAll(
            p.record.policyIds,
            recs.map((x) => x.id),
          );
        // (a user or a group not known here, `user = var.user`: still people's)
        if (inline[1] !== 'role' && to.length === 0 && this.namesSome(r, inline[0]))
          for (const x of recs) x.heldByPeople = true;
      }
      const att = ATTACHMENTS[r.type];
      if (att && r.change !== 'delete') {
        const got = this.policiesForArns(r, att.arn);
        for (const id of got.ids) attached.add(id);
        const to = att.targets.flatMap(([attr, type]) => {
          const found = this.targets(r, attr, type);
          // (a user or a group it names that is not known here, `user = var.user`: still people's)
          if (type !== 'role' && found.length === 0 && this.namesSome(r, attr))
            for (const x of this.policies) if (got.ids.includes(x.id)) x.heldByPeople = true;
          return found;
        });
        for (const p of to) {
          pushAll(p.record.policyIds, got.ids);
          pushAll(p.record.unresolved, got.unresolved);
          // (an attachment the plan creates: the principal did not hold these before it)
          if (r.change === 'create')
            p.record.attachedByChange = [...(p.record.attachedByChange ?? []), ...got.ids];
          else
            for (const id of got.ids)
              (heldBefore.get(p.record) ?? heldBefore.set(p.record, new Set()).get(p.record)!).add(id);
        }
        this.noteLinks(got, uniq(to), r, att.arn);
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
      for (const [id, notes] of this.linkNotes.get(g.record.id) ?? []) this.linkNote(u.record.id, id, notes);
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
    // Notes of the links a value not known chooses (linkNotes): on each policy no link holds for
    // sure (as CloudFormation's attachNotes), and on each principal of what it may not hold.
    const byPolicy = new Map<string, string[] | null>();
    for (const [who, links] of this.linkNotes)
      for (const [id, notes] of links) {
        if (notes) {
          const e = this.principals.get(who);
          if (e) e.record.approximate = uniq([...(e.record.approximate ?? []), ...notes]);
        }
        const had = byPolicy.get(id);
        byPolicy.set(id, notes && had !== null ? [...(had ?? []), ...notes] : null);
      }
    for (const rec of this.policies) {
      const notes = byPolicy.get(rec.id);
      if (notes) rec.approximate = uniq([...(rec.approximate ?? []), ...notes]);
    }
    noteBoundaries(
      this.policies,
      [...this.principals.values()].map((e) => e.record),
    );
    for (const e of this.principals.values()) {
      e.record.policyIds = uniq(e.record.policyIds);
      if (e.record.attachedByChange) {
        const before = heldBefore.get(e.record);
        const only = uniq(e.record.attachedByChange).filter((id) => !before?.has(id));
        if (only.length) e.record.attachedByChange = only;
        else delete e.record.attachedByChange;
      }
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
   * Per principal id (or attachment address, for one whose principal is not known here), per
   * policy record linked by ARN: the notes of the links a value not known chooses (each may not
   * be made), null once a link is sure. Noted when every link is known: a policy surely held too
   * is not one that may not be.
   */
  private readonly linkNotes = new Map<string, Map<string, string[] | null>>();

  private linkNote(who: string, id: string, notes: string[] | null): void {
    let m = this.linkNotes.get(who);
    if (!m) this.linkNotes.set(who, (m = new Map()));
    const had = m.get(id);
    m.set(id, notes && had !== null ? [...(had ?? []), ...notes] : null);
  }

  /** Notes the links of `got` made to `to` (by the attachment `by`, else by their own `attr`). */
  private noteLinks(got: ArnLinks, to: PrincipalEntry[], by: TfResource | undefined, attr: string): void {
    const who = list(to.map((p) => p.record.id)) || 'a principal not known here';
    for (const id of got.ids) {
      const expr = got.chosen.get(id);
      const shown = expr !== undefined && PURE_INTERPOLATION.test(expr) ? expr.slice(2, -1) : expr;
      const notes =
        shown === undefined
          ? null
          : [
              `attached to ${who}${by ? ` by ${by.address}` : ''} only when its ${attr}, chosen by a value not known (${clip(shown)}), names this policy: audited as attached`,
            ];
      for (const p of to) this.linkNote(p.record.id, id, notes);
      if (to.length === 0 && by) this.linkNote(by.address, id, notes);
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
