// The one audit call shared by the CLI (src/cli.ts) and the action (src/main.ts).
// It reads files (the thin I/O shell) and hands them to the pure pipeline.
import { existsSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { detectBaseline } from '../baselines/detect.js';
import { builtinBaselines, findBaseline, parseBaselineYaml } from '../baselines/load.js';
import { activeSets, resolveBaselineSpec, splitSpec } from '../baselines/resolve.js';
import { CONFIG_PATH, loadConfig, type AuditConfig, type IgnoreRule } from '../config/config.js';
import { ignoreCoverage, matchesAnySelector, matchesSelector } from '../config/select.js';
import { loadCatalog, type Catalog } from '../policy/catalog.js';
import { ACCOUNT_PLACEHOLDER } from '../policy/arn.js';
import { compileGlob } from '../policy/glob.js';
import { noPermissionSource } from '../policy/no-permission.js';
import { awsServiceAccount } from '../policy/principal.js';
import { discover, wouldDiscover } from '../sources/discover.js';
import { parseSource, readInputs } from '../sources/index.js';
import { pushAll } from '../sources/records.js';
import { readRepoFile } from '../sources/safe-read.js';
import { isAwsManagedPolicyArn } from '../sources/managed-policies.js';
import {
  fsHost,
  HCL_FILE,
  initHcl,
  MAX_READ,
  readHclModules,
  type ModuleHost,
} from '../sources/hcl/index.js';
import { pointPlansAtTf } from '../sources/hcl/plan-lines.js';
import { asList, canonicalKey, list } from '../sources/terraform/values.js';
import { addressLabel } from '../core/labels.js';
import { naturalCompare } from '../core/natural.js';
import { visibilise } from '../core/escape.js';
import { TOOL_NAME, TOOL_VERSION } from '../core/version.js';
import type {
  Baseline,
  Finding,
  InputResult,
  LoadedInput,
  PolicyRecord,
  PrincipalRecord,
  Report,
  ReportPolicy,
  SourceError,
} from '../core/types.js';
import {
  Auditor,
  grantsOnlyIndex,
  preparePolicies,
  unknownOnlyAtBase,
  type Assignment,
  type AuditOutcome,
  type AuditPlan,
  type EarlierFit,
  type BaseDocs,
  type DeletedAtBase,
  type PreparedPolicy,
  type TrustAssignment,
} from './audit.js';
import { parsePolicyDocument, statementLabel, type PolicyDocument } from '../policy/document.js';
import { trustApplies, trustFindings } from './trust.js';
import type { GranteeContext, JudgedStatements } from './grantees.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { collectGarbage } from '../core/memory.js';
import { sortFindings, summarize } from './report-model.js';
import { findingPart, splitsByAction } from './findings.js';

export { ConfigError, UsageError };

/**
 * A file as it is at the pull request's base (undefined: not there). `renamedFrom`: the path a
 * file of the head had at the base, when the change renamed it (git's rename detection).
 * `deleted`: the files of the base the change deleted, relative to the root.
 */
export type BaseRead = ((path: string) => Promise<string | undefined>) & {
  renamedFrom?: (path: string) => Promise<string | undefined>;
  deleted?: () => Promise<string[]>;
};

export interface AuditRequest {
  /** Directory the paths are relative to (the repository root); report paths are relative to it. */
  root: string;
  /** Files or directories to audit, relative to root. Default: ['.']. */
  paths: string[];
  /** `coiled`, `coiled@2022`, `coiled:setup,ongoing`, `./iam/my-vendor.yml:ongoing`, or a policy JSON file. */
  baseline?: string;
  /** Configuration file; when undefined, `.github/iam-baseline-audit.yml` under root is used if present. */
  config?: string;
  accountId?: string;
  /**
   * Reads a file as it is at the pull request's base (undefined when it does not exist there).
   * When given, each finding gets `new: true` (not in the base) or `new: false`.
   */
  readBase?: BaseRead;
  /** Today, for ignore expiry and baseline age (tests pin it). */
  now?: Date;
  /** Largest file read, in bytes. */
  maxFileBytes?: number;
  /** Most policies audited in one run; a file that would go past it is an error, the rest goes on. */
  maxPolicies?: number;
  /**
   * @internal Audits unit by unit, without sharing statement outcomes between policies: the
   * reference the shared path is tested against (__tests__/memo-equivalence.test.ts).
   */
  reference?: boolean;
  /**
   * False: suggested minimal policies are not made, only counted (`report.suggestionsNotMade`), for
   * a report that shows none (text, SARIF). Default true.
   */
  suggestions?: boolean;
  /** Called at the end of each phase with its name and duration (the benchmark's breakdown). */
  onPhase?: (phase: string, ms: number) => void;
}

export const DEFAULT_MAX_POLICIES = 200_000;

/**
 * Inputs whose files add up to this many bytes are large enough that the heap is collected
 * once they are parsed (core/memory.ts): the collection costs a few tens of milliseconds, which a
 * small repository should not pay.
 */
const LARGE_INPUT = 16 * 1024 * 1024;

/** Turns inputs past the policy limit into errors that say what to do (the rest is still audited). */
function enforcePolicyLimit(inputs: LoadedInput[], max: number): void {
  let total = 0;
  for (const input of inputs) {
    const n = input.result.policies.length;
    if (total + n <= max) {
      total += n;
      continue;
    }
    const reason = `the file holds ${n} ${n === 1 ? 'policy' : 'policies'}, which would take the audit past its limit of ${max} ${max === 1 ? 'policy' : 'policies'} (${total} already read): raise the limit (the CLI's --max-policies) or audit fewer paths`;
    input.result = {
      ...input.result,
      status: 'error',
      reason,
      policies: [],
      principals: [],
      errors: [{ path: input.result.path, message: reason }],
    };
  }
}

/**
 * The principals of every input, by id. The same id in two inputs (`aws_iam_role.r` in the states
 * of dev/ and prod/, the usual layout) would keep only the last, its twin's policies left to
 * detection: each is named after its file instead (`prod/terraform.tfstate#aws_iam_role.r`, as a
 * CloudFormation principal's id is), its address kept for selectors, so that each is audited on
 * its own.
 */
function collectPrincipals(inputs: LoadedInput[]): Map<string, PrincipalRecord> {
  const count = new Map<string, number>();
  for (const { result } of inputs)
    for (const p of result.principals ?? []) count.set(p.id, (count.get(p.id) ?? 0) + 1);
  const out = new Map<string, PrincipalRecord>();
  for (const { result } of inputs)
    for (const p of result.principals ?? []) {
      const named = count.get(p.id)! > 1 && !p.id.startsWith(`${p.path}#`) ? `${p.path}#${p.id}` : p.id;
      // (never one dropped for another: two alike in one input would lose a role's audit)
      let id = named;
      for (let n = 2; out.has(id); n++) id = `${named} (${n})`;
      if (id !== p.id) {
        p.address ??= p.id;
        p.id = id;
      }
      out.set(p.id, p);
    }
  return out;
}

/** Largest configuration or baseline file read (real ones are a few kilobytes). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** A configuration or baseline file, through the safe reader; undefined when it does not exist. */
function readRel(root: string, p: string): string | undefined {
  const read = readRepoFile(root, p, MAX_CONFIG_BYTES);
  if (read.ok) return read.text;
  if (read.code === 'missing') return undefined;
  if (read.code === 'outside')
    throw new ConfigError(`${p}: ${read.reason}; replace the link with the file itself`);
  throw new ConfigError(`${p}: ${read.reason}`);
}

/** Vendor account IDs named in trust policies, per file (evidence for detection). */
function trustAccounts(inputs: LoadedInput[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { result } of inputs) {
    const accounts = new Set<string>();
    for (const r of result.policies) {
      if (r.kind !== 'trust' || r.status !== 'resolved') continue;
      const text = typeof r.document === 'string' ? r.document : JSON.stringify(r.document);
      for (const m of text.matchAll(/(?:arn:aws[\w-]*:iam::|"AWS"\s*:\s*\[?\s*")(\d{12})/g))
        accounts.add(m[1]!);
    }
    if (accounts.size) out.set(result.path, [...accounts]);
  }
  return out;
}

/** Service principals (`ec2.amazonaws.com`) and AWS account IDs a trust policy document names. */
function trustPrincipals(document: unknown): { services: string[]; accounts: string[] } {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return { services: [], accounts: [] };
    }
  }
  const services = new Set<string>();
  const accounts = new Set<string>();
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  for (const x of Array.isArray(st) ? st : [st]) {
    const principal = (x as { Principal?: unknown } | null)?.Principal;
    if (!principal || typeof principal !== 'object') continue;
    const { Service: svc, AWS: aws } = principal as { Service?: unknown; AWS?: unknown };
    for (const v of Array.isArray(svc) ? svc : [svc]) if (typeof v === 'string') services.add(v);
    for (const v of Array.isArray(aws) ? aws : [aws]) {
      const m = typeof v === 'string' ? /^(?:arn:aws[\w-]*:iam::)?(\d{12})/.exec(v.trim()) : null;
      if (m) accounts.add(m[1]!);
    }
  }
  return { services: [...services].sort(), accounts: [...accounts].sort() };
}

/**
 * The AWS accounts a trust policy's Allow statements let assume the role: 12-digit IDs (an
 * account's root: its principals that their identity policies let), `*` for a principal that may
 * be a vendor's (`*`, a role or user of any account, a value not known, `NotPrincipal`); the
 * account's own root (the account placeholder) is left out, as are services and identity providers.
 */
function assumedBy(document: unknown): string[] {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return ['*'];
    }
  }
  const out = new Set<string>();
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  for (const x of Array.isArray(st) ? st : [st]) {
    if (!x || typeof x !== 'object') continue;
    const { Effect, Principal, NotPrincipal } = x as Record<string, unknown>;
    if (Effect !== 'Allow') continue;
    if (NotPrincipal !== undefined || Principal === '*') out.add('*');
    if (!Principal || typeof Principal !== 'object') continue;
    const aws = (Principal as { AWS?: unknown }).AWS;
    for (const v of aws === undefined ? [] : Array.isArray(aws) ? aws : [aws]) {
      const text = typeof v === 'string' ? v.trim() : '';
      const parts = text.split(':');
      // (a role or user, in any account, may be the vendor's: Datadog's role trusted by a proxy role)
      if (text.startsWith('arn:') && parts.slice(5).join(':') !== 'root') {
        out.add('*');
        continue;
      }
      const account = /^\d{12}$/.test(text) ? text : text.startsWith('arn:') ? parts[4] : undefined;
      if (account === ACCOUNT_PLACEHOLDER) continue;
      out.add(account && /^\d{12}$/.test(account) ? account : '*');
    }
  }
  return [...out];
}

/**
 * The files with a trust policy that a principal of another account may assume (an account, a role
 * or user of an account that is not yours, `*`, `NotPrincipal`, a value not known): there, a
 * service named by another trust policy of the file does not make its policies an instance role's.
 * Your own account's principals (its root, a role or user of it: an admin role beside an instance
 * role) do not count.
 */
function trustOthers(inputs: LoadedInput[]): Set<string> {
  const out = new Set<string>();
  for (const { result } of inputs)
    for (const r of result.policies)
      if (r.kind === 'trust' && r.status === 'resolved' && assumedByOthers(r.document)) {
        out.add(result.path);
        break;
      }
  return out;
}

/** Whether a trust policy's Allow statements let a principal of another account (or one not known) assume the role. */
function assumedByOthers(document: unknown): boolean {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return true;
    }
  }
  const st = (doc as { Statement?: unknown } | null)?.Statement;
  for (const x of Array.isArray(st) ? st : [st]) {
    if (!x || typeof x !== 'object') continue;
    const { Effect, Principal, NotPrincipal } = x as Record<string, unknown>;
    if (Effect !== 'Allow') continue;
    if (NotPrincipal !== undefined || Principal === '*') return true;
    if (!Principal || typeof Principal !== 'object') continue;
    const aws = (Principal as { AWS?: unknown }).AWS;
    for (const v of aws === undefined ? [] : Array.isArray(aws) ? aws : [aws]) {
      const text = typeof v === 'string' ? v.trim() : '';
      const account = /^\d{12}$/.test(text) ? text : text.startsWith('arn:') ? text.split(':')[4] : undefined;
      if (account !== ACCOUNT_PLACEHOLDER) return true;
    }
  }
  return false;
}

