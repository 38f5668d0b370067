// The audit's plan: which baseline (and sets) each policy, principal and trust policy is held to,
// from the configuration, the --baseline option or detection, and what is not audited, and why. Pure.
import { detectBaseline } from '../baselines/detect.js';
import { findBaseline } from '../baselines/load.js';
import { activeSets, resolveBaselineSpec, splitSpec } from '../baselines/resolve.js';
import { CONFIG_PATH, type AuditConfig } from '../config/config.js';
import { matchesSelector } from '../config/select.js';
import { loadCatalog, type Catalog } from '../policy/catalog.js';
import { asList, list } from '../sources/terraform/values.js';
import { LEFT_OUT_DOCUMENTS, LEFT_OUT_STATEMENTS } from '../sources/records.js';
import type {
  Baseline,
  Finding,
  LoadedInput,
  PolicyRecord,
  PrincipalRecord,
  ReportPolicy,
} from '../core/types.js';
import {
  principalFit,
  roleTrust,
  serviceOnlyGrantees,
  serviceOnlyReason,
  trustAccounts,
  trustLookup,
  trustOthers,
  trustServices,
} from './trust-context.js';
import {
  grantsOnlyIndex,
  type Assignment,
  type AuditPlan,
  type EarlierFit,
  type BaseDocs,
  type PreparedPolicy,
  type TrustAssignment,
} from './audit.js';
import { parsePolicyDocument, type PolicyDocument } from '../policy/document.js';
import { trustApplies, trustFindings } from './trust.js';
import { ConfigError } from '../core/errors.js';

/**
 * The notes on the detected policies that an earlier version of their vendor's baseline fits
 * better than the current one (Coiled's 2022 template, with the ECS backend's permissions): each
 * is audited against the current version, so what that version no longer asks for is reported
 * beyond it; the note says which version the policy follows, which of the actions beyond the
 * current one that version asked for, and how to audit against it, since a policy may follow it
 * on purpose.
 */
export function earlierVersionNotes(
  fits: readonly EarlierFit[],
  findings: readonly Finding[],
  catalog: Catalog,
): string[] {
  const notes: string[] = [];
  for (const { current, earlier, ids, confidence, currentConfidence } of fits) {
    const earlierKeys = new Set<string>();
    for (const set of earlier.sets)
      for (const st of set.statements) {
        if (!st || typeof st !== 'object' || (st as { Effect?: unknown }).Effect !== 'Allow') continue;
        for (const a of asList((st as { Action?: unknown }).Action))
          if (typeof a === 'string') for (const x of catalog.expand(a)) earlierKeys.add(x.key);
      }
    const mine = new Set(ids);
    const dropped = new Set<string>();
    for (const f of findings)
      if (f.kind === 'excess-action' && !f.removed && mine.has(f.policy))
        for (const a of f.actions) {
          const key = catalog.lookup(a)?.key;
          if (key && earlierKeys.has(key)) dropped.add(a);
        }
    const one = ids.length === 1;
    const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
    // The scores of one policy; of several, none (each has its own).
    const scores = one
      ? ` (${confidence.toFixed(2)}, against ${currentConfidence.toFixed(2)} for the current ${current.id})`
      : '';
    // By service (the findings name each action): `ec2 18, ecs 10, secretsmanager 1`.
    const byService = new Map<string, number>();
    for (const a of dropped) {
      const svc = a.slice(0, a.indexOf(':'));
      byService.set(svc, (byService.get(svc) ?? 0) + 1);
    }
    const services = [...byService]
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .map(([svc, n]) => `${svc} ${n}`);
    const what = dropped.size
      ? `: ${dropped.size} of the actions ${one ? 'it grants' : 'they grant'} beyond it ${dropped.size === 1 ? 'is' : 'are'} ${earlier.id}'s, which ${current.name} no longer asks for (${dropped.size === 1 ? [...dropped][0] : list(services, 8)}), reported as excess`
      : '';
    notes.push(
      `${shown}: ${one ? 'follows' : 'follow'} an earlier version of ${current.name}'s policy: ${earlier.id} fits ${one ? 'it' : 'them'} better${scores}. ${one ? 'It is' : 'They are'} audited against the current ${current.id}${what}. If ${one ? 'it follows' : 'they follow'} ${earlier.id} on purpose, audit with --baseline ${earlier.id}.`,
    );
  }
  return notes;
}

