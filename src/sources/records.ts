// Generic helpers every source uses to collect its records: names bounded for ids and messages,
// pushing without spreading, and keeping documents nested deeper than any policy out of the records.
import { createHash } from 'node:crypto';
import type { InputResult, PolicyRecord, PrincipalRecord, SourceError } from '../core/types.js';
import { unreadableDocument } from '../policy/document.js';

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

/** `target.push(...items)` without spreading (a spread of a huge list overflows the stack). */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const x of items) target.push(x);
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
    delete rec.statementFiles;
    rec.reason = why;
    const e: SourceError = { path: rec.path, message: why };
    if (rec.line !== undefined) e.line = rec.line;
    if (rec.jsonPath) e.jsonPath = rec.jsonPath;
    if (rec.address) e.address = rec.address;
    result.errors.push(e);
  }
  return result;
}

/**
 * The note of a policy some of whose Deny values are not known (Terraform interpolations,
 * CloudFormation parameters without a default...): left out, not read as wildcards.
 */
export function denyLeftOutNote(what: readonly string[]): string {
  return `left out: ${[...new Set(what)].join('; ')} ${DENY_NEVER_BROADER}: that would hide what the policy grants); findings it might remove are still reported`;
}

const DENY_NEVER_BROADER = '(a Deny is never read broader than written';

/** Whether a policy's approximate notes say that some of its Deny statements were left out (denyLeftOutNote). */
export function denyWasLeftOut(notes: readonly string[] | undefined): boolean {
  return notes !== undefined && notes.some((n) => n.includes(DENY_NEVER_BROADER));
}

/**
 * The openings of the notes of a policy some of whose grants were left out as not known: whole
 * statements (`concat([...], var.extra)`), documents (`source_policy_documents = [var.doc]`), or
 * actions (`actions = var.list`). Such a policy may grant more than was audited: a permission that
 * seems granted by none of its group is then not sure (mayGrantMore).
 */
export const LEFT_OUT_STATEMENTS = 'left out: statements that are not known';
export const LEFT_OUT_DOCUMENTS = 'left out: documents that are not known';

/**
 * How the approximate note of a policy whose resources hold interpolations read as one value each
 * begins (oneValueNote): a policy with it and no finding is told of it in a report note.
 */
export const ONE_VALUE_READ = 'read as one value each';

/**
 * Whether a value interpolated into a resource after the known text `before` (earlier
 * interpolations written as placeholders) may be read as one value: in an ARN's region or account
 * field, or in its resource part after known text of it (`role/`, `function:`); at the start of
 * the resource part only where it is a plain name (an S3 bucket, an SQS queue, an SNS topic).
 * Elsewhere (the partition or service field, or the whole resource part, where the value may be
 * `role/admin` as well as a name) it stays a wildcard: a placeholder there would name no resource
 * type, and the grant would read as granting nothing (a review).
 */
export function oneValueFits(before: string): boolean {
  if (!before.startsWith('arn:')) return false;
  const parts = before.split(':');
  const field = parts.length - 1;
  if (field <= 2) return false;
  if (field <= 4) return true;
  if (parts.slice(5).join(':') !== '') return true;
  return ['s3', 'sqs', 'sns'].includes(parts[2]!);
}

/**
 * The approximate note of a policy whose resources hold values read as one value each (a Terraform
 * variable's, a CloudFormation parameter's without a default): the resource is one of the user's,
 * not every one; a value with a wildcard in it would grant more. Eight named at the most.
 */
export function oneValueNote(what: readonly string[]): string {
  const u = [...new Set(what)].map((x) => (x.length <= 80 ? x : `${x.slice(0, 79)}…`));
  const shown = u.length <= 8 ? u.join(', ') : `${u.slice(0, 8).join(', ')} and ${u.length - 8} more`;
  return `${ONE_VALUE_READ} (a resource of yours, not every one; a value with a wildcard would grant more): ${shown}`;
}
export const LEFT_OUT_ACTIONS = 'left out: actions that ';

/** Whether a policy's approximate notes say that some of its grants were left out (LEFT_OUT_STATEMENTS...). */
export function mayGrantMore(notes: readonly string[] | undefined): boolean {
  return (
    notes !== undefined &&
    notes.some(
      (n) =>
        n.includes(LEFT_OUT_STATEMENTS) || n.includes(LEFT_OUT_DOCUMENTS) || n.includes(LEFT_OUT_ACTIONS),
    )
  );
}

/**
 * The note of a policy an Allow's NotAction values of which are not known (`named`: which, when
 * the source can say): left out, so the statement reads broader.
 */
export function notActionsLeftOutNote(named?: string): string {
  return `left out of NotAction: values that are not known${named ? ` (${named})` : ''}; the statements are audited as granting those actions too (every action where none is known)`;
}

/** The note of a policy some of whose statements' Effect is not known (`named`: which): read as Allow. */
export function effectsAsAllowNote(named?: string): string {
  return `read as Allow: Effects that are not known${named ? ` (${named})` : ''}, so that what the statements may grant is audited`;
}

/**
 * The note of findings of a principal with a permissions boundary (PrincipalRecord.permissionsBoundary):
 * AWS grants it only what both its policies and the boundary allow; that intersection is not worked
 * out, so it may be granted less than the findings say.
 */
export function boundaryNote(p: PrincipalRecord): string | undefined {
  if (p.permissionsBoundary === undefined) return undefined;
  return `${p.id} has a permissions boundary (${p.permissionsBoundary}) that further limits what its policies grant it; not intersected here, so it may be granted less than told`;
}

/**
 * Notes on each policy that only principals with a permissions boundary hold (boundaryNote, one per
 * holder); a policy some principal without one holds grants what it says to that principal. A
 * group grants nothing of its own (it has no boundary): its members do, and each member here holds
 * its policies too, so a group's policy that members hold is judged by them; one no member here
 * holds is taken as held by members with no boundary.
 */
export function noteBoundaries(policies: PolicyRecord[], principals: readonly PrincipalRecord[]): void {
  const holders = new Map<string, PrincipalRecord[]>();
  for (const p of principals)
    for (const id of p.policyIds) {
      const l = holders.get(id);
      if (l) l.push(p);
      else holders.set(id, [p]);
    }
  for (const rec of policies) {
    const all = holders.get(rec.id);
    if (!all) continue;
    const members = all.filter((h) => h.type !== 'group');
    const hs = members.length ? members : all;
    if (!hs.every((h) => h.permissionsBoundary !== undefined)) continue;
    const notes = hs.map((h) => boundaryNote(h)!);
    rec.approximate = [...new Set([...(rec.approximate ?? []), ...notes])];
  }
}

/** The reason a permissions boundary no principal holds as a policy is not audited (PolicyRecord.grantsNothing). */
export function boundaryOnlyReason(of: string): string {
  return `a permissions boundary (${of}) and attached to no principal: a boundary limits what a principal may do and grants nothing, so it is not audited as a grant`;
}
