// `fix`: each audited policy rewritten to its minimal policy (the report's suggestions) in the
// file's own text. Only the statements that change are touched, in the file's style; everything
// else stays byte for byte. A file is changed only when the rewritten text reads back (through the
// same source parser) as the minimal policy with every other policy of the file unchanged;
// otherwise the policy is listed in `notFixed` with the reason. Pure: text in, text out.
import { isDeepStrictEqual } from 'node:util';
import { structuredPatch } from 'diff';
import { isScalar, isMap, isSeq, type Node } from 'yaml';
import type { InputKind, PolicyRecord, Report, Suggestion } from '../core/types.js';
import { isObject, parseJson, type JsonPath } from '../core/json-lines.js';
import { parsePolicyDocument } from '../policy/document.js';
import { statementsOf } from '../policy/raw.js';
import { parseSource } from '../sources/index.js';
import { keptByIgnore } from '../audit/report-model.js';
import { alignStatements } from './align.js';
import { applyEdits, pairOf, parseNodes, statementListEdits, Unfixable, type Edit } from './edit.js';
import { fileReadSites, hclFileFixer, hclFileSite, hclFileTarget, hclTarget } from './hcl.js';
import { checkAnchors, checkOutside } from './yaml-guard.js';

export interface FileFix {
  /** Relative to the audit root, `/` separators (as in the report). */
  path: string;
  /** The file's text as read. */
  before: string;
  /** The rewritten text (only the policies' own text changed). */
  after: string;
  /** Ids of the policies rewritten in this file. */
  policies: string[];
}

export interface NotFixed {
  policy: string;
  path: string;
  reason: string;
  /** The baseline placeholder the rewrite would have written (`<account-ID-without-hyphens>`), when that is the reason. */
  placeholder?: string;
}

/** A rewrite refused because it would write a baseline placeholder into the file. */
class PlaceholderWritten extends Unfixable {
  constructor(
    message: string,
    readonly placeholder: string,
  ) {
    super(message);
  }
}

export interface FixPlan {
  files: FileFix[];
  notFixed: NotFixed[];
}

/** Input kinds whose policies are generated output, never the place to fix them. */
const GENERATED: Partial<Record<InputKind, string>> = {
  'terraform-plan':
    'a Terraform plan is generated output: change the Terraform configuration that produces it, then plan again',
  'terraform-state':
    'a Terraform state file is generated output: change the Terraform configuration, then apply it',
  'authorization-details':
    'an authorization-details export is a snapshot of the account: change the policy where it is defined (or in the account), then export again',
};

/** The minimal statements of a suggestion. */
function minimalStatements(s: Suggestion): Record<string, unknown>[] {
  return statementsOf(s.minimal) as Record<string, unknown>[];
}

/**
 * Rewrites each policy that has a suggestion to its minimal policy. `read` gives a file's text by
 * its report path (undefined when it cannot be read).
 */
/** The ARN of an AWS managed policy (`arn:aws:iam::aws:policy/...`, any partition). */
const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;