/**
 * The principals an audit selects of which no policy could be read (a policy that is a variable's
 * value, an attachment whose ARN is not known: `policy_arn = var.arn`), or that hold none,
 * or only AWS managed policies its baseline documents attaching (which only grant): the engine
 * audits nothing of them, so each is listed as not audited, naming what it could not read (each
 * listed on its own line too), not left unsaid. A principal some of whose policies were read is
 * audited, its missing permissions marked unsure by the others (Auditor.run).
 */
export function principalsNotAudited(
  plan: AuditPlan,
  principals: Map<string, PrincipalRecord>,
  prepared: Map<string, PreparedPolicy>,
): ReportPolicy[] {
  // (what the engine makes a unit's members of: a document read, as Auditor.run)
  const read = (id: string) => {
    const p = prepared.get(id);
    return !!(p?.doc && p.raw);
  };
  const grantsOnly = grantsOnlyIndex(plan);
  const against = new Map<PrincipalRecord, string[]>();
  for (const a of plan.assignments) {
    const pr = principals.get(a.target);
    if (!pr || pr.policyIds.some((id) => read(id) && !grantsOnly.has(a, id))) continue;
    (against.get(pr) ?? against.set(pr, []).get(pr)!).push(a.baseline.id);
  }
  return [...against].map(([pr, baselines]) => {
    const label = (id: string) => {
      const r = prepared.get(id)?.record;
      if (!r) return id;
      const name = r.address ?? r.name ?? r.id;
      return r.path === pr.path ? name : `${r.path} ${name}`;
    };
    // (each policy read is here one its baseline documents attaching)
    const documented = pr.policyIds.filter(read).map(label);
    const unread = [
      ...pr.policyIds.filter((id) => !read(id)).map(label),
      ...pr.unresolved.map((u) => `${u.ref} (an attachment)`),
    ];
    const address = pr.address ?? (pr.id.startsWith(`${pr.path}#`) ? pr.id.slice(pr.path.length + 1) : pr.id);
    const reasons: string[] = [];
    if (documented.length)
      reasons.push(
        `${list(documented)} ${documented.length === 1 ? 'is an AWS managed policy' : 'are AWS managed policies'} that its baseline documents attaching, not held to its statements`,
      );
    if (unread.length)
      reasons.push(
        documented.length
          ? `the others could not be read: ${list(unread)}`
          : `none of its policies could be read: ${list(unread)}`,
      );
    const why = reasons.length ? reasons.join('; ') : 'it holds no policy in the inputs read';
    // Of the engine's entries' shape (see Auditor.run): every field, undefined where empty.
    return {
      id: pr.id,
      path: pr.path,
      line: pr.line,
      address,
      kind: 'identity',
      baseline: undefined,
      sets: undefined,
      features: undefined,
      status: unread.length ? 'unresolved' : 'not-matched',
      reason: `selected to be audited as a whole against ${list(baselines)}, not audited: ${why}`,
      detection: undefined,
    };
  });
}

/** The baseline of an audit that holds the policies it selects to no baseline (no vendor's). */
export const NO_BASELINE = 'none';

/** `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` -> `job-function/ViewOnlyAccess`. */
export const MANAGED_NAME = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** An AWS managed policy's name after `policy/` (`job-function/ViewOnlyAccess`), from its address. */
export function managedName(p: PreparedPolicy | undefined): string | undefined {
  const address = p?.record.address;
  return address === undefined ? undefined : MANAGED_NAME.exec(address)?.[1];
}