/** Service principals named in trust policies, per file. */
function trustServices(inputs: LoadedInput[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { result } of inputs) {
    const found = new Set<string>();
    for (const r of result.policies)
      if (r.kind === 'trust' && r.status === 'resolved')
        for (const x of trustPrincipals(r.document).services) found.add(x);
    if (found.size) out.set(result.path, [...found].sort());
  }
  return out;
}

/**
 * A role's trust policy in its input: the first resolved trust record (in the input's order) its
 * trustIds name, else the one at its address. Indexed once per input.
 */
function trustLookup(result: InputResult): (principal: PrincipalRecord) => PolicyRecord | undefined {
  const byId = new Map<string, number>();
  const byAddress = new Map<string, number>();
  result.policies.forEach((r, i) => {
    if (r.kind !== 'trust' || r.status !== 'resolved') return;
    byId.set(r.id, i);
    if (r.address !== undefined && !byAddress.has(r.address)) byAddress.set(r.address, i);
  });
  return (principal) => {
    let at: number | undefined;
    if (principal.trustIds)
      for (const id of principal.trustIds) {
        const i = byId.get(id);
        if (i !== undefined && (at === undefined || i < at)) at = i;
      }
    else at = byAddress.get(principal.address ?? principal.id);
    return at === undefined ? undefined : result.policies[at];
  };
}

/**
 * What a resource policy's principals may be (grantees.ts): every known vendor's AWS accounts, and
 * the roles of the inputs by name with the accounts and services their trust policies name.
 */
function granteeContext(inputs: LoadedInput[], baselines: readonly Baseline[]): GranteeContext {
  const vendorAccounts = new Set(baselines.flatMap((b) => b.detect?.accounts ?? []));
  const roles = new Map<string, { accounts: string[]; services: string[] }>();
  for (const { result } of inputs) {
    const trustOf = trustLookup(result);
    for (const principal of result.principals ?? []) {
      if (principal.type !== 'role' || !principal.name) continue;
      const trust = trustOf(principal);
      const e = roles.get(principal.name) ?? { accounts: [], services: [] };
      // (a role of that name whose trust is not known: any account may assume it)
      if (trust) e.accounts.push(...assumedBy(trust.document));
      else if (principal.trustServices) e.services.push(...principal.trustServices);
      else e.accounts.push('*');
      roles.set(principal.name, e);
    }
  }
  return { vendorAccounts, roles };
}

/**
 * The trust of the roles each policy belongs to, where the input says which principals hold it (a
 * Terraform role and its policies, an authorization-details role): policy id -> what its roles'
 * trust policies name, together, and whether a user or a group holds it too, so that a policy
 * shared by an instance role and a user is not taken for an instance role's alone.
 */
function roleTrust(inputs: LoadedInput[]): {
  byPolicy: Map<string, { services: string[]; accounts: string[]; alsoOther: boolean }>;
  /** Policies some role whose trust is not known holds. */
  unknown: Set<string>;
} {
  const out = new Map<string, { services: string[]; accounts: string[]; alsoOther: boolean }>();
  const unknown = new Set<string>();
  const entry = (id: string) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { services: [], accounts: [], alsoOther: false }));
    return e;
  };
  for (const { result } of inputs) {
    const trustOf = trustLookup(result);
    for (const principal of result.principals ?? []) {
      const trust = principal.type === 'role' ? trustOf(principal) : undefined;
      // (a role whose trust its maker writes, with no record of it: those services)
      const t = trust
        ? trustPrincipals(trust.document)
        : principal.trustServices
          ? { services: principal.trustServices, accounts: [] }
          : undefined;
      // A role whose trust is not known says nothing of it (nor do the file's other trust
      // policies: its policies are audited against what they match, not left out).
      if (principal.type === 'role' && !t) {
        for (const id of principal.policyIds) unknown.add(id);
        continue;
      }
      for (const id of principal.policyIds) {
        const e = entry(id);
        if (!t) {
          e.alsoOther = true;
          continue;
        }
        for (const s of t.services) if (!e.services.includes(s)) e.services.push(s);
        for (const a of t.accounts) if (!e.accounts.includes(a)) e.accounts.push(a);
      }
    }
  }
  return { byPolicy: out, unknown };
}

/**
 * Whether a detected baseline fits the principal a policy belongs to, from the trust policies of
 * its file: a role that only a service (ec2.amazonaws.com) may assume is an instance or service
 * role, not the user or cross-account role most vendors' baselines describe.
 */