export function planFixes(report: Report, read: (path: string) => string | undefined): FixPlan {
  const files: FileFix[] = [];
  const notFixed: NotFixed[] = [];
  const pathOf = new Map(report.policies.map((p) => [p.id, p.path]));
  const kindOf = new Map(report.inputs.map((i) => [i.path, i.kind]));
  const byPath = new Map<string, Suggestion[]>();
  const kept = keptByIgnore(report);
  const addressOf = new Map(report.policies.map((p) => [p.id, p.address]));
  const baselineOf = new Map(report.policies.map((p) => [p.id, p.baseline]));
  // The baselines each policy has findings of, and the one it is listed with (a policy audited
  // against two may have findings of both: its suggestion removes only what both call excess).
  const auditedBy = new Map<string, Set<string>>();
  const audited = (policy: string, baseline: string | undefined) => {
    if (baseline) (auditedBy.get(policy) ?? auditedBy.set(policy, new Set()).get(policy)!).add(baseline);
  };
  for (const p of report.policies) audited(p.id, p.baseline);
  // (a principal audited as a whole names its own id as the finding's policy, and the member
  // policy by its place: a policy two roles hold, audited against each one's baseline)
  const atPlace = new Map<string, string>();
  for (const p of report.policies)
    if (p.address !== undefined) atPlace.set(`${p.path}\u0000${p.address}`, p.id);
  for (const f of report.findings) {
    if (f.ignored) continue;
    audited(f.policy, f.baseline);
    const member = f.address === undefined ? undefined : atPlace.get(`${f.path}\u0000${f.address}`);
    if (member !== undefined && member !== f.policy) audited(member, f.baseline);
  }
  /**
   * A suggestion for the policy of a file that a .tf policy reads with file() -> that .tf policy
   * (hclFileTarget): per suggestion, as two .tf policies may read the same file.
   */
  const viaFile = new Map<Suggestion, string>();
  /** Those of a .tf policy whose audit removes nothing (the file's policy kept as written). */
  const asWritten = new Set<Suggestion>();
  for (const s of report.suggestions) {
    // An AWS managed policy attached by ARN: AWS's text, not the repository's.
    const address = addressOf.get(s.policy);
    if (address !== undefined && AWS_MANAGED.test(address)) {
      notFixed.push({
        policy: s.policy,
        path: pathOf.get(s.policy) ?? s.policy.replace(/#.*$/, ''),
        reason: `${address} is an AWS managed policy, which cannot be edited: detach it and attach a policy of your own (its suggested minimal policy is in the JSON and Markdown reports)`,
      });
      continue;
    }
    // The minimal policy removes what an ignore rule keeps: left as written, and said why.
    const ignored = kept.get(s.policy);
    if (ignored) {
      notFixed.push({
        policy: s.policy,
        path: pathOf.get(s.policy) ?? s.policy.replace(/#.*$/, ''),
        reason: `an ignore rule keeps ${ignored.length === 1 ? 'an action' : `${ignored.length} actions`} of it (${ignored.slice(0, 3).join(', ')}${ignored.length > 3 ? ', …' : ''}) that its minimal policy removes: edit it by hand`,
      });
      continue;
    }
    const own = pathOf.get(s.policy) ?? s.policy.replace(/#.*$/, '');
    // A .tf policy read with file() is fixed in that file, for the policy the file holds (the
    // file is listed as read through its module, and fixed as its own).
    const file = kindOf.get(own) === 'terraform-hcl' ? hclFileTarget(report, read, s.policy) : undefined;
    const fileText = file !== undefined && kindOf.has(file) ? read(file) : undefined;
    const held =
      fileText === undefined ? [] : parseSource({ path: file!, text: fileText }, true).result.policies;
    if (file !== undefined && held.length === 1) {
      const moved = { ...s, policy: held[0]!.id };
      viaFile.set(moved, s.policy);
      const list = byPath.get(file) ?? [];
      list.push(moved);
      byPath.set(file, list);
      continue;
    }
    // a .tf policy may be written in another file of its module (its policy document data source)
    const path = kindOf.get(own) === 'terraform-hcl' ? (hclTarget(report, read, s.policy) ?? own) : own;
    const list = byPath.get(path) ?? [];
    list.push(s);
    byPath.set(path, list);
  }
  // The suggestions made into one for the policy of a file that several policies read (combined):
  // the policies each stands for.
  const combinedOf = new Map<Suggestion, Suggestion[]>();
  // A .tf policy that reads one of those files and has no suggestion (its audit found nothing to
  // remove) keeps the file's policy as written: it takes part as a suggestion that removes nothing.
  if (viaFile.size) {
    const targets = new Map(
      [...byPath].flatMap(([path, list]) => list.map((s) => [path, s.policy] as const)),
    );
    const suggested = new Set(report.suggestions.map((s) => s.policy));
    // Of any status: a policy not matched to a baseline, or not audited, is still deployed with
    // the file's text, and keeps it as written.
    for (const p of report.policies) {
      if (suggested.has(p.id) || kindOf.get(p.path) !== 'terraform-hcl') continue;
      const file = hclFileTarget(report, read, p.id);
      const held = file === undefined ? undefined : targets.get(file);
      if (file === undefined || held === undefined) continue;
      const keep: Suggestion = { policy: held, minimal: undefined, diff: '' };
      viaFile.set(keep, p.id);
      asWritten.add(keep);
      byPath.get(file)!.push(keep);
    }
  }
  for (const [path, listed] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // (a policy not fixed is named with its own file, as in the report)
    // (and a file's policy that a .tf policy reads with file() by that policy)
    const idOf = (s: Suggestion) => viaFile.get(s) ?? s.policy;
    const idsOf = (s: Suggestion) => (combinedOf.get(s) ?? [s]).map(idOf);
    const own = (s: Suggestion) => pathOf.get(idOf(s)) ?? path;
    const no = (reason: string) =>
      listed.forEach((s) => notFixed.push({ policy: idOf(s), path: own(s), reason }));
    const kind = kindOf.get(path);
    const generated = kind && GENERATED[kind];
    if (generated) {
      no(generated);
      continue;
    }
    const text = read(path);
    if (text === undefined) {
      no('the file could not be read again');
      continue;
    }
    // A file that a `.tf` policy reads in a way fix does not follow (templatefile(), a path from
    // the root module, a path not written out): rewritten for one policy, it would change the
    // other, which its own audit never asked for.
    const unfollowed = kind === 'terraform-hcl' ? undefined : unfollowedReaders(report, read, path);
    if (unfollowed) {
      no(unfollowed);
      continue;
    }
    const fixer = kind === 'terraform-hcl' ? hclFileFixer(path, read, report) : textFileFixer(path, kind);
    // Two suggestions for one policy of the file (two .tf policies that read it with file(), each
    // audited against its baseline): applied one after the other, the last would win and take
    // away what the other baseline needs. Made into one that removes only what both remove.
    const suggestions: (Suggestion | undefined)[] = [];
    const byPolicy = new Map<string, Suggestion[]>();
    for (const s of listed) {
      const same = byPolicy.get(s.policy);
      if (same) {
        same.push(s);
        continue;
      }
      byPolicy.set(s.policy, [s]);
      suggestions.push(s);
    }
    for (const [i, s] of suggestions.entries()) {
      const same = byPolicy.get(s!.policy)!;
      if (same.length < 2) continue;
      const who = same
        .map((x) => `${idOf(x)} (${baselineOf.get(idOf(x)) ?? 'no baseline'})`)
        .sort()
        .join(', ');
      try {
        const minimal = same.some((x) => asWritten.has(x))
          ? undefined
          : intersectMinimal(text, path, s!.policy, same);
        if (!minimal) {
          throw new Unfixable(
            `the policies ${who} read this one file and are audited apart, and no statement is excess for all of them: fix removes only what every audit calls excess; narrow it by hand, or give each its own file`,
          );
        }
        const merged: Suggestion = { policy: s!.policy, minimal, diff: '' };
        combinedOf.set(merged, same);
        suggestions[i] = merged;
      } catch (e) {
        const reason = e instanceof Unfixable ? e.message : `the text could not be rewritten (${String(e)})`;
        for (const x of same) notFixed.push({ policy: idOf(x), path: own(x), reason });
        suggestions[i] = undefined;
      }
    }
    let current = text;
    const done: Suggestion[] = [];
    for (const s of suggestions) {
      if (!s) continue;
      try {
        const candidate = fixer.fix(current, s);
        const hole = placeholderReason(s.minimal, current, candidate);
        if (hole) throw new PlaceholderWritten(hole.reason, hole.placeholder);
        const audits = [...(auditedBy.get(idOf(s)) ?? [])].sort();
        if (candidate === current && audits.length > 1)
          throw new Unfixable(
            `it is audited against ${audits.join(' and ')}, and no statement is excess for all of them (each needs what another removes): fix removes only what every audit calls excess; narrow it by hand, or audit it against one baseline`,
          );
        if (candidate === current)
          throw new Unfixable(
            'its minimal policy is the policy as written: what its findings name cannot be narrowed exactly (a resource with parts not known, such as a reference or a policy variable, that may be one the baseline names, is kept, and so is one that shares with the baseline resources more than one pattern can name, such as `coiled?prod` with `coiled-*`, and a resource policy statement that names the vendor and other principals together): narrow it by hand',
          );
        fixer.verify(text, candidate, [...done, s]);
        current = candidate;
        done.push(s);
      } catch (e) {
        // Anything else the text makes a library throw is a reason too: fix never stops on a file.
        let reason =
          e instanceof Unfixable
            ? e.message
            : `the text could not be rewritten (${(e as Error)?.message ?? String(e)})`;
        if (reason.startsWith('every statement would be removed')) reason = narrowedAway(report, s) ?? reason;
        const placeholder = e instanceof PlaceholderWritten ? { placeholder: e.placeholder } : {};
        for (const id of idsOf(s))
          notFixed.push({ policy: id, path: pathOf.get(id) ?? path, reason, ...placeholder });
      }
    }
    if (done.length) files.push({ path, before: text, after: current, policies: done.flatMap(idsOf) });
  }
  // A vendor's Deny statement that is missing is added by hand: a minimal policy only removes.
  const told = new Set<string>();
  for (const f of report.findings) {
    if (f.kind !== 'missing-deny' || f.ignored || f.removed) continue;
    const key = `${f.policy}\u0000${f.set ?? ''}`;
    if (told.has(key)) continue;
    told.add(key);
    notFixed.push({
      policy: f.policy,
      path: pathOf.get(f.policy) ?? f.path,
      reason: `it lacks a Deny statement of its baseline's set "${f.set ?? ''}" (missing-deny): fix does not add statements; add the vendor's Deny as the report's finding names it`,
    });
  }
  // A trust policy held to its vendor's documented trust is changed by hand: who may assume a role
  // and under which external ID is not a permission a minimal policy removes.
  const trusts = new Set(report.policies.filter((p) => p.kind === 'trust').map((p) => p.id));
  for (const f of report.findings) {
    if (f.kind !== 'broader-trust' && f.kind !== 'missing-condition') continue;
    if (!trusts.has(f.policy) || f.ignored || f.removed || told.has(f.policy)) continue;
    told.add(f.policy);
    notFixed.push({
      policy: f.policy,
      path: pathOf.get(f.policy) ?? f.path,
      reason: `a role's trust policy (${f.kind}): fix does not change who may assume a role; trust only the vendor's principal, with the condition it documents, as the report's finding says`,
    });
  }
  return { files, notFixed };
}

/** Per report: the sites of the `file("${path.module}/…")` calls of its `.tf` policies (hclFileSite), found once. */
const followedOf = new WeakMap<Report, Set<string>>();

function followedSites(report: Report, read: (path: string) => string | undefined): Set<string> {
  let out = followedOf.get(report);
  if (out) return out;
  out = new Set<string>();
  const hcl = new Set(report.inputs.filter((i) => i.kind === 'terraform-hcl').map((i) => i.path));
  for (const p of report.policies) {
    if (!hcl.has(p.path)) continue;
    const at = hclFileSite(report, read, p.id);
    if (at) out.add(at.site);
  }
  followedOf.set(report, out);
  return out;
}

/**
 * Why a policy file cannot be rewritten because a `.tf` file may read it where fix cannot tell
 * which policy that is (fileReadSites, less the `file("${path.module}/…")` calls of the report's
 * policies, which fix follows), or undefined when there is no such place.
 */
function unfollowedReaders(
  report: Report,
  read: (path: string) => string | undefined,
  path: string,
): string | undefined {
  if (!report.inputs.some((i) => i.kind === 'terraform-hcl' || i.kind === 'terraform-json')) return undefined;
  const sites = fileReadSites(report, read, path);
  if (!sites.length) return undefined;
  const followed = followedSites(report, read);
  const others = sites.filter((s) => !followed.has(s.site));
  if (!others.length) return undefined;
  const named = others
    .slice(0, 3)
    .map((s) => `${s.call} at ${s.where}`)
    .join(', ');
  return `${path} may also be read elsewhere (${named}${others.length > 3 ? ', …' : ''}), by a policy fix cannot tell: rewritten for one policy, the file would change another's; narrow it by hand, or give each policy its own file`;
}

/**
 * When a policy would lose every statement only because its resources, narrowed to the baseline's,
 * cannot be written exactly (it has broader-resource findings: it grants actions the baseline
 * allows, on resources broader than the baseline's), the reason says so: narrow it by hand.
 */
function narrowedAway(report: Report, s: Suggestion): string | undefined {
  const broader = report.findings.filter(
    (f) => f.policy === s.policy && f.kind === 'broader-resource' && !f.ignored && !f.removed,
  );
  if (!broader.length) return undefined;
  const named = broader
    .slice(0, 3)
    .map((f) => `statement ${f.statement ?? '?'}: ${(f.actions ?? []).join(', ')}`)
    .join('; ');
  return `every statement would be removed, but only because fix cannot write exactly what its resources share with the baseline's (${named}${broader.length > 3 ? '; …' : ''}): it grants actions the baseline allows, so do not delete it; narrow its resources by hand to those the baseline names`;
}

/**
 * The minimal policy of the policy `id` of the file that removes only what every one of
 * `suggestions` removes: a statement stays as written when a suggestion keeps it so, is dropped
 * when every one drops it, and is otherwise rewritten into what any of them keeps of it (the
 * parts with the same keys but Sid and Action made into one, with the actions of each; Sids made
 * unique). Undefined when that is the policy as written.
 */
function intersectMinimal(
  text: string,
  path: string,
  id: string,
  suggestions: readonly Suggestion[],
): Record<string, unknown> | undefined {
  const { statements } = originalStatements(recordOf(text, path, id));
  const fates = suggestions.map((s) => alignStatements(statements, minimalStatements(s)));
  if (fates.some((f) => !f))
    throw new Unfixable(
      'the minimal policies could not be matched statement by statement with the policy as written',
    );
  const out: unknown[] = [];
  let changed = false;
  const used = new Set(
    statements.flatMap((st) => (typeof st.Sid === 'string' ? [st.Sid.toLowerCase()] : [])),
  );
  statements.forEach((st, i) => {
    const each = fates.map((f) => f![i]!);
    if (each.some((f) => f.kind === 'keep')) {
      out.push(st);
      return;
    }
    changed = true;
    const parts = new Map<string, Record<string, unknown>>();
    for (const part of each.flatMap((f) => (f.kind === 'rewrite' ? f.parts : []))) {
      const rest: Record<string, unknown> = { ...part };
      delete rest.Sid;
      delete rest.Action;
      const key = JSON.stringify(rest);
      const had = parts.get(key);
      if (!had) {
        parts.set(key, { ...part, Action: actionList(part.Action) });
        continue;
      }
      const list = had.Action as string[];
      for (const a of actionList(part.Action)) if (!list.includes(a)) list.push(a);
    }
    [...parts.values()].forEach((part, n) => {
      // (the first part keeps the statement's Sid, the others take free ones: `${sid}${n}`)
      if (typeof st.Sid === 'string' && 'Sid' in part) {
        let sid = st.Sid;
        if (n > 0) {
          let k = n + 1;
          while (used.has(`${st.Sid}${k}`.toLowerCase())) k++;
          sid = `${st.Sid}${k}`;
          used.add(sid.toLowerCase());
        }
        part.Sid = sid;
      }
      const list = part.Action as string[];
      out.push({ ...part, Action: list.length === 1 && typeof st.Action === 'string' ? list[0] : list });
    });
  });
  if (!changed) return undefined;
  return { ...(suggestions[0]!.minimal as Record<string, unknown>), Statement: out };
}

function actionList(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** A placeholder of a baseline (`<account-ID-without-hyphens>`, `<placeholder>`, `{INPUT_BUCKET}`). */
const PLACEHOLDER = /<[^<>]+>|\{[A-Z][A-Z0-9_]*\}/g;

/** How many times `hole` occurs in `lines`. */
function occurrences(lines: readonly string[], hole: string): number {
  return lines.reduce((n, l) => n + l.split(hole).length - 1, 0);
}

/**
 * Why the rewrite is refused, when it would write a baseline placeholder of a minimal policy into
 * the file: in a resource (`<account-ID-without-hyphens>`, `{INPUT_BUCKET}`, a template hole kept
 * as `<${x}>`), or in a condition's key or value (`<placeholder>`, the user's own value a baseline
 * condition needs: the condition removed from Anyscale's cloud-ID statement would come back with
 * it). Written: a change of the rewrite (`before` to `after`, line by line) has it more times in
 * the lines it writes than in those it replaces; so a file that already holds the placeholder
 * elsewhere (a vendor's document pasted as published) is not written more of it, while a statement
 * kept or edited in place keeps its own. A placeholder that is the policy's own (the account of a
 * resource a `.tf` module creates, written there as its reference) is not in the text, so is no
 * reason.
 */
function placeholderReason(
  minimal: unknown,
  before: string,
  after: string,
): { reason: string; placeholder: string } | undefined {
  let hunks: { lines: string[] }[] | undefined;
  const writes = (hole: string): boolean => {
    if (!after.includes(hole)) return false;
    if (!before.includes(hole)) return true;
    hunks ??= structuredPatch('', '', before, after, undefined, undefined, { context: 0 }).hunks;
    return hunks.some(
      (h) =>
        occurrences(
          h.lines.filter((l) => l.startsWith('+')),
          hole,
        ) >
        occurrences(
          h.lines.filter((l) => l.startsWith('-')),
          hole,
        ),
    );
  };
  const written = (v: string) => {
    for (const m of v.matchAll(PLACEHOLDER)) if (writes(m[0])) return m[0];
    return undefined;
  };
  const statements = (minimal as { Statement?: unknown })?.Statement;
  for (const st of Array.isArray(statements) ? statements : [statements]) {
    if (!isObject(st)) continue;
    const sid = typeof st.Sid === 'string' ? ` of the statement ${st.Sid}` : '';
    for (const v of Array.isArray(st.Resource) ? st.Resource : [st.Resource]) {
      const hole = typeof v === 'string' ? written(v) : undefined;
      if (hole && /account/i.test(hole))
        return {
          placeholder: hole,
          reason: `the rewrite would write ${hole} into the file, a placeholder for a value the file does not write that way: pass --account-id (or set \`account-id\` in the configuration) when it is the account ID, or narrow it by hand`,
        };
      if (hole)
        return {
          placeholder: hole,
          reason: `the rewrite would write ${hole} into the file, the baseline's placeholder for a name of your own (a bucket, a role...) that neither --account-id nor the configuration sets: narrow the resource to your own name by hand (or audit against your own copy of the baseline with the name written in, listed under \`baselines\` in the configuration)`,
        };
    }
    for (const [op, keys] of Object.entries(isObject(st.Condition) ? st.Condition : {})) {
      for (const [key, values] of Object.entries(isObject(keys) ? keys : {})) {
        for (const v of [key, ...(Array.isArray(values) ? values : [values])]) {
          const hole = typeof v === 'string' ? written(v) : undefined;
          if (hole)
            return {
              placeholder: hole,
              reason: `the rewrite would write ${hole} into the file, in the condition ${op} ${key}${sid} that the baseline requires: a placeholder for a value of your own (the file does not have it); add the condition with your value by hand`,
            };
        }
      }
    }
  }
  return undefined;
}

/** How one file format is rewritten and read back. */
export interface FileFixer {
  /** The text with the suggestion's policy rewritten (throws Unfixable). */
  fix(text: string, s: Suggestion): string;
  /** Throws Unfixable unless `after` reads as `before` with exactly the suggestions' policies minimal. */
  verify(before: string, after: string, fixed: Suggestion[]): void;
}

/** `$.a.b[0]["x y"]` -> ['a', 'b', 0, 'x y']. */
export function parseJsonPath(p: string): JsonPath | undefined {
  if (!p.startsWith('$')) return undefined;
  const out: JsonPath = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < p.length) {
    const m = re.exec(p);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

/** Wrapper keys followed to the document (as src/policy/document.ts reads them). */
const WRAPPERS = [
  'PolicyVersion',
  'Document',
  'document',
  'PolicyDocument',
  'policyDocument',
  'Policy',
  'policy',
];

function recordOf(text: string, path: string, id: string): PolicyRecord {
  const loaded = parseSource({ path, text }, true);
  const record = loaded.result.policies.find((p) => p.id === id);
  if (!record) throw new Unfixable('the policy is not found when the file is read again');
  if (record.status !== 'resolved') throw new Unfixable(`the policy is not resolved: ${record.reason ?? ''}`);
  return record;
}

/** The statements of a record's document as the audit read them. */
function originalStatements(record: PolicyRecord): {
  raw: Record<string, unknown>;
  statements: Record<string, unknown>[];
} {
  const parsed = parsePolicyDocument(record.document);
  if (!parsed.raw) throw new Unfixable('the policy document could not be read');
  return { raw: parsed.raw, statements: statementsOf(parsed.raw) as Record<string, unknown>[] };
}

/**
 * Rewrites the statement list of the document at `node` (following wrappers, and into a document
 * held as JSON text) in `text`; returns the edits.
 */
function documentEdits(
  text: string,
  json: boolean,
  node: Node | null | undefined,
  originals: Record<string, unknown>[],
  minimal: Record<string, unknown>[],
  interpolations: boolean,
  depth = 0,
): Edit[] {
  if (!node || depth > 6) throw new Unfixable('the policy document is not written literally in the file');
  if (isScalar(node)) {
    if (typeof node.value !== 'string') throw new Unfixable('the policy document is not an object');
    const inner = node.value;
    const written = text.slice(node.range![0], node.range![1]);
    if (!json || written !== JSON.stringify(inner))
      throw new Unfixable(
        'the policy is held in a string this tool would not write back byte for byte (escapes, YAML or URL encoding)',
      );
    const ref = /^\$\{\s*data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\s*\}$/.exec(inner.trim());
    if (interpolations && ref)
      throw new Unfixable(
        `the policy is a reference to the policy document data source data.aws_iam_policy_document.${ref[1]!} (${inner.trim()}), which fix does not follow in a .tf.json file: rewrite that data source's statements by hand`,
      );
    if (interpolations && /^\$\{[^]*\}$/.test(inner.trim()))
      throw new Unfixable(
        `the policy is a Terraform expression (${inner.trim().length > 80 ? `${inner.trim().slice(0, 77)}...` : inner.trim()}), not a literal document: change it where it is defined`,
      );
    if (!parseJson(inner).ok) throw new Unfixable('the policy is held in a string that is not JSON text');
    const innerDoc = parseNodes(inner);
    if (innerDoc.errors.length) throw new Unfixable('the policy text could not be read with positions');
    const innerEdits = documentEdits(
      inner,
      true,
      innerDoc.contents as Node,
      originals,
      minimal,
      interpolations,
      depth + 1,
    );
    return [
      { start: node.range![0], end: node.range![1], text: JSON.stringify(applyEdits(inner, innerEdits)) },
    ];
  }
  if (!isMap(node))
    throw new Unfixable('the policy document is not written literally in the file (not an object)');
  const st = pairOf(node, 'Statement');
  if (!st) {
    const key = WRAPPERS.find((k) => pairOf(node, k));
    if (!key) throw new Unfixable('the policy document is not written literally in the file');
    return documentEdits(
      text,
      json,
      pairOf(node, key)!.value as Node,
      originals,
      minimal,
      interpolations,
      depth + 1,
    );
  }
  const list = st.value as Node | null;
  if (!list || !(isSeq(list) || isMap(list)))
    throw new Unfixable('the Statement is neither a list nor an object');
  if (isSeq(list) && list.items.length !== originals.length)
    throw new Unfixable(
      'the statements as written are not those the audit read (generated or conditional statements)',
    );
  const fates = alignStatements(originals, minimal);
  if (!fates)
    throw new Unfixable(
      'the minimal policy could not be matched statement by statement with the policy as written',
    );
  return statementListEdits(text, json, list, originals, fates, interpolations);
}

/** Walks the yaml nodes along a JSON path. */
function nodeAt(root: Node | null, path: JsonPath): Node | undefined {
  let n: Node | null | undefined = root;
  for (const seg of path) {
    if (!n) return undefined;
    if (typeof seg === 'number') {
      if (!isSeq(n)) return undefined;
      n = n.items[seg] as Node | undefined;
    } else {
      if (!isMap(n)) return undefined;
      n = pairOf(n, seg)?.value as Node | null | undefined;
    }
  }
  return n ?? undefined;
}

/** Policy JSON (with the AWS CLI wrappers), *.tf.json, CloudFormation JSON and YAML templates. */
export function textFileFixer(path: string, kind: InputKind | undefined): FileFixer {
  const interpolations = kind === 'terraform-json';
  let beforeText: string | undefined;
  let beforeRecords: PolicyRecord[] = [];
  return {
    fix(text, s) {
      const record = recordOf(text, path, s.policy);
      const { statements } = originalStatements(record);
      const json = parseJson(text).ok;
      const doc = parseNodes(text);
      if (doc.errors.length) throw new Unfixable('the file could not be read with positions');
      let node: Node | undefined = doc.contents as Node;
      if (record.jsonPath) {
        const p = parseJsonPath(record.jsonPath);
        node = p ? nodeAt(doc.contents as Node, p) : undefined;
        if (!node) throw new Unfixable(`${record.jsonPath} is not found in the file as written`);
      }
      const edits = documentEdits(text, json, node, statements, minimalStatements(s), interpolations);
      checkAnchors(doc, text, edits);
      return applyEdits(text, edits);
    },
    verify(before, after, fixed) {
      // the file as read is parsed once, however many of its policies are fixed
      if (beforeText !== before) {
        beforeText = before;
        beforeRecords = parseSource({ path, text: before }, true).result.policies;
      }
      verifyRecords(beforeRecords, parseSource({ path, text: after }, true).result.policies, fixed);
      // and the rest of the file reads back the same (an edit that leaks is refused, not written)
      const paths = fixed.map((f) => beforeRecords.find((r) => r.id === f.policy)?.jsonPath);
      if (paths.every((p) => p !== undefined))
        checkOutside(
          before,
          after,
          paths.map((p) => parseJsonPath(p) ?? []),
        );
    },
  };
}

/** Statement as a list (a single statement object counts as a list of one). */
function statementList(raw: Record<string, unknown>): unknown[] {
  return statementsOf(raw);
}

const LISTS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

function sortedList(v: unknown): unknown {
  const list = Array.isArray(v) ? v : [v];
  return list.every((x) => typeof x === 'string') ? [...new Set(list as string[])].sort() : list;
}

/** A statement in a form where equal meaning is equal value: lists sorted, a single value a list of one. */
function normalStatement(st: unknown): unknown {
  if (!isObject(st)) return st;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(st).sort()) {
    const v = st[k];
    if (LISTS.has(k)) out[k] = sortedList(v);
    else if ((k === 'Principal' || k === 'NotPrincipal') && isObject(v))
      out[k] = Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((t) => [t, sortedList(v[t])]),
      );
    else if (k === 'Condition' && isObject(v))
      out[k] = Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((op) => {
            const keys = v[op];
            return [
              op,
              isObject(keys)
                ? Object.fromEntries(
                    Object.keys(keys)
                      .sort()
                      .map((c) => [c, sortedList(keys[c])]),
                  )
                : keys,
            ];
          }),
      );
    else out[k] = v;
  }
  return out;
}

/** The same statements, in the same order, up to list order and string-or-list forms. */
export function sameStatements(a: unknown[], b: unknown[]): boolean {
  return isDeepStrictEqual(a, b) || isDeepStrictEqual(a.map(normalStatement), b.map(normalStatement));
}

/**
 * The policies read back from the rewritten text: each fixed one is its minimal policy (same
 * statements, the document's other keys unchanged), every other one is as before.
 */
export function verifyRecords(before: PolicyRecord[], after: PolicyRecord[], fixed: Suggestion[]): void {
  const minimalOf = new Map(fixed.map((s) => [s.policy, s]));
  if (before.length !== after.length)
    throw new Unfixable('the rewritten file does not read back with the same policies');
  const afterById = new Map(after.map((r) => [r.id, r]));
  for (const b of before) {
    const a = afterById.get(b.id);
    if (!a) throw new Unfixable(`the rewritten file no longer has the policy ${b.id}`);
    const s = minimalOf.get(b.id);
    if (!s) {
      if (!isDeepStrictEqual(a.document, b.document) || a.status !== b.status)
        throw new Unfixable(`the rewrite would change another policy of the file (${b.id})`);
      continue;
    }
    const rb = parsePolicyDocument(b.document).raw;
    const ra = parsePolicyDocument(a.document).raw;
    if (!ra || !rb) throw new Unfixable('the rewritten policy does not read back as a policy document');
    if (!sameStatements(statementList(ra), minimalStatements(s)))
      throw new Unfixable('the rewritten policy does not read back as the minimal policy');
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)]))
      if (k !== 'Statement' && !isDeepStrictEqual(ra[k], rb[k]))
        throw new Unfixable(`the rewrite would change the document's ${k}`);
    if (!isObject(ra)) throw new Unfixable('the rewritten policy is not an object');
  }
}