/**
 * Policies held by a role, user or group beside a policy detected as a vendor's, and not yet
 * assigned to that vendor: what they grant, the vendor's principal grants too, so they are
 * assigned to that baseline as detected. Of those: AWS managed policies (one detection matched to
 * another vendor, or to none), and the repository's own policies that match no baseline held by a
 * role (a `break-glass` policy with `*` on the vendor's role; before, listed as "matches no known
 * vendor baseline" and its grants never audited; a review). One its baseline lists under
 * `managed-policies` (CloudZero's ViewOnlyAccess beside its inline policy) is then listed as
 * documented by documentedAttachments, and what it grants counted; any other (PowerUserAccess on
 * CloudZero's role) is audited, as it would be were the role named in a configuration. (Datadog's
 * SecurityAudit is matched on its own where its role trusts Datadog's account.) A policy detected
 * as another vendor's, or kept from a vendor by its principal's trust, stays as it was; so does
 * one held only by roles that only a service may assume, beside a policy of a baseline that is not
 * for instance roles (the CloudWatch policy of Anyscale's cluster node role, beside the S3 policy
 * its module attaches to both that role and the cross-account role: principalFit).
 */
export function managedBesideDetected(
  plan: AuditPlan,
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
  unmatched: ReadonlySet<string>,
  roles: ReturnType<typeof roleTrust>,
): void {
  const managed = [...prepared.keys()].filter(
    (id) =>
      unmatched.has(id) ||
      (managedName(prepared.get(id)) !== undefined && prepared.get(id)!.record.kind !== 'trust'),
  );
  // (the repository's own policies only beside a role's: a group or a user is people, whose other
  // policies are theirs, not the vendor's; a review)
  const roleOnly = (id: string, pr: PrincipalRecord) => !unmatched.has(id) || pr.type === 'role';
  if (!managed.length) return;
  const detected = new Map<string, Assignment>();
  // (the baselines each policy is already assigned to: a managed policy detected as Datadog's, on
  // Datadog's role, is on Coiled's role too Coiled's to audit)
  const assigned = new Map<string, Set<string>>();
  for (const a of plan.assignments) {
    if (a.group === 'detected') detected.set(a.target, a);
    (assigned.get(a.target) ?? assigned.set(a.target, new Set()).get(a.target)!).add(a.baseline.id);
  }
  const holders = new Map<string, PrincipalRecord[]>();
  for (const pr of principals.values())
    for (const id of pr.policyIds) (holders.get(id) ?? holders.set(id, []).get(id)!).push(pr);
  for (const id of managed) {
    // (held only by roles a service alone may assume: an instance role's, for the baselines that
    // are not for instance roles)
    const held = roles.byPolicy.get(id);
    const serviceRole =
      held !== undefined &&
      !held.alsoOther &&
      !roles.unknown.has(id) &&
      !prepared.get(id)?.record.heldByPeople;
    const fits = (b: Baseline) =>
      !serviceRole || !principalFit(b, held.services, held.accounts, "its role's").exclude;
    // Per baseline, the first policy beside it detected as that vendor's.
    const by = new Map<string, { a: Assignment; beside: string; holder: string }>();
    for (const pr of holders.get(id) ?? []) {
      if (!roleOnly(id, pr)) continue;
      for (const sib of pr.policyIds) {
        const a = detected.get(sib);
        if (
          a &&
          sib !== id &&
          !by.has(a.baseline.id) &&
          !assigned.get(id)?.has(a.baseline.id) &&
          fits(a.baseline)
        )
          by.set(a.baseline.id, { a, beside: sib, holder: pr.id });
      }
    }
    if (!by.size) continue;
    plan.notAudited.delete(id);
    for (const { a, beside, holder } of by.values())
      plan.assignments.push({
        target: id,
        baseline: a.baseline,
        sets: a.sets,
        group: a.group,
        detection: {
          baseline: a.baseline.id,
          confidence: a.detection?.confidence ?? 0,
          evidence: [`held by ${holder} beside ${beside}, detected as ${a.baseline.name}'s`],
        },
      });
  }
}

/**
 * An AWS managed policy assigned to a baseline that names it under `managed-policies` (Datadog's
 * SecurityAudit, CloudZero's ViewOnlyAccess): documented by the vendor, so not held to the sets'
 * statements (it would be reported as thousands of excess actions), and listed with the reason. One
 * the vendor does not name is audited as any policy (AdministratorAccess on a vendor's role). The
 * same holds of one a principal audited as a whole holds: it is no member of the principal's unit
 * (Auditor.run), and neither chooses its sets nor has findings of its own.
 */