function principalFit(
  baseline: Baseline,
  services: string[] | undefined,
  accounts: string[] | undefined,
  whose: string,
  others = false,
): { exclude?: string; unsure?: string } {
  const kinds = baseline.principals;
  if (!kinds?.length || !services?.length || kinds.includes('instance-role')) return {};
  const described = kinds.map((k) => k.replace(/-/g, ' ')).join(' or ');
  // (another trust policy of the file lets principals that are not services assume its role)
  if (!accounts?.length && others)
    return {
      unsure: `unsure: ${whose} trust policies name a service (${services.join(', ')}) and principals that may be another account's (not known here); ${baseline.id} describes the policy of a ${described}`,
    };
  if (!accounts?.length)
    return {
      exclude: `an instance or service role's policy (${whose} trust policy lets only ${services.join(', ')} assume the role), and ${baseline.id} describes the policy of a ${described}: not audited against it`,
    };
  return {
    unsure: `unsure: ${whose} trust policies name both a service (${services.join(', ')}) and AWS accounts (${accounts.join(', ')}); ${baseline.id} describes the policy of a ${described}`,
  };
}

/** Vendors are granted access as an account, a role or a user, never as an AWS service. */
function serviceOnlyReason(grantees: string[], baseline: Baseline): string {
  const what = grantees.every((g) => g.endsWith('.amazonaws.com'))
    ? 'AWS services'
    : 'AWS services and accounts AWS owns';
  return `a resource policy that grants only ${what} (${grantees.join(', ')}), and ${baseline.id} describes access granted to ${baseline.name}: not audited against it`;
}

/**
 * The AWS services a resource policy grants, when they are all it grants: every Allow statement
 * names a `Principal` of services only (`{"Service": "cloudtrail.amazonaws.com"}`), or of accounts
 * AWS owns for a service (a Region's log-delivery account, `data.aws_elb_service_account` in a
 * `.tf` file). Undefined when an Allow names anything else (an account, a role, `*`, a federated
 * or canonical user) or no principal.
 */
export function serviceOnlyGrantees(document: unknown): string[] | undefined {
  const st = (document as { Statement?: unknown } | null)?.Statement;
  const services = new Set<string>();
  let allows = 0;
  for (const x of Array.isArray(st) ? st : [st]) {
    if (!x || typeof x !== 'object') continue;
    const { Effect, Principal } = x as { Effect?: unknown; Principal?: unknown };
    if (Effect !== 'Allow') continue;
    allows++;
    if (!Principal || typeof Principal !== 'object' || Array.isArray(Principal)) return undefined;
    for (const [key, value] of Object.entries(Principal as Record<string, unknown>)) {
      if (key !== 'Service' && key !== 'AWS') return undefined;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v !== 'string' || !v.trim()) return undefined;
        const owned = key === 'AWS' ? awsServiceAccount(v) : v.includes('*') ? undefined : v;
        if (owned === undefined) return undefined;
        services.add(owned);
      }
    }
  }
  return allows > 0 && services.size > 0 ? [...services].sort() : undefined;
}

/** Where a `.tf` object is: the directory of its module's files and its address (moved blocks' MovedFrom read the same). */
const placeKey = (dir: string, address: string) => `${dir}\u0000${address}`;
const placeOf = (r: { path: string; address?: string; id: string }) =>
  placeKey(posix.dirname(r.path), r.address ?? r.id);

/**
 * The principal of the base a `.tf` principal was before its root's `moved` blocks
 * (PrincipalRecord.movedFrom), if one is there once; `at` indexes the base's by placeOf (made once).
 */
function movedPrincipal(
  head: PrincipalRecord,
  at: () => ReadonlyMap<string, PrincipalRecord | null>,
): PrincipalRecord | undefined {
  if (!head.movedFrom?.length) return undefined;
  for (const m of head.movedFrom) {
    const p = at().get(placeKey(m.dir, m.address));
    if (p !== undefined) return p ?? undefined;
  }
  return undefined;
}

/**
 * The notes on the detected policies that an earlier version of their vendor's baseline fits
 * better than the current one (Coiled's 2022 template, with the ECS backend's permissions): each
 * is audited against the current version, so what that version no longer asks for is reported
 * beyond it; the note says which version the policy follows, which of the actions beyond the
 * current one that version asked for, and how to audit against it, since a policy may follow it
 * on purpose.
 */
