// The report's notes made from the findings and policies: other grantees, actions retired in a
// managed policy, permissions that need no IAM permission. Pure.
import { noPermissionSource } from '../policy/no-permission.js';
import { isAwsManagedPolicyArn } from '../sources/managed-policies.js';
import { LEFT_OUT_DOCUMENTS, ONE_VALUE_READ } from '../sources/records.js';
import type { Baseline, Finding, ReportPolicy } from '../core/types.js';
import { type AuditOutcome, type PreparedPolicy, VARIABLE_DEFAULTS_READ } from './audit.js';
import { statementLabel } from '../policy/document.js';
import type { JudgedStatements } from './grantees.js';

/**
 * One note per action that needs no permission (src/policy/no-permission.ts) and that some policy
 * grants where its baseline does not allow it: why it is not reported, and where (ten places at
 * the most).
 */
/**
 * Resource policies whose statements that grant only other principals than the vendor were not
 * judged against the vendor's baseline (grantees.ts): one note, the statements by policy.
 */
export function otherGranteeNotes(
  others: AuditOutcome['otherGrantees'],
  policies: readonly ReportPolicy[],
  baselines: readonly Baseline[],
): string[] {
  if (!others.size) return [];
  const byId = new Map(policies.map((p) => [p.id, p]));
  const names = new Map(baselines.map((b) => [b.id, b.name]));
  const where = (id: string, baseline: string) => {
    const p = byId.get(id);
    return `${p ? (p.address ? `${p.path} ${p.address}` : p.path) : id} (${names.get(baseline) ?? baseline})`;
  };
  const listed = (list: JudgedStatements['others']) => {
    const stmts = list.map((o) => {
      const to =
        o.principals.length > 2 ? `${o.principals.slice(0, 2).join(', ')}, …` : o.principals.join(', ');
      return `${statementLabel(o.statement)} to ${to}`;
    });
    return `${stmts.slice(0, 5).join(', ')}${stmts.length > 5 ? `, and ${stmts.length - 5} more` : ''}`;
  };
  const sorted = [...others.values()].sort((a, b) =>
    a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.baseline < b.baseline ? -1 : 1,
  );
  const notes: string[] = [];
  const othersOnly = sorted
    .filter((e) => e.others.length)
    .map((e) => `${where(e.policy, e.baseline)}: ${listed(e.others)}`);
  if (othersOnly.length)
    notes.push(
      `Resource policy statements that name only principals other than the vendor are not held to its baseline, and are kept as written in the suggested policies: ${othersOnly.slice(0, 10).join('; ')}${othersOnly.length > 10 ? `; and ${othersOnly.length - 10} more` : ''}.`,
    );
  const shared = sorted
    .filter((e) => e.shared.length)
    .map((e) => `${where(e.policy, e.baseline)}: ${listed(e.shared)}`);
  if (shared.length)
    notes.push(
      `Resource policy statements that grant the vendor and other principals together: their findings are the vendor's, and the suggested policies keep them as written, since narrowing them would narrow the others' access too; give the vendor a statement of its own: ${shared.slice(0, 10).join('; ')}${shared.length > 10 ? `; and ${shared.length - 10} more` : ''}.`,
    );
  return notes;
}

/** An unknown-action finding of an AWS managed policy (its address is the policy's ARN). */
export function retiredInManaged(f: Finding): boolean {
  return f.kind === 'unknown-action' && f.address !== undefined && isAwsManagedPolicyArn(f.address);
}

/** One note for the unknown actions AWS managed policies name (retiredInManaged), by policy and file. */
export function retiredNotes(retired: readonly Finding[]): string[] {
  if (!retired.length) return [];
  const byPolicy = new Map<string, Set<string>>();
  for (const f of retired) {
    const key = `${f.address} in ${f.path}`;
    const names = byPolicy.get(key) ?? byPolicy.set(key, new Set()).get(key)!;
    for (const a of f.actions) names.add(a);
  }
  const parts = [...byPolicy]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([where, names]) => {
      const list = [...names].sort();
      return `${where} (${list.slice(0, 5).join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''})`;
    });
  return [
    `AWS managed policies name actions the AWS catalog does not have (retired by AWS): they grant nothing, and the policy is AWS's to change, so they are not reported: ${parts.slice(0, 10).join('; ')}${parts.length > 10 ? `; and ${parts.length - 10} more` : ''}.`,
  ];
}