export function documentedAttachments(
  plan: AuditPlan,
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
  notes: string[],
): AuditPlan {
  const documentedIds = new Set<string>();
  /** Whether the policy `id` is a documented attachment for `a`: then planned to grant only. */
  const documented = (a: Assignment, id: string) => {
    const name = managedName(prepared.get(id));
    const managed = a.baseline.managedPolicies;
    if (name === undefined || !managed || !Object.hasOwn(managed, name)) return false;
    // What it grants still counts: a permission of the baseline it grants is not missing.
    (plan.grantsOnly ??= []).push({ ...a, target: id });
    documentedIds.add(id);
    const reason = `an AWS managed policy that ${a.baseline.name} documents attaching (${managed[name]}): not held to the ${a.baseline.id} baseline's own statements`;
    plan.notAudited.set(
      id,
      a.detection
        ? { status: 'not-matched', reason, detection: a.detection }
        : { status: 'not-matched', reason },
    );
    return true;
  };
  plan.assignments = plan.assignments.filter((a) => {
    const principal = principals.get(a.target);
    if (!principal) return !documented(a, a.target);
    for (const id of principal.policyIds) documented(a, id);
    return true;
  });
  // One documented by a vendor and audited against another (SecurityAudit on Datadog's role and on
  // Coiled's) is audited: its entry is not "not audited", and a note says whose it stays.
  for (const a of plan.assignments) {
    if (principals.has(a.target)) continue;
    const na = plan.notAudited.get(a.target);
    if (!na) continue;
    plan.notAudited.delete(a.target);
    if (!documentedIds.has(a.target)) continue;
    const r = prepared.get(a.target)?.record;
    notes.push(
      `${r ? `${r.path} ${r.address ?? r.id}` : a.target}: ${na.reason}; it is audited against ${a.baseline.name} where ${a.baseline.name}'s principals hold it: detach it from those only.`,
    );
  }
  return plan;
}

/** Each role of the inputs with its trust policy record (trustLookup), where it has one. */
export function* rolesWithTrust(
  inputs: LoadedInput[],
): Generator<{ principal: PrincipalRecord; trust: PolicyRecord }> {
  for (const { result } of inputs) {
    if (!result.principals?.length) continue;
    const trustOf = trustLookup(result);
    for (const principal of result.principals) {
      const trust = principal.type === 'role' ? trustOf(principal) : undefined;
      if (trust) yield { principal, trust };
    }
  }
}

/**
 * The trust policies held to their vendor's documented trust: listed as audited against it, their
 * findings added (new: those the base's version of the policy did not have).
 */
export function auditTrust(
  list: TrustAssignment[],
  inputs: LoadedInput[],
  prepared: Map<string, PreparedPolicy>,
  outcome: { policies: ReportPolicy[]; findings: Finding[] },
  catalog: Catalog,
  base: BaseDocs | undefined,
  ownAccount: string | undefined,
): void {
  const entries = new Map(outcome.policies.map((e) => [e.id, e]));
  // The name of each trust policy's role (a role may trust itself).
  const roleNames = new Map<string, string>();
  for (const { principal, trust } of rolesWithTrust(inputs))
    if (principal.name) roleNames.set(trust.id, principal.name);
  for (const t of list) {
    const p = prepared.get(t.id);
    const entry = entries.get(t.id);
    if (!p?.doc || !entry) continue;
    entry.status = 'audited';
    entry.baseline = t.baseline.id;
    delete entry.reason;
    if (t.detection) entry.detection = t.detection;
    const input = {
      record: p.record,
      baseline: t.baseline,
      catalog,
      ownAccount,
      ...(roleNames.has(t.id) ? { roleName: roleNames.get(t.id)! } : {}),
      ...(t.byRole ? { byRole: true } : {}),
    };
    const found = trustFindings({ ...input, doc: p.doc });
    // What the policy was before the change: the base's (a pull request) or the plan's `before`.
    let before: PolicyDocument | null | undefined;
    if (p.record.before !== undefined)
      before = p.record.before === null ? null : (parsePolicyDocument(p.record.before).doc ?? undefined);
    else if (base) before = base.get(t.id)?.doc ?? null;
    // New: a principal this kind of finding names that the base's did not (a principal trusted, or
    // trusted without the condition, that was not before); not the order or the wording.
    const keys = (f: Finding) => f.resources.map((r) => `${f.kind}\u0000${r}`);
    const had =
      before === undefined || before === null
        ? undefined
        : new Set(trustFindings({ ...input, doc: before }).flatMap(keys));
    for (const f of found) {
      if (before === null) f.new = true;
      else if (had) f.new = keys(f).some((k) => !had.has(k));
      outcome.findings.push(f);
    }
  }
}

