// Managed policies attached to roles, users and groups, group memberships, and the result.
import type { InputResult, PrincipalRecord } from '../../core/types.js';
import { formatJsonPath, type JsonPath } from '../../core/json-lines.js';
import {
  isAwsManagedPolicyArn,
  isServiceLinkedPolicyArn,
  managedPoliciesInfo,
  managedPolicyByName,
  resolveManagedPolicy,
} from '../managed-policies.js';
import { isObject } from '../parser.js';
import { boundDocuments, boundaryOnlyReason, noteBoundaries } from '../records.js';
import { NO_VALUE, asUnknown, clipText, describe, getAttTarget, subNames } from './intrinsics.js';
import { resourceName } from './resources.js';
import {
  SAM_BASIC_POLICY_ARN,
  SAM_DURABLE_POLICY_ARN,
  SAM_TRUSTED_SERVICE,
  SAM_VPC_POLICY_ARN,
  SAM_XRAY_POLICY_ARN,
  samIntrinsic,
  samPolicyEntry,
  samTracesXray,
} from './sam.js';
import {
  PRINCIPAL_TYPES,
  SAM_FUNCTIONS,
  holdsPolicies,
  type Resource,
  type PrincipalEntry,
} from './types.js';
import { PolicyAnalyzer } from './policies.js';

/** The notes of one policy's attachments that may not be made, at most (then a count). */
const MAX_ATTACH_NOTES = 5;