export function freeNotes(free: Map<string, Set<string>>, policies: readonly ReportPolicy[]): string[] {
  if (!free.size) return [];
  const byId = new Map(policies.map((p) => [p.id, p]));
  return [...free]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([action, ids]) => {
      const places = [...ids]
        .map((id) => {
          const p = byId.get(id);
          return p ? (p.address ? `${p.path} ${p.address}` : p.path) : id;
        })
        .sort();
      const source = noPermissionSource(action.toLowerCase()) ?? 'AWS documentation';
      return `${action} needs no IAM permission (${source}): granting it changes nothing, so it is not reported, in ${places.slice(0, 10).join('; ')}${places.length > 10 ? `; and ${places.length - 10} more` : ''}.`;
    });
}

/**
 * Documents not known that an audited policy was read without (a `source_policy_documents` entry
 * `var.extra`, the `var.policy` branch of `var.policy == null ? file(…) : var.policy`): said on
 * its findings, and here for a policy none of whose findings says it (a policy with no finding
 * would otherwise look clean, a review found), once per policy.
 */
export function leftOutDocumentNotes(
  prepared: ReadonlyMap<string, PreparedPolicy>,
  policies: readonly ReportPolicy[],
  findings: readonly Finding[],
): string[] {
  const out: string[] = [];
  // (and resources read as one value each: a clean result rests on that reading)
  for (const start of [LEFT_OUT_DOCUMENTS, ONE_VALUE_READ, VARIABLE_DEFAULTS_READ]) {
    const told = new Set<string>();
    for (const f of findings) if (f.approximate?.includes(start)) told.add(f.policy);
    for (const p of policies) {
      if (p.status !== 'audited' || told.has(p.id)) continue;
      const note = prepared.get(p.id)?.record.approximate?.find((n) => n.startsWith(start));
      if (note) out.push(`${p.address ? `${p.path} ${p.address}` : p.path}: ${note}.`);
    }
  }
  return out.sort();
}

/**
 * Policy files (JSON) that still hold a placeholder of the baseline they are audited against, as
 * the vendor's documents write it (`<account-ID-without-hyphens>`, `{YOUR_BUCKET}`): pasted and
 * never filled in, the policy names no resource of the user's, and a clean audit of it says
 * nothing of that (a review). One note per policy. Only files: a template's or a module's own
 * placeholders (`<account-ID-without-hyphens>` for `AWS::AccountId`) are the tool's, not pasted.
 */
export function unfilledPlaceholderNotes(
  prepared: ReadonlyMap<string, PreparedPolicy>,
  policies: readonly ReportPolicy[],
  baselines: readonly Baseline[],
  files: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const p of policies) {
    if (p.status !== 'audited' || !p.baseline || !files.has(p.id)) continue;
    const b = baselines.find((x) => x.id === p.baseline);
    // (those written as placeholders: `<…>`, `{…}`, `${…}`; not example values such as Lightly's
    // `datalake` bucket, which a real name may hold)
    const keys = Object.keys(b?.placeholders ?? {}).filter((k) => /[<{]/.test(k));
    if (!b || keys.length === 0) continue;
    const text = JSON.stringify(prepared.get(p.id)?.raw ?? '');
    const found = keys.filter((k) => text.includes(JSON.stringify(k).slice(1, -1)));
    if (found.length)
      out.push(
        `${p.path} holds ${b.name}'s placeholder${found.length === 1 ? '' : 's'} ${found.join(', ')} as the vendor writes ${found.length === 1 ? 'it' : 'them'}: fill in your value${found.length === 1 ? '' : 's'} (as written, the policy names no resource of yours).`,
      );
  }
  return out.sort();
}

/**
 * Sets named in the configuration or on the command line for another kind of policy than the one
 * held to them (`policy-kinds`: `--baseline databricks:root-bucket` on an identity policy): such a
 * set is not held there, and the policy is audited against the others; said once per set and kind,
 * with the policies (a review: the header said only "baseline databricks").
 */