/** The note of an audit of the configuration whose `policies` select none (main.ts warns of it). */
export const SELECTS_NO_POLICY = /^Audit #\d+ \(baseline [^)]*\) selects no policy: /;

export const TRUST_REASON =
  'trust policy: it says who may assume the role, not what the role may do; used as evidence for detection';

/**
 * A role's trust policy that its own principals did not tie to a vendor (`"AWS": "*"`, a principal
 * not known here) is held to the documented trust of the baseline its role's permissions are
 * audited against, where that is one baseline with a documented trust and the trust policy lets
 * the vendor's principals, any account or a principal not known here assume the role
 * (trustApplies `byRole`).
 */
export function trustOfRoles(
  plan: AuditPlan,
  prepared: Map<string, PreparedPolicy>,
  inputs: LoadedInput[],
): AuditPlan {
  // The roles whose trust policy is left unaudited (most plans have few or none: nothing else is
  // made for a plan of thousands of policies).
  const candidates = [...rolesWithTrust(inputs)].filter(
    ({ trust }) => plan.notAudited.get(trust.id)?.reason === TRUST_REASON,
  );
  if (!candidates.length) return plan;
  const wanted = new Set(candidates.flatMap(({ principal }) => [principal.id, ...principal.policyIds]));
  const baselinesOf = new Map<string, Set<Baseline>>();
  for (const a of plan.assignments)
    if (wanted.has(a.target))
      (baselinesOf.get(a.target) ?? baselinesOf.set(a.target, new Set()).get(a.target)!).add(a.baseline);
  for (const { principal, trust: t } of candidates) {
    const na = plan.notAudited.get(t.id)!;
    const found = new Set<Baseline>();
    for (const id of [principal.id, ...principal.policyIds])
      for (const b of baselinesOf.get(id) ?? []) if (b.trust) found.add(b);
    if (found.size !== 1) continue;
    const [b] = [...found] as [Baseline & { trust: NonNullable<Baseline['trust']> }];
    const p = prepared.get(t.id);
    if (!p?.doc || !trustApplies(p.doc, b.trust, loadCatalog(), true)) continue;
    plan.notAudited.delete(t.id);
    (plan.trust ??= []).push({
      id: t.id,
      baseline: b,
      byRole: true,
      ...(na.detection ? { detection: na.detection } : {}),
    });
  }
  return plan;
}

