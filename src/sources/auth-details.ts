// `aws iam get-account-authorization-details` output: users, groups and roles with their inline
// and attached policies, and managed policies with every version (the default one is used).
// Documents are URL-encoded JSON strings (as the API returns them) or objects (as the CLI prints them).
import type {
  InputResult,
  PolicyKind,
  PolicyRecord,
  PrincipalRecord,
  SourceError,
  SourceFile,
} from '../core/types.js';
import { formatJsonPath, locateLines, type JsonPath } from '../core/json-lines.js';
import { isServiceLinkedPolicyArn, managedPoliciesInfo, resolveManagedPolicy } from './managed-policies.js';
import { duplicateKeyMessage, typeName } from '../policy/document.js';
import { isObject, type SourceParser } from './parser.js';
import { boundDocuments, boundedName, boundaryOnlyReason, noteBoundaries, pushAll } from './records.js';
import { crashed } from './tf-plan.js';
import { decodePolicyDocument, statementPaths } from '../policy/raw.js';

export { decodePolicyDocument };

/** Longest ARN or name kept as written in ids (AWS allows 2,048 characters in an ARN). */
const MAX_ARN_LENGTH = 2048;
const AD_EXPECTED =
  'expected the JSON that `aws iam get-account-authorization-details` writes: export the details again';

const LISTS = ['UserDetailList', 'RoleDetailList', 'GroupDetailList'] as const;

export function isAuthorizationDetails(json: unknown): boolean {
  if (!isObject(json)) return false;
  if (LISTS.some((k) => Array.isArray(json[k]))) return true;
  return Array.isArray(json.Policies) && json.Policies.some((p) => isObject(p) && 'PolicyVersionList' in p);
}