export function wrongKindSetNotes(
  assignments: readonly { target: string; baseline: Baseline; sets: string[]; explicitSets?: boolean }[],
  policies: readonly ReportPolicy[],
): string[] {
  const byId = new Map(policies.map((p) => [p.id, p]));
  const told = new Map<string, string[]>();
  for (const a of assignments) {
    if (!a.explicitSets) continue;
    const p = byId.get(a.target);
    if (!p || p.status !== 'audited' || p.kind === 'trust') continue;
    for (const name of a.sets) {
      const kinds = a.baseline.sets.find((s) => s.name === name)?.policyKinds;
      if (!kinds || (kinds as readonly string[]).includes(p.kind)) continue;
      const key = `${a.baseline.id}:${name} is for ${kinds.join(' and ')} policies only: not held by the ${p.kind} polic`;
      (told.get(key) ?? told.set(key, []).get(key)!).push(p.address ? `${p.path} ${p.address}` : p.path);
    }
  }
  return [...told]
    .map(
      ([k, where]) =>
        `${k}${where.length === 1 ? 'y' : 'ies'} ${where.slice(0, 5).join(', ')}${where.length > 5 ? ` and ${where.length - 5} more` : ''} (name a set for its kind).`,
    )
    .sort();
}

/**
 * Policies held to no baseline (not matched) that grant every action on every resource, with no
 * condition: this tool judges none of them, and a reviewer should know they are there. Said once,
 * with up to three of them (a review: an administrator policy passed in silence).
 */
export function unjudgedAdminNotes(
  prepared: ReadonlyMap<string, PreparedPolicy>,
  policies: readonly ReportPolicy[],
): string[] {
  const admin = policies.filter((p) => {
    if (p.status !== 'not-matched' || p.kind !== 'identity') return false;
    const doc = prepared.get(p.id)?.doc;
    return !!doc?.statements.some(
      (s) =>
        s.effect === 'Allow' &&
        !s.condition &&
        (s.notActions !== undefined || !!s.actions?.includes('*')) &&
        (s.notResources !== undefined || !!s.resources?.includes('*')),
    );
  });
  if (admin.length === 0) return [];
  const shown = admin.slice(0, 3).map((p) => p.id);
  const more = admin.length > 3 ? ` and ${admin.length - 3} more` : '';
  return [
    `${admin.length === 1 ? 'A policy' : `${admin.length} policies`} held to no vendor's baseline ${admin.length === 1 ? 'grants' : 'grant'} every action, or all but some, on every resource, with no condition: ${shown.join(', ')}${more}. This audit compares policies with vendors' baselines only, and judges ${admin.length === 1 ? 'it' : 'them'} not at all.`,
  ];
}

/** An IAM policy variable as written (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`). */
const POLICY_VARIABLE = /\$\{(?:[A-Za-z0-9.-]+:[^${}\s]+|[*?$])\}/;

/**
 * Policies with IAM policy variables but without `"Version": "2012-10-17"`: AWS reads such a policy
 * as version 2008-10-17, where `${aws:username}` is the literal text, not the caller's name (a
 * review found one read as the variable, in silence). Said once, with up to three of them; the
 * audit reads them as variables (what the author meant), which is no narrower than the text.
 */
export function literalVariableNotes(
  prepared: ReadonlyMap<string, PreparedPolicy>,
  policies: readonly ReportPolicy[],
): string[] {
  const found: string[] = [];
  let example: string | undefined;
  for (const p of policies) {
    const doc = prepared.get(p.id)?.doc;
    if (!doc || doc.version === '2012-10-17') continue;
    const values = doc.statements.flatMap((s) => [
      ...(s.resources ?? []),
      ...(s.notResources ?? []),
      ...Object.values(s.condition ?? {}).flatMap((byKey) => Object.values(byKey).flat()),
    ]);
    const hit = values.find((v) => POLICY_VARIABLE.test(v));
    if (hit === undefined) continue;
    found.push(p.id);
    example ??= POLICY_VARIABLE.exec(hit)![0];
  }
  if (found.length === 0) return [];
  const shown = found.slice(0, 3).join(', ') + (found.length > 3 ? ` and ${found.length - 3} more` : '');
  return [
    `Policy variables without "Version": "2012-10-17" (AWS then reads the policy as 2008-10-17, where a variable such as ${example} is literal text, not the caller's value): ${shown}. Add "Version": "2012-10-17"; the audit reads them as variables.`,
  ];
}