/** A statement list value as strings (a single string a list of one); undefined when it is not one. */
function stringList(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.every((x) => typeof x === 'string') ? (list as string[]) : undefined;
}

/**
 * Does statement `part` grant no more than `whole`, as written: both Allow, the same keys, its
 * Action and Resource a part of `whole`'s (items as written; actions without case), its
 * NotAction and NotResource holding all of `whole`'s, everything else (Condition, Principal)
 * the same. Conservative: text that means the same but is written differently is not within.
 */
function statementWithin(part: unknown, whole: unknown): boolean {
  if (!isObject(part) || !isObject(whole) || part.Effect === 'Deny' || whole.Effect === 'Deny') return false;
  const keys = new Set([...Object.keys(part), ...Object.keys(whole)]);
  keys.delete('Sid');
  for (const k of keys) {
    if (!(k in part) || !(k in whole)) return false;
    const fold = (xs: string[]) =>
      k === 'Action' || k === 'NotAction' ? xs.map((x) => x.toLowerCase()) : xs;
    if (LISTS.has(k)) {
      const p = stringList(part[k]);
      const w = stringList(whole[k]);
      if (!p || !w) return false;
      const [inner, outer] = k.startsWith('Not') ? [fold(w), new Set(fold(p))] : [fold(p), new Set(fold(w))];
      if (!inner.every((x) => outer.has(x))) return false;
    } else if (!isDeepStrictEqual(normalStatement({ [k]: part[k] }), normalStatement({ [k]: whole[k] })))
      return false;
  }
  return true;
}