function parseAuthDetails(file: SourceFile, json: unknown): InputResult {
  const path = file.path;
  if (!isObject(json)) {
    const reason = `authorization details must be a JSON object; ${AD_EXPECTED}`;
    return {
      path,
      kind: 'authorization-details',
      status: 'error',
      reason,
      policies: [],
      errors: [{ path, line: 1, jsonPath: '$', message: reason }],
    };
  }
  const policies: PolicyRecord[] = [];
  const ids = new Set<string>();
  const errors: SourceError[] = [];
  /**
   * Ids are unique in an input: a repeated one (the same role listed twice, two inline policies of
   * the same name) gets a suffix and an error, so that each is audited and none hides another.
   */
  const uniqueId = (id: string, at: JsonPath, address: string): string => {
    let out = id;
    if (ids.has(out)) {
      let n = 2;
      while (ids.has(`${id}#${n}`)) n++;
      out = `${id}#${n}`;
      error(
        at,
        `${address} holds this policy more than once; expected each principal, policy and name once: export the details again`,
        address,
      );
    }
    ids.add(out);
    return out;
  };
  const principals: PrincipalRecord[] = [];
  const linePaths: JsonPath[] = [];
  const setters: ((l: number | undefined) => void)[] = [];
  const post: (() => void)[] = [];
  const at = (p: JsonPath, set: (l: number) => void) => {
    linePaths.push(p);
    setters.push((l) => {
      if (l !== undefined) set(l);
    });
  };
  const error = (p: JsonPath, message: string, address?: string) => {
    const e: SourceError = { path, jsonPath: formatJsonPath(p), message };
    if (address) e.address = address;
    at(p, (l) => (e.line = l));
    errors.push(e);
  };
  // One page of several (the API's `IsTruncated`/`Marker`, the AWS CLI's `NextToken` with
  // --max-items): what is on the other pages is not here, so it is said, not audited as the whole.
  const page =
    json.IsTruncated === true ? 'IsTruncated' : json.NextToken !== undefined ? 'NextToken' : undefined;
  if (page !== undefined)
    error(
      [page],
      `this export is one page of several (${page === 'IsTruncated' ? '"IsTruncated": true' : '"NextToken"'}): the principals and policies on the other pages are not audited; expected the whole account: export it again with \`aws iam get-account-authorization-details\` without --max-items (the AWS CLI then reads every page)`,
    );
  const list = (k: string): unknown[] => {
    const v = json[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      error([k], `${k} is not an array, got ${typeName(v)}; ${AD_EXPECTED}`);
      return [];
    }
    return v;
  };

  /** A record for a document at `docPath` (decoded, or unresolved with the reason and an error). */
  const record = (
    id: string,
    address: string,
    kind: PolicyKind,
    name: string | undefined,
    doc: unknown,
    docPath: JsonPath,
  ): PolicyRecord => {
    const rec: PolicyRecord = {
      id: uniqueId(id, docPath, address),
      path,
      address,
      kind,
      status: 'resolved',
      jsonPath: formatJsonPath(docPath),
    };
    if (name) rec.name = name;
    at(docPath, (l) => (rec.line = l));
    const d = decodePolicyDocument(doc);
    if (d.ok) {
      rec.document = d.document;
      for (const dup of d.duplicates ?? [])
        error(
          docPath,
          `at ${formatJsonPath(dup.path)} of the policy text: ${duplicateKeyMessage(dup.key)}`,
          address,
        );
      // Statement lines exist only for a document written as an object (an encoded string is one value).
      if (isObject(doc)) {
        const paths = statementPaths(doc, docPath);
        if (paths.length > 0) {
          const lines = paths.map(() => 0);
          paths.forEach((p, k) => at(p, (l) => (lines[k] = l)));
          post.push(() => (rec.statementLines = lines.map((l) => l || (rec.line ?? 0))));
        }
      }
    } else {
      rec.status = 'unresolved';
      rec.reason = d.message;
      error(docPath, d.message, address);
    }
    policies.push(rec);
    return rec;
  };

  // Managed policies, each with its default version.
  const byArn = new Map<string, PolicyRecord>();
  /** Policies whose counts say they are used as a permissions boundary and attached to none. */
  const boundaryOnly = new Map<string, number>();
  /**
   * Each policy's AttachmentCount where the export gives it: above 0, it is attached to someone (of
   * this file or not), whatever this file's principals say; 0, to no one (a boundary of a principal
   * here then grants nothing, even without a PermissionsBoundaryUsageCount).
   */
  const attachmentCounts = new Map<string, number>();
  list('Policies').forEach((p, i) => {
    const pp: JsonPath = ['Policies', i];
    if (!isObject(p) || typeof p.Arn !== 'string') {
      error(
        pp,
        'policy entry has no Arn; expected "Arn": "arn:aws:iam::…:policy/…" (a string): export the details again',
      );
      return;
    }
    const arn = boundedName(p.Arn, MAX_ARN_LENGTH);
    if (byArn.has(arn)) {
      error(
        pp,
        `${arn} is listed more than once; expected each policy once in Policies (the first is used): remove the others`,
        arn,
      );
      return;
    }
    const name = typeof p.PolicyName === 'string' ? p.PolicyName : undefined;
    if (typeof p.AttachmentCount === 'number') attachmentCounts.set(arn, p.AttachmentCount);
    if (
      p.AttachmentCount === 0 &&
      typeof p.PermissionsBoundaryUsageCount === 'number' &&
      p.PermissionsBoundaryUsageCount > 0
    )
      boundaryOnly.set(arn, p.PermissionsBoundaryUsageCount);
    const versions = Array.isArray(p.PolicyVersionList) ? p.PolicyVersionList : [];
    let vi = versions.findIndex((v) => isObject(v) && v.IsDefaultVersion === true);
    if (vi < 0 && typeof p.DefaultVersionId === 'string')
      vi = versions.findIndex((v) => isObject(v) && v.VersionId === p.DefaultVersionId);
    if (vi < 0) {
      const rec: PolicyRecord = {
        id: uniqueId(`${path}#${arn}`, pp, arn),
        path,
        address: arn,
        kind: 'identity',
        status: 'unresolved',
        reason: 'no default version in PolicyVersionList',
        jsonPath: formatJsonPath(pp),
      };
      if (name) rec.name = name;
      at(pp, (l) => (rec.line = l));
      policies.push(rec);
      byArn.set(arn, rec);
      return;
    }
    const v = versions[vi] as Record<string, unknown>;
    byArn.set(
      arn,
      record(`${path}#${arn}`, arn, 'identity', name, v.Document, [
        ...pp,
        'PolicyVersionList',
        vi,
        'Document',
      ]),
    );
  });

  /** An attached managed policy: from Policies, else from the bundled AWS managed policies. */
  const attached = (pr: PrincipalRecord, entries: unknown, base: JsonPath) => {
    if (entries === undefined) return;
    if (!Array.isArray(entries)) {
      error(base, `AttachedManagedPolicies is not an array, got ${typeName(entries)}; ${AD_EXPECTED}`, pr.id);
      return;
    }
    entries.forEach((a, k) => {
      const ap: JsonPath = [...base, k];
      if (!isObject(a) || typeof a.PolicyArn !== 'string') {
        error(
          ap,
          'attached policy has no PolicyArn; expected {"PolicyName": ..., "PolicyArn": "arn:aws:iam::…"}: export the details again',
          pr.id,
        );
        return;
      }
      const arn = boundedName(a.PolicyArn, MAX_ARN_LENGTH);
      let rec = byArn.get(arn);
      if (!rec) {
        const m = resolveManagedPolicy(arn);
        if (m) {
          rec = {
            id: uniqueId(`${path}#${arn}`, [...ap, 'PolicyArn'], arn),
            path,
            address: arn,
            kind: 'identity',
            name: m.name,
            document: m.document,
            status: 'resolved',
            jsonPath: formatJsonPath([...ap, 'PolicyArn']),
          };
          const r = rec;
          at([...ap, 'PolicyArn'], (l) => (r.line = l));
          policies.push(rec);
          byArn.set(arn, rec);
        }
      }
      if (rec) pr.policyIds.push(rec.id);
      else
        pr.unresolved.push({
          ref: arn,
          reason: isServiceLinkedPolicyArn(arn)
            ? 'an aws-service-role/ policy (for service-linked roles only) is not in the bundled snapshot'
            : /:iam::aws:policy\//.test(arn)
              ? `not in the bundled snapshot of AWS managed policies (${managedPoliciesInfo.source}@${managedPoliciesInfo.version})`
              : 'customer managed policy not listed in Policies',
        });
    });
  };

  const inline = (pr: PrincipalRecord, entries: unknown, base: JsonPath, listName: string) => {
    if (entries === undefined) return;
    if (!Array.isArray(entries)) {
      error(base, `${listName} is not an array, got ${typeName(entries)}; ${AD_EXPECTED}`, pr.id);
      return;
    }
    entries.forEach((e, k) => {
      const ep: JsonPath = [...base, k];
      if (!isObject(e) || typeof e.PolicyName !== 'string') {
        error(
          ep,
          'inline policy has no PolicyName; expected {"PolicyName": "...", "PolicyDocument": ...}: export the details again',
          pr.id,
        );
        return;
      }
      const policyName = boundedName(e.PolicyName, MAX_ARN_LENGTH);
      const rec = record(
        `${path}#${pr.id}#inline_policy[${policyName}]`,
        pr.id,
        'identity',
        policyName,
        e.PolicyDocument,
        [...ep, 'PolicyDocument'],
      );
      pr.policyIds.push(rec.id);
    });
  };

  /** A role's or user's PermissionsBoundary: its ARN, as the principal's note names it. */
  const boundary = (pr: PrincipalRecord, e: Record<string, unknown>, base: JsonPath) => {
    const b = e.PermissionsBoundary;
    if (b === undefined) return;
    if (!isObject(b) || typeof b.PermissionsBoundaryArn !== 'string') {
      // (not read, yet there: the principal's findings still say it may be granted less)
      pr.permissionsBoundary = 'not read';
      error(
        [...base, 'PermissionsBoundary'],
        `PermissionsBoundary has no PermissionsBoundaryArn; ${AD_EXPECTED}`,
        pr.id,
      );
      return;
    }
    pr.permissionsBoundary = boundedName(b.PermissionsBoundaryArn, MAX_ARN_LENGTH);
  };

  const groupsByName = new Map<string, PrincipalRecord>();
  /** ARNs an entry read as no principal (neither Arn nor name) attaches: attached to someone still. */
  const attachedByUnread = new Set<string>();
  const principal = (
    type: PrincipalRecord['type'],
    entry: unknown,
    ep: JsonPath,
    nameKey: string,
  ): [PrincipalRecord, Record<string, unknown>] | undefined => {
    if (!isObject(entry)) {
      error(ep, `${type} entry is not an object, got ${typeName(entry)}; ${AD_EXPECTED}`);
      return undefined;
    }
    const name =
      typeof entry[nameKey] === 'string' ? boundedName(entry[nameKey] as string, MAX_ARN_LENGTH) : undefined;
    const id =
      typeof entry.Arn === 'string'
        ? boundedName(entry.Arn, MAX_ARN_LENGTH)
        : name
          ? `${type}/${name}`
          : undefined;
    if (!id) {
      const listed: unknown[] = Array.isArray(entry.AttachedManagedPolicies)
        ? entry.AttachedManagedPolicies
        : [];
      for (const a of listed)
        if (isObject(a) && typeof a.PolicyArn === 'string')
          attachedByUnread.add(boundedName(a.PolicyArn, MAX_ARN_LENGTH));
      error(
        ep,
        `${type} entry has neither Arn nor ${nameKey}; expected "Arn" or "${nameKey}" (a string): export the details again`,
      );
      return undefined;
    }
    const pr: PrincipalRecord = { id, type, path, policyIds: [], unresolved: [] };
    if (name) pr.name = name;
    at(ep, (l) => (pr.line = l));
    principals.push(pr);
    return [pr, entry];
  };

  list('GroupDetailList').forEach((g, i) => {
    const got = principal('group', g, ['GroupDetailList', i], 'GroupName');
    if (!got) return;
    const [pr, e] = got;
    if (pr.name) groupsByName.set(pr.name, pr);
    inline(pr, e.GroupPolicyList, ['GroupDetailList', i, 'GroupPolicyList'], 'GroupPolicyList');
    attached(pr, e.AttachedManagedPolicies, ['GroupDetailList', i, 'AttachedManagedPolicies']);
  });

  list('RoleDetailList').forEach((r, i) => {
    const got = principal('role', r, ['RoleDetailList', i], 'RoleName');
    if (!got) return;
    const [pr, e] = got;
    if (e.AssumeRolePolicyDocument !== undefined) {
      record(`${path}#${pr.id}#assume_role_policy`, pr.id, 'trust', pr.name, e.AssumeRolePolicyDocument, [
        'RoleDetailList',
        i,
        'AssumeRolePolicyDocument',
      ]);
    }
    inline(pr, e.RolePolicyList, ['RoleDetailList', i, 'RolePolicyList'], 'RolePolicyList');
    attached(pr, e.AttachedManagedPolicies, ['RoleDetailList', i, 'AttachedManagedPolicies']);
    boundary(pr, e, ['RoleDetailList', i]);
  });

  list('UserDetailList').forEach((u, i) => {
    const got = principal('user', u, ['UserDetailList', i], 'UserName');
    if (!got) return;
    const [pr, e] = got;
    inline(pr, e.UserPolicyList, ['UserDetailList', i, 'UserPolicyList'], 'UserPolicyList');
    attached(pr, e.AttachedManagedPolicies, ['UserDetailList', i, 'AttachedManagedPolicies']);
    boundary(pr, e, ['UserDetailList', i]);
    if (e.GroupList !== undefined && !Array.isArray(e.GroupList))
      error(
        ['UserDetailList', i, 'GroupList'],
        `GroupList is not an array, got ${typeName(e.GroupList)}; expected a list of group names: export the details again`,
        pr.id,
      );
    for (const gname of Array.isArray(e.GroupList) ? e.GroupList : []) {
      if (typeof gname !== 'string') continue;
      if (gname.length > MAX_ARN_LENGTH) {
        pr.unresolved.push({
          ref: `group/${boundedName(gname, 200)}`,
          reason: 'the group name is longer than AWS allows',
        });
        continue;
      }
      const g = groupsByName.get(gname);
      if (!g) {
        pr.unresolved.push({ ref: `group/${gname}`, reason: 'the group is not in GroupDetailList' });
        continue;
      }
      pushAll(pr.policyIds, g.policyIds);
      pushAll(
        pr.unresolved,
        g.unresolved.map((x) => ({ ref: `${g.id}: ${x.ref}`, reason: x.reason })),
      );
    }
  });

  for (const pr of principals) pr.policyIds = [...new Set(pr.policyIds)];
  // A policy used only as a permissions boundary (its counts say so; or, without counts, the
  // boundary of a principal here and attached to none here, not even by an entry that could not be
  // read as a principal) grants nothing: listed, not audited.
  const held = new Set(principals.flatMap((pr) => pr.policyIds));
  const boundedBy = new Map<string, string[]>();
  for (const pr of principals)
    if (pr.permissionsBoundary !== undefined)
      boundedBy.set(pr.permissionsBoundary, [...(boundedBy.get(pr.permissionsBoundary) ?? []), pr.id]);
  for (const [arn, rec] of byArn) {
    const uses = boundaryOnly.get(arn);
    const of = boundedBy.get(arn);
    const attachments = attachmentCounts.get(arn);
    if (
      held.has(rec.id) ||
      attachedByUnread.has(arn) ||
      (uses === undefined && (of === undefined || (attachments !== undefined && attachments > 0)))
    )
      continue;
    rec.grantsNothing = boundaryOnlyReason(
      of ? `of ${of.join(', ')}` : `PermissionsBoundaryUsageCount ${uses}, AttachmentCount 0`,
    );
  }
  noteBoundaries(policies, principals);
  const lines = locateLines(file.text, linePaths, json, file.oneLine);
  setters.forEach((s, i) => s(lines[i]));
  for (const f of post) f();
  const result: InputResult = {
    path,
    kind: 'authorization-details',
    status: 'audited',
    policies,
    errors,
    principals,
  };
  if (policies.length === 0) result.reason = 'no IAM policies in this file';
  return boundDocuments(result);
}

export const authorizationDetailsParser: SourceParser = {
  kind: 'authorization-details',
  linesFromValue: true,
  detect: (json) => isAuthorizationDetails(json),
  parse(file, json) {
    try {
      return parseAuthDetails(file, json);
    } catch (e) {
      return crashed(file, 'authorization-details', e);
    }
  },
};