function earlierVersionNotes(
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
 * The notes on the actions of the baselines in use that match no action of the catalog: a typo in
 * your own (`s3:GetObjekt`) grants nothing, so the action the vendor needs reads as excess, and
 * nothing else says why. (The built-in ones are held to the catalog by the tests; one of them with
 * an action the catalog retired would be said too.)
 */
function unknownBaselineActions(used: readonly Baseline[], catalog: Catalog): string[] {
  const notes: string[] = [];
  for (const b of used) {
    for (const set of b.sets) {
      const unknown = new Set<string>();
      for (const st of set.statements) {
        if (!st || typeof st !== 'object') continue;
        const { Action, NotAction } = st as { Action?: unknown; NotAction?: unknown };
        for (const a of [Action, NotAction].flatMap((v) =>
          Array.isArray(v) ? v : v === undefined ? [] : [v],
        ))
          if (typeof a === 'string' && a !== '*' && catalog.expand(a).length === 0) unknown.add(a);
      }
      if (unknown.size)
        notes.push(
          `Baseline ${b.id}, set ${set.name}: ${list([...unknown], 8)} ${unknown.size === 1 ? 'matches' : 'match'} no action in the AWS catalog (a typo, or an action that was retired): the baseline grants nothing for ${unknown.size === 1 ? 'it' : 'them'}; fix it in the baseline.`,
        );
    }
  }
  return notes;
}

/**
 * A configuration in a directory above the audit's root, up to the git work tree that holds it
 * (the nearest directory with `.git`): its path relative to the root (`../.github/…`), or
 * undefined (none, or the root is the top of its work tree).
 */
function configAbove(root: string): string | undefined {
  let dir = resolve(root);
  if (existsSync(join(dir, '.git'))) return undefined;
  let found: string | undefined;
  for (let up = 0; up < 64; up++) {
    const parent = dirname(dir);
    if (parent === dir) return undefined; // (in no work tree: nothing above is the repository's)
    dir = parent;
    if (!found && existsSync(join(dir, CONFIG_PATH))) found = join(dir, CONFIG_PATH);
    if (existsSync(join(dir, '.git'))) return found && relative(root, found).split(sep).join('/');
  }
  return undefined;
}

/** The base's documents, with the inputs read for them and their policies as prepared (deletedAtBase reads more beside them). */
type BaseAsRead = BaseDocs & { inputs: LoadedInput[]; prepared: Map<string, PreparedPolicy> };

/**
 * The pull request's base (BaseDocs): the base's versions of the audited files, a renamed file
 * read at its base path as the head's path (its policies keep their ids, so a `git mv` adds
 * nothing new), `.tf` modules read again from the base's versions of their files, and the
 * principals of the base with the policies they held there.
 */
async function readBaseDocs(
  readBase: BaseRead,
  inputs: LoadedInput[],
  files: readonly { path: string }[],
  root: string,
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
): Promise<BaseAsRead> {
  const baseInputs: LoadedInput[] = [];
  // A file the change renamed is read at its base path, as the head's path: its policies keep
  // their ids, so a `git mv` adds nothing new.
  const atBase = async (path: string): Promise<string | undefined> => {
    const text = await readBase(path);
    if (text !== undefined || !readBase.renamedFrom) return text;
    const from = await readBase.renamedFrom(path);
    return from === undefined ? undefined : readBase(from);
  };
  for (const { result } of inputs) {
    if (result.status !== 'audited' || result.kind === 'terraform-hcl') continue;
    const text = await atBase(result.path);
    if (text !== undefined) baseInputs.push(parseSource({ path: result.path, text }));
  }
  // .tf modules: the base's versions of the same .tf / .tfvars files, read as modules again, their
  // file(), templatefile() and fileexists() and the modules they call reading the base's files
  // (readBaseModules; a module's directory is listed as the working tree has it).
  const hclBase: { path: string; text: string }[] = [];
  const moduleDirs = new Set<string>();
  for (const f of files) {
    if (!HCL_FILE.test(f.path)) continue;
    moduleDirs.add(posix.dirname(f.path));
    const text = await atBase(f.path);
    if (text !== undefined) hclBase.push({ path: f.path, text });
  }
  // ...and the files of those modules the change deleted: a block moved out of a deleted file
  // into another of its module (two files merged, one split) keeps its address there, so it is
  // found at the base (`moved` below), not new.
  if (moduleDirs.size && readBase.deleted) {
    const read = new Set(hclBase.map((h) => h.path));
    for (const path of await readBase.deleted()) {
      if (!HCL_FILE.test(path) || read.has(path) || !moduleDirs.has(posix.dirname(path))) continue;
      const text = await readBase(path);
      if (text !== undefined) hclBase.push({ path, text });
      read.add(path);
    }
  }
  if (hclBase.length)
    for (const result of await readBaseModules(hclBase, readBase, root)) baseInputs.push({ result });
  const basePrepared = preparePolicies(baseInputs);
  const basePrincipals = collectPrincipals(baseInputs);
  // (the files whose base was read: a principal of one of them that is not there is new)
  const readAtBase = new Set<string>();
  for (const { result } of baseInputs) {
    readAtBase.add(result.path);
    for (const p of result.policies) readAtBase.add(p.path);
    for (const p of result.principals ?? []) readAtBase.add(p.path);
  }
  // A `.tf` block moved to another file of its module keeps its address: found by it there. One
  // renamed by a `moved` block of its root is found where it was (PolicyRecord.movedFrom: the
  // address, in the directory of its module's files).
  let byModuleAddress: Map<string, PreparedPolicy | null> | undefined;
  const moved = (id: string): PreparedPolicy | undefined => {
    const head = prepared.get(id)?.record;
    if (!head?.address || !HCL_FILE.test(head.path)) return undefined;
    if (!byModuleAddress) {
      byModuleAddress = new Map();
      for (const p of basePrepared.values())
        if (p.record.address && HCL_FILE.test(p.record.path)) {
          const k = placeOf(p.record);
          byModuleAddress.set(k, byModuleAddress.has(k) ? null : p);
        }
    }
    for (const at of [placeOf(head), ...(head.movedFrom ?? []).map((m) => placeKey(m.dir, m.address))]) {
      const found = byModuleAddress.get(at);
      if (found !== undefined) return found ?? undefined;
    }
    return undefined;
  };
  let principalsAt: Map<string, PrincipalRecord | null> | undefined;
  const basePrincipalsAt = () => {
    if (!principalsAt) {
      principalsAt = new Map();
      for (const p of basePrincipals.values()) {
        const k = placeOf(p);
        principalsAt.set(k, principalsAt.has(k) ? null : p);
      }
    }
    return principalsAt;
  };
  return {
    inputs: baseInputs,
    prepared: basePrepared,
    get: (id) => {
      const p = basePrepared.get(id) ?? moved(id);
      return p ? { doc: p.doc, raw: p.raw, record: p.record } : undefined;
    },
    heldBy: (id) => {
      const head = principals.get(id);
      if (!head || !readAtBase.has(head.path)) return undefined;
      // (a role renamed by a `moved` block of its root: the base's where it was)
      const at = basePrincipals.get(id) ?? movedPrincipal(head, basePrincipalsAt);
      if (!at) return [];
      return at.unresolved.length ? undefined : at.policyIds;
    },
  };
}

/**
 * Files and policies the head reads and the base has but cannot read (invalid or unresolved there): their
 * findings all count as new, which is the safe reading, and the report says why (a review: a base
 * with a trailing comma made every finding new with no word of it).
 */
function unreadAtBase(
  base: BaseAsRead,
  inputs: LoadedInput[],
  prepared: Map<string, PreparedPolicy>,
): string[] {
  const out: string[] = [];
  const audited = new Set(inputs.filter((i) => i.result.status === 'audited').map((i) => i.result.path));
  const said = new Set<string>();
  for (const { result } of base.inputs) {
    if (!audited.has(result.path) || result.status !== 'error') continue;
    said.add(result.path);
    const why = result.errors[0]?.message ?? result.reason ?? 'not valid';
    out.push(
      `${result.path} cannot be read as it is at the base (${why}): its findings all count as new in this change`,
    );
  }
  for (const [id, p] of prepared) {
    if (!p.doc || said.has(p.record.path)) continue;
    const at = base.prepared.get(id);
    if (!at) continue;
    const unknown = at.doc ? unknownOnlyAtBase(at.record, p.record) : undefined;
    if (unknown !== undefined) {
      out.push(
        `${p.record.address ? `${p.record.path} ${p.record.address}` : p.record.path} was read at the base with values not known (${unknown}), which this change makes known: what it grants cannot be told from what the base granted, so its findings all count as new in this change`,
      );
      continue;
    }
    if (at.doc) continue;
    const why =
      at.record.status === 'unresolved'
        ? (at.record.reason ?? 'it could not be resolved')
        : (at.problems[0]?.message ?? 'not a valid policy document');
    out.push(
      `${p.record.address ? `${p.record.path} ${p.record.address}` : p.record.path} cannot be read as it is at the base (${why}): its findings all count as new in this change`,
    );
  }
  return out;
}

/**
 * A policy moved as it was into another file of another kind (a JSON policy into a `.tf`
 * jsonencode(), which the renames and `.tf` moves do not pair): the head's policy with no base of
 * its own, whose document is, key order aside, that of a base policy no head policy continues, is
 * that policy (its findings are not new, and it is not deleted). Only where one of each has that
 * document; the pairs are added to `base.get` and `continued`.
 */
function pairMovedDocuments(
  base: BaseDocs,
  prepared: Map<string, PreparedPolicy>,
  basePrepared: Map<string, PreparedPolicy>,
  continued: Set<string>,
): void {
  const byDocument = (entries: Iterable<PreparedPolicy>) => {
    const m = new Map<string, PreparedPolicy | null>();
    for (const p of entries) {
      const doc = p.record.status === 'resolved' ? canonicalKey(p.record.document, true) : undefined;
      if (doc === undefined) continue;
      const k = `${p.record.kind}\u0000${doc}`;
      m.set(k, m.has(k) ? null : p);
    }
    return m;
  };
  const heads = byDocument([...prepared.values()].filter((p) => base.get(p.record.id) === undefined));
  if (heads.size === 0) return;
  const bases = byDocument(
    [...basePrepared.values()].filter((p) => !continued.has(p.record.id) && !prepared.has(p.record.id)),
  );
  const pairs = new Map<string, PreparedPolicy>();
  for (const [k, head] of heads) {
    const at = bases.get(k);
    if (!head || !at) continue;
    pairs.set(head.record.id, at);
    continued.add(at.record.id);
  }
  if (pairs.size === 0) return;
  const get = base.get.bind(base);
  base.get = (id) => {
    const found = get(id);
    if (found) return found;
    const p = pairs.get(id);
    return p ? { doc: p.doc, raw: p.raw, record: p.record } : undefined;
  };
}

/** Evaluations of the base's modules at most, each reading from the base the files the one before asked for. */
const MAX_BASE_PASSES = 8;

/**
 * The base's `.tf` modules, read as modules with the base's versions of the files their file(),
 * templatefile() and fileexists() read and of the modules they call (a policy file edited by the
 * change is read as it was; one not at the base fails there as it would). The host reads
 * synchronously: each pass asks for the files it needs, read from the base before the next
 * (usually two passes; a path read from a file may ask for more).
 */
async function readBaseModules(
  hclBase: { path: string; text: string }[],
  readBase: BaseRead,
  root: string,
): Promise<InputResult[]> {
  const files = new Map<string, string | undefined>();
  const work = fsHost(root);
  for (let pass = 0; ; pass++) {
    const wanted = new Set<string>();
    /** A file's text at the base, or, not read from the base yet, the working tree's (`standIn`). */
    const atBase = (p: string, standIn: () => string | undefined): string | undefined => {
      const n = posix.normalize(p);
      if (n.startsWith('../') || n === '..' || posix.isAbsolute(n)) return undefined;
      if (files.has(n)) return files.get(n);
      // Not read from the base yet: asked for, and the working tree's text stands in for it this
      // pass, so that the evaluation goes on and asks for the other files it reads (a `concat()`
      // of ten file() calls: all ten in one pass, not one a pass).
      wanted.add(n);
      return standIn();
    };
    /** The `.tf` (or .tfvars) files of a directory the working tree lists, as they are at the base (those not there left out). */
    const listedAtBase = (listed: { path: string; text: string }[]) =>
      listed.flatMap((f) => {
        const text = atBase(f.path, () => f.text);
        return text === undefined ? [] : [{ path: f.path, text }];
      });
    const host: ModuleHost = {
      // A module the audited files call (`../../modules/iam`): its files at the base too (a
      // change to its `.tf` is new). The directory is listed as the working tree has it.
      moduleFiles: (dir) => {
        const listed = work.moduleFiles(dir);
        return 'error' in listed ? listed : listedAtBase(listed);
      },
      variableFiles: (dir) => listedAtBase(work.variableFiles?.(dir) ?? []),
      hasJsonConfig: (dir) => work.hasJsonConfig?.(dir) ?? false,
      jsonConfig: (dir) => listedAtBase(work.jsonConfig?.(dir) ?? []),
      readFile: (p) => atBase(p, () => work.readFile(p)),
    };
    const results = readHclModules(hclBase, host);
    // Every file read from the base: done. (A path read from a file's text can ask for more in a
    // pass after; past MAX_BASE_PASSES, what is still not read from the base is the working
    // tree's, as the base's modules read every file before file functions read the base's.)
    if (wanted.size === 0 || pass >= MAX_BASE_PASSES - 1) return results;
    // (as the working tree's: a file larger than file() reads is not read)
    for (const path of wanted) {
      const text = await readBase(path);
      files.set(path, text !== undefined && Buffer.byteLength(text) <= MAX_READ ? text : undefined);
    }
  }
}

/**
 * The policies and principals of the base that the change deleted (BaseDocs.deleted), with their
 * audit planned as at the base; undefined when it deleted none. Read for it: the base's policies
 * of the audited files (readBaseDocs), and the files of the base the change deleted that the audit
 * would have read (a JSON policy, a template, a whole `.tf` module). A base policy is deleted when
 * no policy of the head continues it (by id, a renamed file's or a `.tf` block moved in its module:
 * BaseDocs.get) and its file is deleted or read at the head (a file the head cannot read deletes
 * nothing); a principal, when the head has none of its id, or of its file and address.
 */
async function deletedAtBase(
  readBase: BaseRead,
  base: BaseAsRead,
  inputs: LoadedInput[],
  prepared: Map<string, PreparedPolicy>,
  principals: Map<string, PrincipalRecord>,
  how: {
    root: string;
    paths: string[];
    /** The files the audit read at the head (a deleted `.tf` file of a module there is read already). */
    files: readonly { path: string }[];
    skip: ReadonlySet<string>;
    plan: (
      prepared: Map<string, PreparedPolicy>,
      principals: Map<string, PrincipalRecord>,
      inputs: LoadedInput[],
    ) => AuditPlan;
  },
): Promise<DeletedAtBase | undefined> {
  const deletedFiles = new Set(
    wouldDiscover(how.root, how.paths, (await readBase.deleted?.()) ?? []).filter((p) => !how.skip.has(p)),
  );
  const baseInputs = [...base.inputs];
  const more: LoadedInput[] = [];
  const read = new Set<string>();
  const modules = new Set(how.files.filter((f) => HCL_FILE.test(f.path)).map((f) => posix.dirname(f.path)));
  for (const { result } of baseInputs) {
    read.add(result.path);
    for (const p of result.policies) read.add(p.path);
  }
  const hcl: { path: string; text: string }[] = [];
  for (const path of deletedFiles) {
    if (read.has(path) || (HCL_FILE.test(path) && modules.has(posix.dirname(path)))) continue;
    const text = await readBase(path);
    if (text === undefined) continue;
    if (HCL_FILE.test(path)) hcl.push({ path, text });
    else more.push(parseSource({ path, text }));
  }
  if (hcl.length) {
    await initHcl();
    // (their file() and templatefile() reading the base's files, as the base's modules do)
    for (const result of await readBaseModules(hcl, readBase, how.root)) more.push({ result });
  }
  pushAll(baseInputs, more);
  // (a file the head could not read is not one whose policies the change deleted)
  const unreadAtHead = new Set<string>();
  for (const { result } of inputs) {
    if (result.status !== 'audited') unreadAtHead.add(result.path);
    for (const e of result.errors) unreadAtHead.add(e.path);
  }
  const continued = new Set<string>();
  for (const id of prepared.keys()) {
    const at = base.get(id)?.record?.id;
    if (at !== undefined) continued.add(at);
  }
  // (the inputs readBaseDocs read are prepared already: only those read here are prepared again)
  const basePrepared = new Map([...base.prepared, ...preparePolicies(more)]);
  pairMovedDocuments(base, prepared, basePrepared, continued);
  const gone = new Set(
    [...basePrepared.values()]
      .map((p) => p.record)
      .filter(
        (r) =>
          !continued.has(r.id) &&
          !prepared.has(r.id) &&
          (deletedFiles.has(r.path) || !unreadAtHead.has(r.path)) &&
          r.status === 'resolved',
      )
      .map((r) => r.id),
  );
  const headPrincipals = new Set<string>();
  const basePrincipals = collectPrincipals(baseInputs);
  // (and where each was before its root's moved blocks: renamed, not deleted; unless the base has
  // it where it is, where Terraform moves nothing onto it)
  const baseAt = new Set([...basePrincipals.values()].map(placeOf));
  const movedHere = new Set<string>();
  for (const pr of principals.values()) {
    headPrincipals.add(pr.id).add(`${pr.path}\u0000${pr.address ?? pr.id}`);
    if (basePrincipals.has(pr.id) || baseAt.has(placeOf(pr))) continue;
    for (const m of pr.movedFrom ?? []) movedHere.add(placeKey(m.dir, m.address));
  }
  const gonePrincipals = new Set(
    [...basePrincipals.values()]
      .filter(
        (pr) =>
          !headPrincipals.has(pr.id) &&
          !headPrincipals.has(`${pr.path}\u0000${pr.address ?? pr.id}`) &&
          !movedHere.has(placeOf(pr)) &&
          (deletedFiles.has(pr.path) || !unreadAtHead.has(pr.path)),
      )
      .map((pr) => pr.id),
  );
  if (gone.size === 0 && gonePrincipals.size === 0) return undefined;
  // Planned as at the base, of the deleted policies and those of deleted principals only.
  const ofGonePrincipals = new Set([...gonePrincipals].flatMap((g) => basePrincipals.get(g)!.policyIds));
  const planned = new Map<string, PreparedPolicy>();
  for (const [id, p] of basePrepared) if (gone.has(id) || ofGonePrincipals.has(id)) planned.set(id, p);
  const plan = how.plan(planned, basePrincipals, baseInputs);
  const deleted = (a: Assignment) => gone.has(a.target) || gonePrincipals.has(a.target);
  plan.assignments = plan.assignments.filter(deleted);
  if (plan.grantsOnly) plan.grantsOnly = plan.grantsOnly.filter(deleted);
  if (plan.assignments.length === 0) return undefined;
  return {
    prepared: basePrepared,
    principals: basePrincipals,
    plan,
    how: (target) => {
      const r = basePrepared.get(target)?.record ?? basePrincipals.get(target);
      if (!r) return 'deleted';
      if (deletedFiles.has(r.path)) return `${r.path} was deleted`;
      const name = r.address ?? ('name' in r ? r.name : undefined) ?? target;
      return `${name} was deleted from ${r.path}`;
    },
  };
}

/**
 * Plans print on one line: their policies are pointed at the `.tf` blocks of the same addresses
 * when the repository holds the configuration (the audited `.tf` inputs, else the `.tf` files
 * found under the root).
 */
async function pointPlansAtConfiguration(
  root: string,
  inputs: LoadedInput[],
  maxFileBytes: number | undefined,
): Promise<void> {
  const plans = inputs.map((i) => i.result).filter((r) => r.kind === 'terraform-plan' && r.policies.length);
  if (plans.length === 0) return;
  let hcl = inputs.map((i) => i.result).filter((r) => r.kind === 'terraform-hcl');
  if (!hcl.some((r) => r.policies.length)) {
    const tf = discover(root, ['.']).files.filter((f) => HCL_FILE.test(f.path));
    if (tf.length === 0) return;
    await initHcl();
    hcl = readInputs(root, tf, maxFileBytes).map((l) => l.result);
  }
  pointPlansAtTf(plans, hcl);
}

/**
 * The policy an input's error is about: the record read at the error's place or around it (the
 * longest JSON path that holds it), so that the finding names an entry of the report's policies
 * (a broken document of an export is its unresolved record's, not `file#role`). Undefined when the
 * error is not inside a policy (an entry that is not an object, a principal's list).
 */
function recordAt(records: readonly PolicyRecord[], e: SourceError): string | undefined {
  const at = e.jsonPath;
  if (!at) return undefined;
  let best: PolicyRecord | undefined;
  for (const r of records) {
    const p = r.jsonPath;
    if (!p || r.path !== e.path) continue;
    if (at !== p && !(at.startsWith(p) && (at[p.length] === '.' || at[p.length] === '['))) continue;
    if (!best || p.length > best.jsonPath!.length) best = r;
  }
  return best?.id;
}

export async function runAudit(req: AuditRequest): Promise<Report> {
  const now = req.now ?? new Date();
  const root = req.root;
  const catalog = loadCatalog();
  const notes: string[] = [];

  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    req.onPhase?.(name, t - mark);
    mark = t;
  };

  // Configuration and baselines.
  let config: AuditConfig | undefined;
  const configPath = req.config ?? (existsSync(join(root, CONFIG_PATH)) ? CONFIG_PATH : undefined);
  if (configPath) {
    const text = readRel(root, configPath);
    if (text === undefined)
      throw new ConfigError(
        `${configPath}: the configuration file cannot be read; expected a YAML file (check the path given to --config or the config input)`,
      );
    config = loadConfig(text, configPath);
    // A baseline named on the command line (or the action's input) replaces the audits; the rest of
    // the configuration (account, own baselines, ignore rules) still applies.
    if (req.baseline && config.audits.length)
      notes.push(
        `${configPath}: its audits are not used, since the baseline ${req.baseline} was given; its other settings apply.`,
      );
  } else {
    // Run from a directory inside the repository (`cd infra && audit .`): the repository's own
    // configuration, above it, is not read. Said, with how to read it.
    const above = configAbove(root);
    if (above)
      notes.push(
        `No configuration read: ${above} (above the audited directory) is not read from here; run the audit from the directory that holds its .github, or pass it with --config (the action's config input).`,
      );
  }
  const accountId = req.accountId ?? config?.accountId;
  const baselines: Baseline[] = [...builtinBaselines()];
  for (const p of config?.baselines ?? []) {
    const text = readRel(root, p);
    if (text === undefined)
      throw new ConfigError(
        `${configPath}: baselines: ${p} cannot be read; expected a baseline YAML file at that path, relative to the repository root`,
      );
    const own = parseBaselineYaml(text, p);
    const clash = baselines.find((b) => b.id.toLowerCase() === own.id.toLowerCase());
    if (clash)
      throw new ConfigError(
        `${configPath}: baselines: ${p} has the id "${own.id}", which ${
          builtinBaselines().includes(clash)
            ? 'a built-in baseline already has'
            : 'another baseline file already has'
        }; give the file an id of its own (for example "${own.id}-own") and name that id in audits`,
      );
    baselines.push(own);
  }
  const readFile = (p: string) => readRel(root, p);
  phase('configuration');

  // Sources.
  const {
    files,
    missing,
    unreadable,
    skipped,
    notes: walkNotes,
  } = discover(root, req.paths.length ? req.paths : ['.']);
  // A path the pull request deleted (a file, or a directory of them, there at its base): what it
  // granted is counted as removed, not an input that does not exist (a review: the check failed,
  // and the pull request's comment kept saying ❌).
  let deletedNamed = false;
  if (missing.length > 0 && req.readBase?.deleted) {
    const deleted = await req.readBase.deleted();
    const gone = (p: string) => {
      const rel = p.replace(/^\.\//, '').replace(/\/+$/, '');
      return deleted.some((d) => d === rel || d.startsWith(`${rel}/`));
    };
    for (let i = missing.length - 1; i >= 0; i--)
      if (gone(missing[i]!.path)) {
        notes.push(`${missing[i]!.path}: deleted by this change; what it granted is counted as removed.`);
        missing.splice(i, 1);
        deletedNamed = true;
      }
  }
  if (missing.length > 0)
    throw new UsageError(
      missing.map((m) => `${m.path}: ${m.reason}`).join('; ') +
        ': name files or directories that exist in the repository (relative to its root, or absolute)',
    );
  notes.push(...walkNotes);
  phase('discover');
  // The .tf parser (WebAssembly) is loaded only when there are .tf files.
  if (files.some((f) => HCL_FILE.test(f.path))) await initHcl();
  const configFiles = new Set(
    [configPath, ...(config?.baselines ?? [])].filter(Boolean).map((p) => p!.replace(/^\.\//, '')),
  );
  const inputs = readInputs(
    root,
    files.filter((f) => !configFiles.has(f.path)),
    req.maxFileBytes,
  );
  await pointPlansAtConfiguration(root, inputs, req.maxFileBytes);
  phase('read and parse sources');
  enforcePolicyLimit(inputs, req.maxPolicies ?? DEFAULT_MAX_POLICIES);
  for (const m of unreadable) {
    inputs.push({
      result: {
        path: m.path,
        kind: 'unknown',
        status: 'error',
        reason: m.reason,
        policies: [],
        errors: [{ path: m.path, message: m.reason }],
      },
    });
  }
  for (const m of skipped)
    inputs.push({
      result: {
        path: m.path,
        kind: 'unknown',
        status: 'skipped',
        reason: m.reason,
        policies: [],
        errors: [],
      },
    });
  const recognised = inputs.filter((i) => i.result.status !== 'skipped');
  if (recognised.length === 0 && !deletedNamed) {
    const shownPaths = (req.paths.length ? req.paths : ['.']).map((p) => p.replace(/\\/g, '/')).join(', ');
    const looked = inputs.length;
    const why = inputs
      .slice(0, 3)
      // (on one line each: a reason may quote the file, and this message is printed as it is)
      .map(({ result }) => visibilise(`${result.path} (${result.reason ?? 'skipped'})`))
      .join('; ');
    throw new UsageError(
      `no inputs found in ${shownPaths}: ${
        looked === 0
          ? 'no file there that could hold IAM policies'
          : `${looked === 1 ? 'the one candidate file is' : `all ${looked} candidate files are`} skipped: ${why}${looked > 3 ? '; …' : ''}`
      }; name the files or directories that hold your IAM policies`,
    );
  }
  const prepared = preparePolicies(inputs);
  // The texts were needed for line numbers only: do not hold every file until the report is made.
  for (const input of inputs) delete input.text;
  // With a large input, the texts and parsed trees just let go are most of the heap: collected now,
  // not after the evaluation has grown on top of them (see core/memory.ts).
  const large = files.reduce((n, f) => n + f.size, 0) >= LARGE_INPUT;
  if (large) collectGarbage();
  phase('parse policy documents');
  const principals = collectPrincipals(inputs);

  // Which baseline applies to what.
  const plan = planAudit(prepared, principals, inputs, baselines, config, req.baseline, readFile, notes);
  plan.accountId = accountId;
  if (plan.assignments.some((a) => prepared.get(a.target)?.record.kind === 'resource'))
    plan.grantees = granteeContext(inputs, baselines);
  phase('assign baselines');

  // The pull request's base, when there is one.
  const base = req.readBase
    ? await readBaseDocs(req.readBase, inputs, files, root, prepared, principals)
    : undefined;
  if (base) notes.push(...unreadAtBase(base, inputs, prepared));
  if (base && req.readBase)
    base.deleted = await deletedAtBase(req.readBase, base, inputs, prepared, principals, {
      root,
      paths: req.paths,
      files,
      skip: configFiles,
      plan: (p, pr, i) => planAudit(p, pr, i, baselines, config, req.baseline, readFile, []),
    });

  const auditor = new Auditor(accountId, catalog, { memo: !req.reference, suggestions: req.suggestions });
  phase('read base');
  const outcome = auditor.run(prepared, principals, plan, base);
  if (plan.trust?.length) auditTrust(plan.trust, inputs, prepared, outcome, catalog, base, accountId);
  phase('evaluate');
  // Attachments that name a policy this audit cannot see are listed, not dropped.
  const listed = new Set(outcome.policies.map((p) => p.id));
  for (const principal of principals.values()) {
    for (const u of principal.unresolved) {
      // (a CloudFormation principal's id already starts with its file's path)
      const owner = principal.id.startsWith(`${principal.path}#`)
        ? principal.id
        : `${principal.path}#${principal.id}`;
      const id = `${owner}->${u.ref}`;
      if (listed.has(id)) continue;
      listed.add(id);
      // Of the engine's entries' shape (see Auditor.run): every field, undefined where empty.
      outcome.policies.push({
        id,
        path: principal.path,
        line: principal.line,
        address: u.ref,
        kind: 'identity',
        baseline: undefined,
        sets: undefined,
        features: undefined,
        status: 'unresolved',
        reason: `attached to ${principal.id}: ${u.reason}`,
        detection: undefined,
      });
    }
  }
  outcome.policies.push(...principalsNotAudited(plan, principals, prepared));
  // The entries above, by their input's path.
  const addedByPath = new Map<string, string[]>();
  for (const p of outcome.policies)
    if (!prepared.has(p.id)) (addedByPath.get(p.path) ?? addedByPath.set(p.path, []).get(p.path)!).push(p.id);

  // Source errors become findings that name the file and the place. An action an AWS managed
  // policy names that the catalog does not have (retired by AWS: 29 of the bundled 1,237 policies
  // name one) grants nothing, and the policy is AWS's to change: a note, not "fix the spelling".
  const retired = outcome.findings.filter(retiredInManaged);
  const findings: Finding[] = retired.length
    ? outcome.findings.filter((f) => !retiredInManaged(f))
    : [...outcome.findings];
  notes.push(...retiredNotes(retired));
  for (const { result } of inputs) {
    for (const e of result.errors) {
      const f: Finding = {
        kind: 'invalid-policy',
        severity: 'medium',
        policy: recordAt(result.policies, e) ?? (e.address ? `${e.path}#${e.address}` : e.path),
        actions: [],
        resources: [],
        path: e.path,
        message: e.jsonPath ? `${e.jsonPath}: ${e.message}` : e.message,
      };
      if (e.line !== undefined) f.line = e.line;
      if (e.address) f.address = e.address;
      findings.push(f);
    }
  }
  const shown = applyIgnores(
    findings,
    config,
    now,
    notes,
    catalog,
    principals,
    outcome.policies.filter((p) => p.status === 'audited'),
  );

  // Policies that follow an earlier version of their vendor's policy: said, with what the current
  // version no longer asks for.
  if (plan.earlier) notes.push(...earlierVersionNotes(plan.earlier, findings, catalog));

  // Optional sets granted as documented are features in use, not findings: said once. A feature
  // with a finding of its own in the policy (or in a principal that holds it) is not "as
  // documented": its findings say so instead.
  const withFindings = new Set<string>();
  for (const f of findings) if (f.feature && !f.removed) withFindings.add(`${f.policy}\u0000${f.feature}`);
  const holdersOf = new Map<string, string[]>();
  if (withFindings.size)
    for (const pr of principals.values())
      for (const id of pr.policyIds) (holdersOf.get(id) ?? holdersOf.set(id, []).get(id)!).push(pr.id);
  const inUse = outcome.policies
    .map((p) => ({
      p,
      features: (p.features ?? []).filter(
        (name) =>
          !withFindings.has(`${p.id}\u0000${name}`) &&
          !(holdersOf.get(p.id) ?? []).some((h) => withFindings.has(`${h}\u0000${name}`)),
      ),
    }))
    .filter(({ features }) => features.length)
    .map(
      ({ p, features }) =>
        `${features.join(', ')} (${p.baseline}) in ${p.address ? `${p.path} ${addressLabel(p)}` : p.path}`,
    )
    .sort();
  if (inUse.length)
    notes.push(
      `Optional features in use (granted as documented, no finding): ${inUse.slice(0, 10).join('; ')}${inUse.length > 10 ? `; and ${inUse.length - 10} more` : ''}.`,
    );

  // Actions that need no permission granted beyond the baseline: not findings, said once each.
  notes.push(...freeNotes(outcome.free, outcome.policies));
  notes.push(...otherGranteeNotes(outcome.otherGrantees, outcome.policies, baselines));

  // The sets the policies were held to (alternatives chosen, features in use), else as assigned.
  const heldTo = new Map<string, string[]>();
  for (const p of outcome.policies)
    if (p.status === 'audited' && p.sets) heldTo.set(p.id, [...p.sets, ...(p.features ?? [])]);
  const used = new Map<string, { b: Baseline; sets: Set<string> }>();
  for (const a of plan.assignments) {
    const u = used.get(a.baseline.id) ?? { b: a.baseline, sets: new Set<string>() };
    const ids = principals.get(a.target)?.policyIds ?? [a.target];
    const held = ids.flatMap((id) => heldTo.get(id) ?? []);
    (held.length ? held : a.sets).forEach((s) => u.sets.add(s));
    used.set(a.baseline.id, u);
  }
  const stale = [...used.values()]
    .filter(({ b }) => b.date && now.getTime() - Date.parse(b.date) > 365 * 24 * 3600 * 1000)
    .map(({ b }) => `${b.id} (${b.date})`);
  if (stale.length)
    notes.push(
      `Baselines taken from the vendors' documents over a year ago, worth checking for updates: ${stale.join(', ')}.`,
    );
  notes.push(
    ...unknownBaselineActions(
      [...used.values()].map(({ b }) => b),
      catalog,
    ),
  );

  const report: Report = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    catalog: { source: catalog.source, version: catalog.version },
    baselines: [...used.values()]
      .map(({ b, sets }) => {
        const e: Report['baselines'][number] = { id: b.id, name: b.name, sets: [...sets].sort() };
        if (b.version) e.version = b.version;
        if (b.date) e.date = b.date;
        if (b.remediation) e.remediation = b.remediation;
        if (b.sources?.length) e.sources = b.sources;
        return e;
      })
      .sort((a, b) => a.id.localeCompare(b.id)),
    inputs: inputs
      .map(({ result }) => {
        // (with the entries the audit adds for the input: attachments it could not resolve,
        // principals it could not audit, so that every entry of `policies` is under its input)
        const own = new Set(result.policies.map((p) => p.id));
        for (const id of addedByPath.get(result.path) ?? []) own.add(id);
        const e: Report['inputs'][number] = {
          path: result.path,
          kind: result.kind,
          status: result.status,
          policies: [...own].sort(),
        };
        if (result.reason) e.reason = result.reason;
        return e;
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    // Numbers as numbers: `Policies[2]` before `Policies[10]`.
    policies: outcome.policies.sort((a, b) => naturalCompare(a.id, b.id)),
    findings: sortFindings(shown),
    suggestions: outcome.suggestions.sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0)),
    summary: { inputs: 0, policies: 0, findings: 0, byKind: {}, bySeverity: {} },
  };
  if (notes.length) report.notes = [...new Set(notes)];
  if (req.suggestions === false) report.suggestionsNotMade = outcome.suggestionsNotMade;
  report.summary = summarize(report);
  // The evaluation's garbage (a third of the old generation with 5,000 diverse policies) is let go
  // before the report is rendered on top of it.
  if (large) collectGarbage();
  phase('assemble report');
  return report;
}

/**
 * The principals an audit selects of which no policy could be read (a policy that is a variable's
 * value, an attachment whose ARN is not known: `policy_arn = var.arn`), or that hold none,
 * or only AWS managed policies its baseline documents attaching (which only grant): the engine
 * audits nothing of them, so each is listed as not audited, naming what it could not read (each
 * listed on its own line too), not left unsaid. A principal some of whose policies were read is
 * audited, its missing permissions marked unsure by the others (Auditor.run).
 */
function principalsNotAudited(
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

/** `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` -> `job-function/ViewOnlyAccess`. */
const MANAGED_NAME = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** An AWS managed policy's name after `policy/` (`job-function/ViewOnlyAccess`), from its address. */
function managedName(p: PreparedPolicy | undefined): string | undefined {
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
function managedBesideDetected(
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
function documentedAttachments(
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
function* rolesWithTrust(
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
function auditTrust(
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

const TRUST_REASON =
  'trust policy: it says who may assume the role, not what the role may do; used as evidence for detection';

/**
 * A role's trust policy that its own principals did not tie to a vendor (`"AWS": "*"`, a principal
 * not known here) is held to the documented trust of the baseline its role's permissions are
 * audited against, where that is one baseline with a documented trust and the trust policy lets
 * the vendor's principals, any account or a principal not known here assume the role
 * (trustApplies `byRole`).
 */
function trustOfRoles(
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

function planAudit(
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
  ) => {
    if (baseline?.trust && p.doc && trustApplies(p.doc, baseline.trust, loadCatalog())) {
      (plan.trust ??= []).push({
        id: p.record.id,
        baseline: baseline as TrustAssignment['baseline'],
        ...(detection ? { detection } : {}),
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
        trustPolicy(p, baseline);
        continue;
      }
      // Never a vendor's grant, whichever baseline is named (a bucket policy for billingreports).
      const grantees = p.record.kind === 'resource' ? serviceOnlyGrantees(p.raw) : undefined;
      if (grantees) {
        plan.notAudited.set(p.record.id, {
          status: 'not-matched',
          reason: serviceOnlyReason(grantees, baseline),
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
    config.audits.forEach((audit, i) => {
      const at = (line: number | undefined, field: string) =>
        `${config.path ?? CONFIG_PATH}${line ? `, line ${line}` : ''}: audits[${i}].${field}`;
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
        if (
          !audit.policies.some((sel) =>
            matchesSelector(sel, { path: principal.path, address: principal.address ?? principal.id }, [
              principal.id,
            ]),
          )
        )
          continue;
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
        if (
          !audit.policies.some((sel) =>
            matchesSelector(sel, { path: p.record.path, address: p.record.address }),
          )
        )
          continue;
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
        .filter(
          (p) =>
            p.record.kind !== 'trust' &&
            audit.policies.some((sel) =>
              matchesSelector(sel, { path: p.record.path, address: p.record.address }),
            ),
        )
        .map((p) => p.record.id);
      if (unread.length) (plan.unread ??= new Map()).set(`audit-${i}`, unread);
      if (matched === 0)
        notes.push(
          `Audit #${i + 1} (baseline ${audit.baseline}) selects no policy: ${audit.policies.join(', ')}`,
        );
    });
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
      { name: r.name, address: r.address, path: r.path, kind: r.kind, document: p.raw },
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
        ? { exclude: serviceOnlyReason(grantees, baseline) }
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
                ? `: its name is ${d.best.baseline}'s, but most of its actions are not, as in another component of the vendor's`
                : ''
            })`
          : '';
      const entry: { status: ReportPolicy['status']; reason: string; detection?: ReportPolicy['detection'] } =
        {
          status: 'not-matched',
          reason: `matches no known vendor baseline${best}`,
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

/**
 * The configuration's ignore rules, in order. A rule that covers every action of a finding (whose
 * policy its selectors select) hides it: `ignored`, kept in the JSON report, not counted. A rule
 * that covers some of them splits it: the covered actions become an ignored finding of their own,
 * and the rest stays reported (a rule for `ec2:DescribeAddresses` against a finding of
 * `ec2:Describe*`). An expired rule hides nothing, and the findings it would hide say so. A rule
 * that matches no finding in the audited policies it selects is named in a note, to be removed
 * once its permission is gone.
 */
/**
 * Whether a rule's coverage of a finding hides something: all of it, or some of a finding split by
 * action (part of an informational missing-permission finding is not hidden).
 */
function reaches(covered: 'all' | 'some' | 'none', kind: Finding['kind']): boolean {
  return covered === 'all' || (covered === 'some' && splitsByAction(kind));
}

function applyIgnores(
  findings: Finding[],
  config: AuditConfig | undefined,
  now: Date,
  notes: string[],
  catalog: Catalog,
  principals: Map<string, PrincipalRecord>,
  audited: readonly ReportPolicy[],
): Finding[] {
  const rules = config?.ignore ?? [];
  if (!rules.length) return findings;
  // The principals holding each policy, for `terraform:` selectors that name a role (by id and by
  // address, where the id was made unique).
  const names = (p: PrincipalRecord) => (p.address !== undefined ? [p.id, p.address] : [p.id]);
  const holders = new Map<string, string[]>();
  for (const p of principals.values())
    for (const id of p.policyIds) holders.set(id, [...(holders.get(id) ?? []), ...names(p)]);
  const principalIdsOf = (f: Finding) => {
    const own = principals.get(f.policy);
    return own ? names(own) : holders.get(f.policy);
  };
  // The file each policy is written in (a finding may point into a file its policy reads).
  const pathOf = new Map(audited.map((p) => [p.id, p.path]));
  const used = rules.map(() => false);
  const out: Finding[] = [];
  // The findings of a role's trust policy (audit/trust.ts) and the rules said not to hide them.
  const trustPolicies = new Set(audited.filter((p) => p.kind === 'trust').map((p) => p.id));
  const isTrustFinding = (f: Finding) =>
    f.kind === 'broader-trust' || (f.kind === 'missing-condition' && trustPolicies.has(f.policy));
  const actionOnly = new Set<number>();
  const principalGlobs = rules.map((r) => (r.principal !== undefined ? compileGlob(r.principal) : undefined));
  const namesAll = (i: number, f: Finding) => f.resources.every((r) => principalGlobs[i]!.matches(r));
  for (const f of findings) {
    // A permission a plan removes is not hidden: it is gone.
    if (f.removed) {
      out.push(f);
      continue;
    }
    let rest: Finding | undefined = f;
    const principalIds = principalIdsOf(f);
    const policyPath = pathOf.get(f.policy);
    const like = (x: Finding) => ({
      actions: x.actions,
      path: x.path,
      ...(policyPath !== undefined ? { policyPath } : {}),
      ...(x.address !== undefined ? { address: x.address } : {}),
      ...(principalIds ? { principalIds } : {}),
    });
    const expired: IgnoreRule[] = [];
    // A trust finding is about principals: hidden only by a rule that names them (`principal`),
    // all of them, and whole; a rule with `principal` hides nothing else.
    const trust = isTrustFinding(f);
    for (let i = 0; i < rules.length && rest; i++) {
      const rule = rules[i]!;
      if ((rule.principal !== undefined) !== trust) {
        if (trust && !actionOnly.has(i) && ignoreCoverage(rule, like(rest), now).covered === 'all') {
          actionOnly.add(i);
          used[i] = true;
          notes.push(
            `The ignore rule for ${rule.action} (${config!.path ?? CONFIG_PATH}${rule.line ? `, line ${rule.line}` : ''}) does not hide the findings of a role's trust policy (${f.path}): they are about who may assume the role; name the principal it accepts (\`principal\`).`,
          );
        }
        continue;
      }
      if (trust && !namesAll(i, rest)) continue;
      const c = ignoreCoverage(rule, like(rest), now);
      if (trust ? c.covered !== 'all' : !reaches(c.covered, rest.kind)) continue;
      used[i] = true;
      if (c.expired) {
        expired.push(rule);
        continue;
      }
      const ignored = { reason: rule.reason, ...(rule.expires ? { expires: rule.expires } : {}) };
      if (c.covered === 'all') {
        rest.ignored = ignored;
        out.push(rest);
        rest = undefined;
        // Later rules that would have hidden it too are in use.
        for (let j = i + 1; j < rules.length; j++)
          if (!used[j] && (rules[j]!.principal !== undefined) === trust)
            used[j] =
              (!trust || namesAll(j, f)) && reaches(ignoreCoverage(rules[j]!, like(f), now).covered, f.kind);
        break;
      }
      const covered = new Set(c.actions);
      const hidden = findingPart(rest, c.actions!, catalog);
      const kept = findingPart(
        rest,
        rest.actions.filter((a) => !covered.has(a)),
        catalog,
      );
      if (!hidden || !kept) {
        notes.push(
          `The ignore rule for ${rule.action} covers ${c.actions!.length} of the ${rest.actions.length} actions of a ${rest.kind} finding in ${rest.path}, which is hidden only by a rule that covers all of them: it stays reported.`,
        );
        continue;
      }
      hidden.ignored = ignored;
      out.push(hidden);
      rest = kept;
    }
    if (!rest) continue;
    for (const rule of expired) {
      // Marked after every split, on the part that still holds actions the rule covers.
      if (ignoreCoverage(rule, like(rest), now).covered === 'none') continue;
      rest.message += ` (an ignore rule for ${rule.action} expired on ${rule.expires}: "${rule.reason}")`;
      notes.push(
        `An ignore rule for ${rule.action} expired on ${rule.expires} and no longer hides its findings.`,
      );
    }
    out.push(rest);
  }
  // A rule that matches nothing in the policies it selects that were audited (a rule for policies
  // this run did not read says nothing); a policy is selected by the files its findings point into
  // too (the JSON a `.tf` policy reads with file()).
  const filesOf = new Map<string, Set<string>>();
  for (const f of findings)
    if (pathOf.get(f.policy) !== f.path)
      (filesOf.get(f.policy) ?? filesOf.set(f.policy, new Set()).get(f.policy)!).add(f.path);
  rules.forEach((rule, i) => {
    if (used[i]) return;
    const selects = audited.some(
      (p) =>
        !rule.policies?.length ||
        [p.path, ...(filesOf.get(p.id) ?? [])].some((path) =>
          matchesAnySelector(
            rule.policies!,
            { path, ...(p.address !== undefined ? { address: p.address } : {}) },
            holders.get(p.id),
          ),
        ),
    );
    if (selects)
      notes.push(
        `The ignore rule for ${rule.action} (${config!.path ?? CONFIG_PATH}${rule.line ? `, line ${rule.line}` : ''}) matches no finding in the policies audited: remove it if its permission is gone.`,
      );
  });
  return out;
}

/**
 * One note per action that needs no permission (src/policy/no-permission.ts) and that some policy
 * grants where its baseline does not allow it: why it is not reported, and where (ten places at
 * the most).
 */
/**
 * Resource policies whose statements that grant only other principals than the vendor were not
 * judged against the vendor's baseline (grantees.ts): one note, the statements by policy.
 */
function otherGranteeNotes(
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
function retiredInManaged(f: Finding): boolean {
  return f.kind === 'unknown-action' && f.address !== undefined && isAwsManagedPolicyArn(f.address);
}

/** One note for the unknown actions AWS managed policies name (retiredInManaged), by policy and file. */
function retiredNotes(retired: readonly Finding[]): string[] {
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

function freeNotes(free: Map<string, Set<string>>, policies: readonly ReportPolicy[]): string[] {
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