export function planAudit(
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
  inputs: LoadedInput[],
  baselines: Baseline[],
  config: AuditConfig | undefined,
  baselineSpec: string | undefined,
  readFile: (p: string) => string | undefined,
  notes: string[],
): AuditPlan {
  const plan: AuditPlan = { assignments: [], notAudited: new Map() };
  /** Detected policies an earlier version fits better, by current and earlier baseline. */
  const closer = new Map<string, EarlierFit>();
  /** The identity policies that match no baseline (managedBesideDetected). */
  const unmatched = new Set<string>();
  // A policy that grants nothing where it is used (a permissions boundary only): listed with why,
  // neither audited nor counted among the policies that could not be read.
  for (const p of prepared.values())
    if (p.record.grantsNothing !== undefined)
      plan.notAudited.set(p.record.id, { status: 'not-matched', reason: p.record.grantsNothing });
  const grants = [...prepared.values()].filter((p) => p.record.grantsNothing === undefined);
  const auditable = grants.filter((p) => p.record.status === 'resolved' && p.doc);
  // Policies that could not be read: those an audit would hold make its missing permissions unsure.
  const unreadable = grants.filter((p) => !(p.record.status === 'resolved' && p.doc));
  /**
   * A trust policy: held to its baseline's documented trust where it lets one of the vendor's
   * principals assume the role (trustApplies); else not audited (another role's trust), unless its
   * role's permissions tie it to the vendor (trustOfRoles).
   */
  const trustPolicy = (
    p: PreparedPolicy,
    baseline: Baseline | undefined,
    detection?: ReportPolicy['detection'],
    /** The baseline was named for it (--baseline): its role is the vendor's, as trustOfRoles finds. */
    named = false,
  ) => {
    if (baseline?.trust && p.doc && trustApplies(p.doc, baseline.trust, loadCatalog(), false, named)) {
      (plan.trust ??= []).push({
        id: p.record.id,
        baseline: baseline as TrustAssignment['baseline'],
        ...(detection ? { detection } : {}),
        // (held for the baseline's name alone: its principals taken as the vendor's, as by its role)
        ...(named && !trustApplies(p.doc, baseline.trust, loadCatalog()) ? { byRole: true as const } : {}),
      });
      return;
    }
    plan.notAudited.set(p.record.id, {
      status: 'not-matched',
      reason: TRUST_REASON,
      ...(detection ? { detection } : {}),
    });
  };

  if (baselineSpec) {
    const { baseline, sets } = resolveBaselineSpec(baselineSpec, readFile, baselines);
    const explicitSets =
      splitSpec(baselineSpec).sets !== undefined &&
      !findBaseline(baselineSpec, baselines) &&
      readFile(baselineSpec.trim()) === undefined;
    for (const p of auditable) {
      if (p.record.kind === 'trust') {
        // (a review: `"AWS": "*"` with an external ID, audited with --baseline coiled, was left
        // out as another role's trust: the least restrictive trust was the one not audited). Only
        // a trust policy file of its own: a Terraform or CloudFormation role is tied to the vendor
        // by its principals or its permissions (trustOfRoles), not by the baseline named for a
        // whole repository, whose other integrations' roles trust a variable under an external ID
        // too (a second review: a Snowflake role was told it lets any account assume it).
        trustPolicy(p, baseline, undefined, p.record.address === undefined);
        continue;
      }
      // Never a vendor's grant, whichever baseline is named (a bucket policy for billingreports).
      const grantees = p.record.kind === 'resource' ? serviceOnlyGrantees(p.raw) : undefined;
      if (grantees) {
        plan.notAudited.set(p.record.id, {
          status: 'not-matched',
          reason: serviceOnlyReason(grantees, baseline, p.record.approximate),
        });
        continue;
      }
      plan.assignments.push({ target: p.record.id, baseline, sets, group: 'cli', explicitSets });
    }
    const unread = unreadable.filter((p) => p.record.kind !== 'trust').map((p) => p.record.id);
    if (unread.length) plan.unread = new Map([['cli', unread]]);
    return trustOfRoles(documentedAttachments(plan, prepared, principals, notes), prepared, inputs);
  }

  // The configuration's audits first; a configuration without audits (only an account, own
  // baselines or ignore rules) leaves each policy to detection, as without a configuration.
  let toDetect = auditable;
  if (config && config.audits.length > 0) {
    const covered = new Set<string>();
    /** Policies an audit with `baseline: none` selects, by id: the first such audit's index. */
    const heldToNone = new Map<string, number>();
    // What an audit's selectors select: a principal (by its path, address or id), a policy.
    const selectsPrincipal = (audit: { policies: string[] }, principal: PrincipalRecord) =>
      audit.policies.some((sel) =>
        matchesSelector(sel, { path: principal.path, address: principal.address ?? principal.id }, [
          principal.id,
        ]),
      );
    const selectsPolicy = (audit: { policies: string[] }, p: PreparedPolicy) =>
      audit.policies.some((sel) => matchesSelector(sel, { path: p.record.path, address: p.record.address }));
    config.audits.forEach((audit, i) => {
      const at = (line: number | undefined, field: string) =>
        `${config.path ?? CONFIG_PATH}${line ? `, line ${line}` : ''}: audits[${i}].${field}`;
      // `baseline: none`: the policies it selects are no vendor's (a detection that took one for a
      // vendor's, a policy of your own beside a vendor's): left to no detection, and audited only
      // by the audits that name a baseline for them.
      if (audit.baseline === NO_BASELINE) {
        if (audit.sets?.length)
          throw new ConfigError(
            `${at(audit.setLines?.[0] ?? audit.line, 'sets')}: baseline none has no sets`,
          );
        let selected = 0;
        const select = (id: string) => {
          if (!heldToNone.has(id)) heldToNone.set(id, i);
          selected++;
        };
        for (const principal of principals.values())
          if (selectsPrincipal(audit, principal)) principal.policyIds.forEach(select);
        for (const p of [...auditable, ...unreadable]) if (selectsPolicy(audit, p)) select(p.record.id);
        if (selected === 0)
          notes.push(`Audit #${i + 1} (baseline none) selects no policy: ${audit.policies.join(', ')}`);
        return;
      }
      let resolved: ReturnType<typeof resolveBaselineSpec>;
      try {
        resolved = resolveBaselineSpec(audit.baseline, readFile, baselines);
      } catch (e) {
        throw new ConfigError(`${at(audit.line, 'baseline')}: ${(e as Error).message}`);
      }
      // (an unknown set named at its own line)
      if (audit.sets?.length) {
        const chosen = resolved.baseline;
        audit.sets.forEach((set, j) => {
          try {
            activeSets(chosen, [set]);
          } catch (e) {
            throw new ConfigError(
              `${at(audit.setLines?.[j] ?? audit.line, `sets[${j}]`)}: ${(e as Error).message}`,
            );
          }
        });
        resolved = { baseline: chosen, sets: activeSets(chosen, audit.sets) };
      }
      const { baseline, sets } = resolved;
      let matched = 0;
      // Principals first: a selector naming a role audits the union of its policies.
      for (const principal of principals.values()) {
        if (!selectsPrincipal(audit, principal)) continue;
        plan.assignments.push({
          target: principal.id,
          baseline,
          sets,
          group: `audit-${i}`,
          explicitSets: !!audit.sets?.length,
        });
        principal.policyIds.forEach((id) => covered.add(`${i}:${id}`));
        principal.policyIds.forEach((id) => covered.add(id));
        matched++;
      }
      for (const p of auditable) {
        if (covered.has(`${i}:${p.record.id}`)) continue;
        if (!selectsPolicy(audit, p)) continue;
        covered.add(p.record.id);
        if (p.record.kind === 'trust') {
          trustPolicy(p, baseline);
          continue;
        }
        plan.assignments.push({
          target: p.record.id,
          baseline,
          sets,
          group: `audit-${i}`,
          explicitSets: !!audit.sets?.length,
        });
        matched++;
      }
      const unread = unreadable
        .filter((p) => p.record.kind !== 'trust' && selectsPolicy(audit, p))
        .map((p) => p.record.id);
      if (unread.length) (plan.unread ??= new Map()).set(`audit-${i}`, unread);
      if (matched === 0)
        notes.push(
          `Audit #${i + 1} (baseline ${audit.baseline}) selects no policy: ${audit.policies.join(', ')}`,
        );
    });
    // Held to no baseline, and audited by no other audit: said so, not detected.
    for (const p of auditable) {
      const i = heldToNone.get(p.record.id);
      if (i === undefined || covered.has(p.record.id) || plan.notAudited.has(p.record.id)) continue;
      covered.add(p.record.id);
      plan.notAudited.set(p.record.id, {
        status: 'not-matched',
        reason: `held to no baseline by the configuration (audits[${i}]: baseline none)`,
      });
    }
    // The policies no audit selects are left to detection, as the schema says.
    toDetect = auditable.filter((p) => !covered.has(p.record.id) && !plan.notAudited.has(p.record.id));
  }

  // Detect the baseline each policy (that no audit selects) most likely implements.
  const accounts = trustAccounts(inputs);
  const services = trustServices(inputs);
  const others = trustOthers(inputs);
  const roles = roleTrust(inputs);
  for (const p of toDetect) {
    const r = p.record;
    // The accounts that may assume its own roles, wherever they are written (an attachment in
    // another file than the role: AdministratorAccess on Datadog's role was not matched); none
    // from its file's other trust policies: a user's or a group's policy, a role's whose trust is
    // a variable, or a policy no principal here holds (attached elsewhere, to anyone), beside
    // Datadog's role in one file is not Datadog's for that. (A trust policy: its file's, as
    // evidence shown on it.)
    const held = roles.byPolicy.get(r.id);
    const d = detectBaseline(
      {
        name: r.name,
        address: r.address,
        path: r.path,
        kind: r.kind,
        document: p.raw,
        ...(managedName(p) !== undefined ? { awsManaged: true } : {}),
      },
      baselines,
      {
        trustAccounts:
          r.kind === 'trust' ? accounts.get(r.path) : held?.accounts.length ? held.accounts : undefined,
      },
    );
    if (r.kind === 'trust') {
      trustPolicy(
        p,
        d.match ? baselines.find((b) => b.id === d.match!.baseline) : undefined,
        d.match ?? d.best,
      );
      continue;
    }
    if (d.match) {
      const baseline = baselines.find((b) => b.id === d.match!.baseline)!;
      // The trust of the policy's own roles where known; of the trust policies of its file only
      // where no principal is known to hold it (a policy document read alone, an unattached
      // policy), and then only to leave it out as an instance role's, or say it may be one.
      const grantees = r.kind === 'resource' ? serviceOnlyGrantees(p.raw) : undefined;
      const fit: { exclude?: string; unsure?: string } = grantees
        ? { exclude: serviceOnlyReason(grantees, baseline, r.approximate) }
        : r.kind !== 'identity'
          ? {}
          : held?.alsoOther || r.heldByPeople || roles.unknown.has(r.id)
            ? {} // also held by a user or a group, or by a role whose trust is not known: audited
            : held
              ? principalFit(baseline, held.services, held.accounts, "its role's")
              : principalFit(
                  baseline,
                  services.get(r.path),
                  accounts.get(r.path),
                  "its file's",
                  others.has(r.path),
                );
      if (fit.exclude) {
        plan.notAudited.set(r.id, {
          status: 'not-matched',
          reason: fit.exclude,
          detection: { ...d.match, evidence: [...d.match.evidence, `principal: ${fit.exclude}`] },
        });
        continue;
      }
      const earlier = d.earlier && baselines.find((b) => b.id === d.earlier!.baseline);
      if (earlier) {
        const key = `${baseline.id}\u0000${earlier.id}`;
        let e = closer.get(key);
        if (!e)
          closer.set(
            key,
            (e = {
              current: baseline,
              earlier,
              ids: [],
              confidence: d.earlier!.confidence,
              currentConfidence: d.earlier!.currentConfidence,
            }),
          );
        e.ids.push(r.id);
      }
      plan.assignments.push({
        target: r.id,
        baseline,
        sets: activeSets(baseline, undefined),
        detection: fit.unsure
          ? { ...d.match, evidence: [...d.match.evidence, `principal: ${fit.unsure}`] }
          : d.match,
        group: 'detected',
      });
    } else {
      // A best candidate is named only when it scored something (`score 0.00` says nothing).
      const score = d.best?.confidence.toFixed(2);
      const best =
        d.best && score !== '0.00'
          ? ` (best candidate: ${d.best.baseline}, score ${score}${
              d.nameWithoutActions
                ? `: ${d.nameWithoutActions} names ${d.best.baseline}, but most of its actions are not ${d.best.baseline}'s, as in another component of the vendor's`
                : ''
            })`
          : '';
      // Matched on what was read: parts not known (a provider's data source among its source
      // documents, as Databricks' cross-account policy is) may be the vendor's, and are said (a
      // first-contact review: the reason named only the PassRole statement's score).
      const partial = r.approximate?.find(
        (n) => n.startsWith(LEFT_OUT_DOCUMENTS) || n.startsWith(LEFT_OUT_STATEMENTS),
      );
      const entry: { status: ReportPolicy['status']; reason: string; detection?: ReportPolicy['detection'] } =
        {
          status: 'not-matched',
          reason: `matches no known vendor baseline${best}${partial ? `, as read: ${partial}` : ''}`,
        };
      if (d.best) entry.detection = d.best;
      plan.notAudited.set(r.id, entry);
      if (r.kind === 'identity') unmatched.add(r.id);
    }
  }
  managedBesideDetected(plan, prepared, principals, unmatched, roles);
  // An earlier version that fits better: said once the findings are known (earlierVersionNotes).
  if (closer.size) plan.earlier = [...closer.values()];
  return trustOfRoles(documentedAttachments(plan, prepared, principals, notes), prepared, inputs);
}