/**
 * The statements of each policy of a file, by id (undefined for a policy whose document is not
 * read): the file's own records, or those `records` reads with the file's text (a `.tf` module).
 */
function statementsById(
  path: string,
  text: string,
  records?: (text: string) => readonly PolicyRecord[],
): Map<string, unknown[] | undefined> {
  const out = new Map<string, unknown[] | undefined>();
  for (const r of records ? records(text) : parseSource({ path, text }, true).result.policies) {
    const raw = r.status === 'resolved' ? parsePolicyDocument(r.document).raw : undefined;
    out.set(r.id, raw ? statementList(raw) : undefined);
  }
  return out;
}

/**
 * Does `partial` (the file with only some of a fix's edits applied) grant no more than `before`,
 * where `after` is the whole fix? Each policy of `before` keeps every Deny statement as written,
 * and each of its Allow statements is within (statementWithin) one of the policy's statements as
 * written or as the whole fix writes it (a minimal statement grants no more than the original).
 * So a part that deletes an item of a NotResource or NotAction list, a Condition or a Deny, or
 * that writes a statement half-way between the two, is refused: applied alone, it may grant more.
 * A `.tf` file's policies are read by its module: `records` reads them with the file's text given.
 */
export function partGrantsNoMore(
  path: string,
  before: string,
  partial: string,
  after: string,
  records?: (text: string) => readonly PolicyRecord[],
): boolean {
  try {
    const was = statementsById(path, before, records);
    const full = statementsById(path, after, records);
    const part = statementsById(path, partial, records);
    for (const [id, original] of was) {
      if (!original) continue;
      const now = part.get(id);
      if (!now) return false;
      const denies = original.filter((st) => isObject(st) && st.Effect === 'Deny');
      if (!denies.every((d) => now.some((st) => sameStatements([d], [st])))) return false;
      const allowed = [...original, ...(full.get(id) ?? [])];
      for (const st of now)
        if (!(isObject(st) && st.Effect === 'Deny') && !allowed.some((w) => statementWithin(st, w)))
          return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** One changed region of a file: lines `start`..`end` (1-based, inclusive) of `before` become `lines`. */
export interface ChangedRange {
  /** First line of `before` replaced (for a pure insertion: the line the new lines go before). */
  start: number;
  /** Last line of `before` replaced (start - 1 for a pure insertion). */
  end: number;
  /** The new lines in their place (empty for a deletion). */
  lines: string[];
}

/**
 * The changed regions of a fix, in order, with no context: what a pull-request review's
 * "suggested change" on lines start..end of the file as it is would replace them with.
 */
export function changedRanges(f: FileFix): ChangedRange[] {
  const patch = structuredPatch(f.path, f.path, f.before, f.after, undefined, undefined, { context: 0 });
  return patch.hunks.map((h) => {
    const lines = h.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
    // (with no old lines, jsdiff's oldStart is the line the new ones go before)
    const start = h.oldStart;
    return { start, end: start + h.oldLines - 1, lines };
  });
}