export class Analyzer extends PolicyAnalyzer {
  /** A managed policy (an ARN or a SAM managed policy name) -> record ids, or why not. */
  protected managedIds(
    raw: unknown,
    path: JsonPath,
  ): { ids: string[]; unresolved: { ref: string; reason: string }[] } {
    // `Ref: X` to a managed policy of this template (also as a branch of Fn::If): its record, whatever its name.
    raw = this.chosen(raw);
    if (raw === NO_VALUE) return { ids: [], unresolved: [] };
    if (isObject(raw) && typeof raw.Ref === 'string' && Object.keys(raw).length === 1) {
      const target = this.resources.get(raw.Ref);
      if (target?.type === 'AWS::IAM::ManagedPolicy') {
        if (!this.exists(target)) return { ids: [], unresolved: [] };
        return { ids: (this.recordsOf.get(target.logicalId) ?? []).map((x) => x.id), unresolved: [] };
      }
    }
    this.ev.begin();
    const v = raw === undefined ? undefined : this.ev.eval(raw);
    if (v === NO_VALUE || v === undefined) return { ids: [], unresolved: [] };
    const u = asUnknown(v);
    if (u) return { ids: [], unresolved: [{ ref: formatJsonPath(path), reason: u.reason }] };
    if (Array.isArray(v)) {
      const out = { ids: [] as string[], unresolved: [] as { ref: string; reason: string }[] };
      v.forEach((x, i) => {
        const got = this.managedIds(x, [...path, i]);
        out.ids.push(...got.ids);
        out.unresolved.push(...got.unresolved);
      });
      return out;
    }
    if (typeof v !== 'string')
      return {
        ids: [],
        unresolved: [{ ref: formatJsonPath(path), reason: `${describe(v)} is not a policy ARN` }],
      };
    let arn = v.trim();
    if (!arn.startsWith('arn:')) {
      const mp = managedPolicyByName(arn);
      if (!mp)
        return {
          ids: [],
          unresolved: [{ ref: arn, reason: 'not an AWS managed policy name the bundled snapshot has' }],
        };
      arn = mp.arn;
    }
    if (isAwsManagedPolicyArn(arn)) {
      const m = resolveManagedPolicy(arn);
      if (!m)
        return {
          ids: [],
          unresolved: [
            {
              ref: arn,
              reason: isServiceLinkedPolicyArn(arn)
                ? 'an aws-service-role/ policy (for service-linked roles only) is not in the bundled snapshot'
                : `not in the bundled snapshot of AWS managed policies (${managedPoliciesInfo.source}@${managedPoliciesInfo.version})`,
            },
          ],
        };
      let rec = this.managed.get(m.arn);
      if (!rec) {
        rec = {
          id: `${this.file.path}#${m.arn}`,
          path: this.file.path,
          address: m.arn,
          kind: 'identity',
          name: m.name,
          document: m.document,
          status: 'resolved',
        };
        this.lineOf(rec, path);
        this.managed.set(m.arn, rec);
        this.policies.push(rec);
      }
      return { ids: [rec.id], unresolved: [] };
    }
    const mm = /^arn:[^:]*:iam::[^:]*:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!mm) return { ids: [], unresolved: [{ ref: arn, reason: 'not a policy ARN' }] };
    const name = mm[1]!;
    const hits = [...this.resources.values()].filter(
      (x) => x.type === 'AWS::IAM::ManagedPolicy' && !name.includes('*') && resourceName(x, this.ev) === name,
    );
    const ids = hits.flatMap((h) => (this.recordsOf.get(h.logicalId) ?? []).map((x) => x.id));
    if (ids.length > 0) return { ids, unresolved: [] };
    return {
      ids: [],
      unresolved: [{ ref: arn, reason: `customer managed policy ${name} is not defined in this template` }],
    };
  }

  /** Principals of a type named by a list property (`Roles: [!Ref MyRole, name]`). */
  protected targets(raw: unknown, path: JsonPath, type: PrincipalRecord['type']): PrincipalEntry[] {
    return this.targetsWith(raw, path, type).map((x) => x.p);
  }

  /**
   * targets(), each with the conditions of the Fn::Ifs that choose it: both branches of one whose
   * condition is not known offline, or is known only by the parameters' defaults (`Roles: !If
   * [C, [!Ref A], [!Ref B]]`: A and B), never one chosen silently (alternatives()).
   */
  protected targetsWith(
    raw: unknown,
    path: JsonPath,
    type: PrincipalRecord['type'],
    depth = 0,
  ): { p: PrincipalEntry; conditions: string[] }[] {
    const out: { p: PrincipalEntry; conditions: string[] }[] = [];
    for (const whole of this.alternatives(raw, path)) {
      if (whole.value === NO_VALUE) continue;
      for (const it of this.items(whole.value, whole.path))
        for (const a of this.alternatives(it.value, it.path)) {
          const conditions = [...whole.conditions, ...a.conditions];
          if (Array.isArray(a.value) && depth < 4) {
            for (const x of this.targetsWith(a.value, a.path, type, depth + 1))
              out.push({ p: x.p, conditions: [...conditions, ...x.conditions] });
            continue;
          }
          for (const p of this.targetsOf(a.value, type)) out.push({ p, conditions });
        }
    }
    return out;
  }

  /** The principals of a type one item names (a Ref, an Fn::GetAtt of its Arn, or its name). */
  private targetsOf(v: unknown, type: PrincipalRecord['type']): PrincipalEntry[] {
    if (v === NO_VALUE) return [];
    // (a Ref, or an Fn::GetAtt of its Arn: `Role: !GetAtt R.Arn`, as a function names its role)
    const one = isObject(v) && Object.keys(v).length === 1;
    const att = one ? getAttTarget(v['Fn::GetAtt']) : undefined;
    const id = one && typeof v.Ref === 'string' ? v.Ref : att?.attribute === 'Arn' ? att.resource : undefined;
    if (id !== undefined) {
      const r = this.resources.get(id);
      if (r && PRINCIPAL_TYPES[r.type] === type) return this.exists(r) ? [this.principal(r)!] : [];
    }
    const name = this.text(v);
    if (!name || name.includes('*')) return [];
    const out: PrincipalEntry[] = [];
    for (const r of this.resources.values())
      if (PRINCIPAL_TYPES[r.type] === type && this.exists(r) && resourceName(r, this.ev) === name)
        out.push(this.principal(r)!);
    return out;
  }

  protected attach(
    p: PrincipalEntry,
    got: { ids: string[]; unresolved: { ref: string; reason: string }[] },
    /** Conditions not known offline that choose the attachment (both branches are attached). */
    conditions: string[] = [],
    /** Other notes of the attachment. */
    more: string[] = [],
  ): void {
    p.record.policyIds.push(...got.ids);
    const notes = [
      ...(conditions.length > 0
        ? [`attached to ${this.shortId(p)} by an Fn::If ${this.ifChoice(conditions)}: audited as attached`]
        : []),
      ...more,
    ];
    this.noteHolder(p, conditions);
    const c = this.unknownCondition(p.resource);
    if (c)
      notes.push(
        `attached to ${this.shortId(p)}, created only when its condition ${c.name} is true, which is not known (${c.why}): audited as attached`,
      );
    this.noteAttached(got.ids, notes);
    for (const u of got.unresolved)
      p.record.unresolved.push({ ref: clipText(u.ref, 200), reason: clipText(u.reason) });
  }

  /**
   * On the principal, where an Fn::If on a condition known only by the parameters' defaults chose
   * what it holds: both branches' are audited, which no one stack with the defaults holds.
   */
  private noteHolder(p: PrincipalEntry, conditions: string[]): void {
    const byDefault = [...new Set(conditions)].filter((n) => this.ev.knownByDefault(n));
    if (byDefault.length === 0) return;
    const note = `holds what either branch of an Fn::If attaches (${this.ifChoice(byDefault)}): both audited as held`;
    if (!p.record.approximate?.includes(note)) (p.record.approximate ??= []).push(note);
  }

  /**
   * The notes of one attachment of these policies, when it may not be made (empty: it surely is).
   * Noted once every attachment is known: a policy also attached for sure is not one that may not
   * be (attachNotes).
   */
  private noteAttached(ids: string[], notes: string[]): void {
    for (const id of ids) {
      const had = this.attachNotes.get(id);
      if (notes.length === 0) this.attachNotes.set(id, null);
      else if (had === undefined) this.attachNotes.set(id, [...notes]);
      else if (had !== null) had.push(...notes);
    }
  }

  /**
   * An IAM Identity Center permission set's managed policies: `ManagedPolicies` (AWS managed
   * policy ARNs, each chosen by an Fn::If read as a role's ManagedPolicyArns are), records of their
   * own; `CustomerManagedPolicyReferences` name policies of each account it is provisioned to,
   * never of this template: unresolved, so that what they may grant is not left out silently.
   */
  private permissionSetPolicies(r: Resource): void {
    const P = [...r.path, 'Properties'];
    const c = this.unknownCondition(r);
    for (const whole of this.listsOf(r.props.ManagedPolicies, [...P, 'ManagedPolicies']))
      for (const it of this.items(whole.value, whole.path))
        for (const one of this.alternatives(it.value)) {
          const got = this.managedIds(one.value, it.path);
          const conditions = [...new Set([...whole.conditions, ...one.conditions])];
          this.noteAttached(got.ids, [
            ...(conditions.length > 0
              ? [`held by ${r.logicalId} by an Fn::If ${this.ifChoice(conditions)}: audited as held`]
              : []),
            ...(c
              ? [
                  `held by ${r.logicalId}, created only when its condition ${c.name} is true, which is not known (${c.why}): audited as held`,
                ]
              : []),
          ]);
          // (one record per entry: the first reason of either branch)
          const at = it.path[P.length + 1];
          const address = `${r.logicalId}.ManagedPolicies${typeof at === 'number' ? `[${at}]` : ''}`;
          const u = got.unresolved[0];
          if (u && !this.policies.some((x) => x.address === address))
            this.unresolved(r.logicalId, address, 'identity', it.path, `${u.ref}: ${u.reason}`);
        }
    this.items(r.props.CustomerManagedPolicyReferences, [...P, 'CustomerManagedPolicyReferences']).forEach(
      (it, i) => {
        const ref = it.value;
        const name = isObject(ref) ? this.text(ref.Name) : undefined;
        this.unresolved(
          r.logicalId,
          `${r.logicalId}.CustomerManagedPolicyReferences[${i}]`,
          'identity',
          it.path,
          `customer managed policy ${name ?? '(no Name)'} is the one of that name in each account the permission set is provisioned to: not read`,
        );
      },
    );
  }

  /**
   * The managed policies SAM attaches to a function's generated role on its own (aws-sam-translator
   * `_construct_role`): basic or durable execution, X-Ray, VPC access; and for its Events
   * (samEvents).
   */
  protected samImplicitPolicies(r: Resource, role: PrincipalEntry): void {
    const P = [...r.path, 'Properties'];
    // (VpcConfig and DurableConfig as SAM reads them, samSet; one an Fn::If whose condition is
    // not known may leave out with AWS::LanguageExtensions: attached, said so)
    const durable = this.samSet(r, 'DurableConfig');
    this.samAttach(
      role,
      SAM_BASIC_POLICY_ARN,
      durable.map((d) => ({ ...d, set: !d.set })),
      P,
    );
    this.samAttach(role, SAM_DURABLE_POLICY_ARN, durable, P);
    // (X-Ray for a Tracing that may not trace, chosen by a condition not known or not known
    // itself: attached, said so)
    const tracings = this.samTracings(r);
    const traced = tracings.filter((t) => samTracesXray(t.value));
    if (traced.length > 0) {
      const unknown = traced.flatMap((t) => asUnknown(t.value)?.reason ?? []);
      this.attach(
        role,
        this.managedIds(SAM_XRAY_POLICY_ARN, [...P]),
        traced.length < tracings.length ? tracings.flatMap((t) => t.conditions) : [],
        [...new Set(unknown)].map(
          (why) =>
            `attached to ${this.shortId(role)} by SAM for its Tracing, which is not known (${why}): audited as attached`,
        ),
      );
    }
    this.samAttach(role, SAM_VPC_POLICY_ARN, this.samSet(r, 'VpcConfig'), P);
    // (the one of each event's Type, once: pull.py _link_policy; an event whose Type an Fn::If
    // whose condition is not known chooses: attached, said so)
    for (const e of this.samEvents(r))
      for (const arn of new Set(e.ways.flatMap((w) => w.arn ?? [])))
        this.samAttach(
          role,
          arn,
          e.ways.map((w) => ({ set: w.arn === arn, conditions: w.conditions })),
          [...P, 'Events', e.name],
        );
  }

  /**
   * X-Ray for a SAM state machine's `Tracing: {Enabled: true}` (stepfunctions/generators.py
   * `_construct_role`: Enabled exactly true, as written; SAM resolves nothing there, and Tracing is
   * no Globals property of a state machine). With AWS::LanguageExtensions first, the branch an
   * Fn::If takes, attached and noted when its condition is not known.
   */
  private samStateMachineTracing(r: Resource, role: PrincipalEntry): void {
    const alts = (v: unknown) =>
      this.languageExtensions() ? this.alternatives(v) : [{ value: v, conditions: [] as string[] }];
    const ways = alts(r.props.Tracing).flatMap((t) =>
      isObject(t.value) && !samIntrinsic(t.value)
        ? alts(t.value.Enabled).map((e) => ({
            set: e.value === true,
            conditions: [...new Set([...t.conditions, ...e.conditions])],
          }))
        : [{ set: false, conditions: t.conditions }],
    );
    this.samAttach(role, SAM_XRAY_POLICY_ARN, ways, [...r.path, 'Properties', 'Tracing']);
  }

  /**
   * A managed policy SAM attaches to a function's generated role for a property set in some of the
   * ways it may be (samSet): attached, noted when not in all of them, by the conditions that choose.
   */
  protected samAttach(
    role: PrincipalEntry,
    arn: string,
    ways: { set: boolean; conditions: string[] }[],
    path: JsonPath,
  ): void {
    const set = ways.filter((w) => w.set);
    if (set.length === 0) return;
    this.attach(
      role,
      this.managedIds(arn, [...path]),
      set.length < ways.length ? ways.flatMap((w) => w.conditions) : [],
    );
  }

  /** A principal's id without the file's path (its logical id). */
  protected shortId(p: PrincipalEntry): string {
    return p.record.id.slice(this.file.path.length + 1);
  }

  /** The trust policy records a resource holds become the role's (roleTrust reads them by id). */
  private linkTrust(p: PrincipalEntry, owner: string): void {
    if (p.record.type !== 'role') return;
    const trust = (this.recordsOf.get(owner) ?? []).filter((x) => x.kind === 'trust').map((x) => x.id);
    if (trust.length) (p.record.trustIds ??= []).push(...trust);
  }

  linkPrincipals(live: Resource[]): void {
    for (const r of live) this.asCreated(r, () => this.linkOne(r));
  }

  /** The ManagedPolicy resources of this template named as a permissions boundary, with the principals they bound. */
  private readonly boundaries = new Map<string, string[]>();

  /**
   * A role's or user's PermissionsBoundary: set on its principal as written (the managed policy of
   * this template it names, the ARN, or the expression when not known); a managed policy of this
   * template so named is noted (finish: one no principal holds grants nothing).
   */
  private boundary(p: PrincipalEntry, raw: unknown): void {
    // (each value an Fn::If may give, as alternatives() reads it: a policy named in either branch is
    // a boundary, never a grant; a review found one under an Fn::If on a default audited as granted)
    const values = this.alternatives(raw).filter((a) => a.value !== undefined && a.value !== NO_VALUE);
    if (values.length > 1) {
      for (const a of values) this.boundary(p, a.value);
      return;
    }
    raw = values[0]?.value;
    if (raw === undefined) return;
    let shown: string;
    const ref = isObject(raw) && typeof raw.Ref === 'string' ? this.resources.get(raw.Ref) : undefined;
    if (ref?.type === 'AWS::IAM::ManagedPolicy') {
      shown = ref.logicalId;
      this.boundaries.set(ref.logicalId, [...(this.boundaries.get(ref.logicalId) ?? []), this.shortId(p)]);
    } else {
      this.ev.begin();
      const v = this.ev.eval(raw);
      if (v === NO_VALUE) return;
      shown = typeof v === 'string' ? clipText(v) : clipText(JSON.stringify(raw) ?? '');
    }
    p.record.permissionsBoundary = shown;
  }

  /** What `r` attaches, and to what it is attached (linkPrincipals). */
  private linkOne(r: Resource): void {
    const P = [...r.path, 'Properties'];
    const own = (this.recordsOf.get(r.logicalId) ?? []).filter((x) => x.kind === 'identity');
    if (PRINCIPAL_TYPES[r.type]) {
      const p = this.principal(r)!;
      p.record.policyIds.push(...own.map((x) => x.id));
      this.linkTrust(p, r.logicalId);
      // (a list, or an item, chosen by a condition not known: the policies of both branches)
      for (const whole of this.listsOf(r.props.ManagedPolicyArns, [...P, 'ManagedPolicyArns']))
        for (const it of this.items(whole.value, whole.path))
          for (const one of this.alternatives(it.value))
            this.attach(p, this.managedIds(one.value, it.path), [...whole.conditions, ...one.conditions]);
      if (r.type !== 'AWS::IAM::Group') this.boundary(p, r.props.PermissionsBoundary);
      if (r.type === 'AWS::IAM::User')
        for (const g of this.targets(r.props.Groups, [...P, 'Groups'], 'group')) this.member(p, g);
    }
    if (SAM_FUNCTIONS.has(r.type)) {
      const roleRes = this.resources.get(`${r.logicalId}Role`);
      let role: PrincipalEntry | undefined;
      if (roleRes?.implicitFor === r.logicalId) {
        // (made for a Role an Fn::If may leave out: none when the Role is surely given)
        if (this.roleGiven(r)) return;
        role = this.principal(roleRes);
      } else {
        const targets = this.targets([r.props.Role], [...P, 'Role'], 'role');
        role = targets[0];
        if (!role) {
          // Its Role is an ARN or name from elsewhere: the function's policies are not used by SAM.
          return;
        }
      }
      if (!role) return;
      role.record.policyIds.push(...own.map((x) => x.id));
      if (roleRes?.implicitFor === r.logicalId) {
        // (the role SAM makes has the function's AssumeRolePolicyDocument, when written; else the
        // one SAM writes)
        this.linkTrust(role, r.logicalId);
        if (!role.record.trustIds) role.record.trustServices = [SAM_TRUSTED_SERVICE[r.type]!];
        // (SAM sets the function's or state machine's PermissionsBoundary, a function's merged with
        // the Globals one, on the role it makes, and on no role the template gives)
        this.boundary(role, this.samMerged(r, 'PermissionsBoundary')?.value);
        // (a state machine's role gets none of these, but X-Ray: samStateMachineTracing)
        if (r.type === 'AWS::Serverless::Function') this.samImplicitPolicies(r, role);
        else this.samStateMachineTracing(r, role);
        const raw = r.props.Policies;
        // (the list, or an entry, chosen by a condition not known: the managed policies of both branches)
        const entries =
          typeof raw === 'string'
            ? [{ value: raw, path: [...P, 'Policies'], conditions: [] as string[] }]
            : this.listsOf(raw, [...P, 'Policies']).flatMap((l) =>
                this.items(l.value, l.path).map((it) => ({ ...it, conditions: l.conditions })),
              );
        for (const it of entries) {
          const first = samPolicyEntry(it.value);
          const values =
            first.kind === 'expression'
              ? this.alternatives(first.value).map((a) => ({
                  value: a.value,
                  conditions: [...it.conditions, ...a.conditions],
                }))
              : [{ value: it.value, conditions: it.conditions }];
          for (const { value, conditions } of values) {
            let e = first.kind === 'expression' ? samPolicyEntry(value) : first;
            if (e.kind === 'expression') {
              const v = this.ev.eval(e.value);
              if (v === NO_VALUE || asUnknown(v)) continue;
              e = samPolicyEntry(v);
            }
            if (e.kind === 'managed') this.attach(role, this.managedIds(e.value, it.path), conditions);
          }
        }
      }
    }
    const attach: [string, PrincipalRecord['type']][] =
      r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy'
        ? [
            ['Roles', 'role'],
            ['Users', 'user'],
            ['Groups', 'group'],
          ]
        : r.type === 'AWS::IAM::RolePolicy'
          ? [['RoleName', 'role']]
          : r.type === 'AWS::IAM::UserPolicy'
            ? [['UserName', 'user']]
            : r.type === 'AWS::IAM::GroupPolicy'
              ? [['GroupName', 'group']]
              : [];
    for (const [prop, type] of attach) {
      const raw = r.props[prop];
      // (a user or a group it names that is not in the template, made elsewhere: still people's)
      if (
        type !== 'role' &&
        this.items(Array.isArray(raw) || raw === undefined ? raw : [raw], [...P, prop]).some(
          (it) =>
            this.chosen(it.value) !== NO_VALUE && this.targets([it.value], [...P, prop], type).length === 0,
        )
      )
        for (const x of own) x.heldByPeople = true;
      for (const { p, conditions } of this.targetsWith(
        Array.isArray(raw) || raw === undefined ? raw : [raw],
        [...P, prop],
        type,
      )) {
        p.record.policyIds.push(...own.map((x) => x.id));
        // (to a principal both branches of an Fn::If name, neither chosen: noted as such)
        this.noteHolder(p, conditions);
        if (conditions.length > 0)
          this.noteAttached(
            own.map((x) => x.id),
            [`attached to ${this.shortId(p)} by an Fn::If ${this.ifChoice(conditions)}: audited as attached`],
          );
        // (surely attached, when neither may not be created: no note that it may not be)
        // (an item chosen by an Fn::If, whose condition may not be known, is not surely attached)
        if (
          !this.unknownCondition(r) &&
          !this.unknownCondition(p.resource) &&
          !JSON.stringify(raw ?? null).includes('"Fn::If"')
        )
          for (const x of own) this.attachNotes.set(x.id, null);
      }
    }
    if (r.type === 'AWS::SSO::PermissionSet') this.permissionSetPolicies(r);
    // (a SAM connector not read: held by its source's role, the one SAM makes or an IAM role)
    for (const c of this.samConnectors(r)) {
      const source = c.source === undefined ? undefined : this.resources.get(c.source);
      const made =
        source && SAM_FUNCTIONS.has(source.type) ? this.resources.get(`${source.logicalId}Role`) : undefined;
      const holder = made?.implicitFor === source?.logicalId ? made : source;
      // (a source with a role of its own, a function's Role or a state machine's RoleArn: that
      // role, as the translator attaches the connector's policy to it)
      const own = source && holder === source ? (source.props.Role ?? source.props.RoleArn) : undefined;
      const p =
        holder && PRINCIPAL_TYPES[holder.type] === 'role' && this.exists(holder)
          ? this.principal(holder)
          : own !== undefined
            ? this.targets([own], [...source!.path, 'Properties'], 'role')[0]
            : undefined;
      const rec = this.policies.find((x) => x.address === c.address && x.status === 'unresolved');
      if (p && rec) p.record.policyIds.push(rec.id);
    }
    if (r.type === 'AWS::IAM::UserToGroupAddition') {
      const groups = this.targets([r.props.GroupName], [...P, 'GroupName'], 'group');
      for (const u of this.targets(r.props.Users, [...P, 'Users'], 'user'))
        for (const g of groups) this.member(u, g);
    }
  }

  /**
   * Per policy record attached: the notes of its attachments when each may not be made (an
   * Fn::If, a resource's Condition not known), null once one surely is.
   */
  private readonly attachNotes = new Map<string, string[] | null>();

  protected readonly memberships: [PrincipalEntry, PrincipalEntry][] = [];
  protected member(u: PrincipalEntry, g: PrincipalEntry): void {
    this.memberships.push([u, g]);
  }

  finish(): InputResult {
    const byId = new Map(this.policies.map((x) => [x.id, x]));
    for (const [id, notes] of this.attachNotes) {
      if (!notes) continue;
      const rec = byId.get(id);
      if (!rec) continue;
      // (a policy attached to thousands of roles so: a few notes and a count, not one per role; a
      // review found 560 KB of notes on each finding of such a policy)
      const distinct = [...new Set(notes)].filter((n) => !rec.approximate?.includes(n));
      const shown = distinct.slice(0, MAX_ATTACH_NOTES);
      if (distinct.length > shown.length)
        shown.push(
          `and ${distinct.length - shown.length} more attachments that may not be made, read likewise`,
        );
      if (shown.length) (rec.approximate ??= []).push(...shown);
    }
    for (const [u, g] of this.memberships) {
      u.record.policyIds.push(...g.record.policyIds);
      u.record.unresolved.push(
        ...g.record.unresolved.map((x) => ({ ref: `${g.record.id}: ${x.ref}`, reason: x.reason })),
      );
    }
    for (const p of this.principals.values()) p.record.policyIds = [...new Set(p.record.policyIds)];
    // A managed policy named only as a permissions boundary grants nothing: listed, not audited.
    // Not when it names principals of its own, or when some attachment of the template is not
    // known (it may be this policy).
    const principals = [...this.principals.values()].map((p) => p.record);
    const held = new Set(principals.flatMap((p) => p.policyIds));
    const unknownAttachment = principals.some((p) => p.unresolved.length > 0);
    for (const [logicalId, bounds] of this.boundaries) {
      const own = this.resources.get(logicalId)?.props ?? {};
      if (unknownAttachment || ['Roles', 'Users', 'Groups'].some((k) => own[k] !== undefined)) continue;
      for (const rec of this.recordsOf.get(logicalId) ?? [])
        if (!held.has(rec.id))
          rec.grantsNothing = boundaryOnlyReason(`of ${[...new Set(bounds)].join(', ')}`);
    }
    noteBoundaries(this.policies, principals);
    const lines = this.tpl.linesOf(this.linePaths.map((x) => x.path));
    this.linePaths.forEach((x, i) => x.set(lines[i]));
    for (const rec of this.policies)
      if (rec.statementLines) rec.statementLines = rec.statementLines.map((l) => l ?? rec.line ?? 1);
    const result: InputResult = {
      path: this.file.path,
      kind: 'cloudformation',
      status: 'audited',
      policies: this.policies,
      errors: this.errors,
      principals: [...this.principals.values()].map((p) => p.record),
    };
    if (this.policies.length === 0) result.reason = 'no IAM policies in this template';
    return boundDocuments(result);
  }

  run(): InputResult {
    this.dependencyCycles();
    const live = [...this.resources.values()].filter((r) => this.exists(r));
    for (const u of this.unread) this.unresolved(u.address, u.address, 'identity', u.path, u.reason);
    // A resource that holds policies but is not created with the parameters' defaults is said so
    // (a stack deployed with other values has it), never left out in silence.
    for (const r of this.resources.values())
      if (r.condition && !r.implicitFor && !live.includes(r) && holdsPolicies(r.type))
        this.unresolved(
          r.logicalId,
          r.logicalId,
          r.type.startsWith('AWS::IAM::') || SAM_FUNCTIONS.has(r.type) || r.type === 'AWS::SSO::PermissionSet'
            ? 'identity'
            : 'resource',
          r.path,
          `created only when its condition ${r.condition} is true, which it is not as read (the parameters at their defaults, the partition aws): its policies are not audited (a stack deployed with other values has them)`,
        );
    // Every record first (in the template's order): principals and attachments refer to them.
    for (const r of live) this.asCreated(r, () => this.policiesOf(r));
    this.noteConditions(live);
    this.linkPrincipals(live);
    return this.finish();
  }

  /**
   * The policies of a resource whose Condition is not known offline: audited as created (exists()),
   * said so on each (those attached to it: attach()).
   */
  protected noteConditions(live: Resource[]): void {
    for (const r of live) {
      const c = this.unknownCondition(r);
      if (!c) continue;
      const note = `${r.logicalId} is created only when its condition ${c.name} is true, which is not known (${c.why}): audited as created`;
      for (const rec of this.recordsOf.get(r.logicalId) ?? [])
        if (!rec.approximate?.includes(note)) (rec.approximate ??= []).push(note);
    }
  }

  /** Resources that depend on each other in a circle (Ref, Fn::GetAtt, Fn::Sub, DependsOn): CloudFormation rejects them. */
  protected dependencyCycles(): void {
    const ids = [...this.resources.keys()];
    const deps = new Map<string, Set<string>>();
    const res = isObject(this.root.Resources) ? this.root.Resources : {};
    for (const id of ids) {
      const out = new Set<string>();
      const def = res[id];
      const stack: unknown[] = [def];
      // YAML aliases share values: each one is walked once.
      const seen = new Set<object>();
      while (stack.length > 0) {
        const v = stack.pop();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) continue;
          seen.add(v);
        }
        if (Array.isArray(v)) for (const x of v) stack.push(x);
        else if (isObject(v)) {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'Ref' && typeof x === 'string') out.add(x);
            else if (k === 'Fn::GetAtt')
              out.add(typeof x === 'string' ? x.split('.')[0]! : Array.isArray(x) ? String(x[0]) : '');
            else if (k === 'Fn::Sub') for (const n of subNames(x)) out.add(n);
            else if (k === 'DependsOn' && v === def)
              for (const d of Array.isArray(x) ? x : [x]) if (typeof d === 'string') out.add(d);
            stack.push(x);
          }
        }
      }
      deps.set(id, new Set([...out].filter((d) => res[d] !== undefined)));
    }
    // Tarjan's strongly connected components, iteratively.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const st: string[] = [];
    for (const start of ids) {
      if (idx.has(start) || !res[start]) continue;
      const work: [string, string[]][] = [];
      const visit = (n: string) => {
        idx.set(n, index);
        low.set(n, index++);
        st.push(n);
        onStack.add(n);
        work.push([n, [...(deps.get(n) ?? [])]]);
      };
      visit(start);
      while (work.length > 0) {
        const [n, rest] = work[work.length - 1]!;
        if (rest.length > 0) {
          const m = rest.shift()!;
          if (!idx.has(m)) visit(m);
          else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, idx.get(m)!));
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1]![0];
          low.set(parent, Math.min(low.get(parent)!, low.get(n)!));
        }
        if (low.get(n) === idx.get(n)) {
          const comp: string[] = [];
          let x: string;
          do {
            x = st.pop()!;
            onStack.delete(x);
            comp.push(x);
          } while (x !== n);
          if (comp.length > 1 || deps.get(n)?.has(n)) {
            comp.sort();
            this.error(
              `circular dependency between resources ${comp.join(', ')} (through Ref, Fn::GetAtt, Fn::Sub or DependsOn): CloudFormation rejects this template; break the cycle`,
              ['Resources', comp[0]!],
            );
          }
        }
      }
    }
  }
}
