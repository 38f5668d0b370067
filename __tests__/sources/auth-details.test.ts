import { readFileSync } from 'node:fs';
import {
  authorizationDetailsParser,
  decodePolicyDocument,
  isAuthorizationDetails,
} from '../../src/sources/auth-details.js';
import { resolveManagedPolicy } from '../../src/sources/managed-policies.js';
import { terraformJsonParser } from '../../src/sources/tf-json.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const NAME = 'written__authorization-details.json';
const text = readFileSync(new URL(`../fixtures/auth-details/${NAME}`, import.meta.url), 'utf8');
const json: unknown = JSON.parse(text);
const result = authorizationDetailsParser.parse({ path: `auth/${NAME}`, text }, json);
const A = `auth/${NAME}#`;

function summary(r: InputResult): [string, string, string][] {
  return r.policies.map((p) => [p.id.slice(p.path.length + 1), p.status, p.kind]);
}

function rec(id: string): PolicyRecord {
  const hit = result.policies.find((p) => p.id === A + id);
  if (!hit) throw new Error(`no record ${id}`);
  return hit;
}

function statements(doc: unknown): Record<string, unknown>[] {
  return (doc as { Statement: Record<string, unknown>[] }).Statement;
}

const ROLE = 'arn:aws:iam::123456789012:role/coiled-role';
const SLR = 'arn:aws:iam::123456789012:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport';

describe('get-account-authorization-details (written for this project)', () => {
  it('is detected by its lists', () => {
    expect(authorizationDetailsParser.detect(json, NAME)).toBe(true);
    expect(terraformJsonParser.detect(json, NAME)).toBe(false);
    expect(isAuthorizationDetails({ RoleDetailList: [] })).toBe(true);
    expect(isAuthorizationDetails({ Policies: [{ PolicyName: 'x', PolicyVersionList: [] }] })).toBe(true);
    // `aws iam list-policies` also has Policies, without versions.
    expect(isAuthorizationDetails({ Policies: [{ PolicyName: 'x', Arn: 'arn' }] })).toBe(false);
  });

  it('lists managed policies, inline policies, trust policies and attached AWS managed policies', () => {
    expect(result).toMatchObject({ kind: 'authorization-details', status: 'audited' });
    expect(summary(result)).toEqual([
      ['arn:aws:iam::123456789012:policy/coiled-setup', 'resolved', 'identity'],
      ['arn:aws:iam::123456789012:policy/deploy', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess', 'resolved', 'identity'],
      ['arn:aws:iam::123456789012:policy/broken', 'unresolved', 'identity'],
      ['arn:aws:iam::123456789012:group/developers#inline_policy[developer-logs]', 'resolved', 'identity'],
      [`${ROLE}#assume_role_policy`, 'resolved', 'trust'],
      [`${ROLE}#inline_policy[coiled-inline]`, 'resolved', 'identity'],
      [`${SLR}#assume_role_policy`, 'resolved', 'trust'],
      ['arn:aws:iam::123456789012:user/alice#inline_policy[change-password]', 'resolved', 'identity'],
      ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'resolved', 'identity'],
    ]);
    expect(result.errors).toEqual([]);
  });

  it('decodes URL-encoded documents and takes the default version', () => {
    const setup = rec('arn:aws:iam::123456789012:policy/coiled-setup');
    expect(setup.name).toBe('coiled-setup');
    expect(statements(setup.document)).toEqual([
      {
        Sid: 'Ongoing',
        Effect: 'Allow',
        Action: ['ec2:DescribeInstances', 'ec2:RunInstances'],
        Resource: '*',
      },
    ]);
    expect(setup.jsonPath).toBe('$.Policies[0].PolicyVersionList[0].Document');
    const trust = rec(`${ROLE}#assume_role_policy`);
    expect(trust.name).toBe('coiled-role');
    expect(statements(trust.document)[0]!.Principal).toEqual({ AWS: 'arn:aws:iam::077742499581:root' });
    expect(text.split('\n')[trust.line! - 1]).toContain('"AssumeRolePolicyDocument"');
    expect(rec('arn:aws:iam::123456789012:policy/broken').reason).toBe(
      'no default version in PolicyVersionList',
    );
  });

  it('uses the document in the file for an AWS managed policy it lists, the bundled one otherwise', () => {
    const listed = rec('arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess');
    expect(listed.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
    });
    const bundled = rec('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(bundled.document).toEqual(
      resolveManagedPolicy('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')!.document,
    );
    expect(text.split('\n')[bundled.line! - 1]).toContain(
      '"PolicyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"',
    );
  });

  it('gives statement lines for documents written as objects', () => {
    const logs = rec('arn:aws:iam::123456789012:group/developers#inline_policy[developer-logs]');
    const lines = text.split('\n');
    expect(logs.statementLines).toHaveLength(2);
    expect(lines[logs.statementLines![0]!]).toContain('"Sid": "Logs"');
    expect(lines[logs.statementLines![1]!]).toContain('"Sid": "Deny"');
  });

  it("makes principals by ARN with inline, attached and their groups' policies", () => {
    const byId = Object.fromEntries(result.principals!.map((p) => [p.id, p]));
    expect(byId[ROLE]).toMatchObject({
      type: 'role',
      name: 'coiled-role',
      policyIds: [
        `${A}${ROLE}#inline_policy[coiled-inline]`,
        `${A}arn:aws:iam::123456789012:policy/coiled-setup`,
        `${A}arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess`,
      ],
      unresolved: [],
    });
    expect(byId['arn:aws:iam::123456789012:user/alice']).toMatchObject({
      type: 'user',
      policyIds: [
        `${A}arn:aws:iam::123456789012:user/alice#inline_policy[change-password]`,
        `${A}arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`,
        `${A}arn:aws:iam::123456789012:group/developers#inline_policy[developer-logs]`,
        `${A}arn:aws:iam::123456789012:policy/deploy`,
      ],
    });
    expect(byId[SLR]!.policyIds).toEqual([]);
    expect(byId[SLR]!.unresolved).toEqual([
      {
        ref: 'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy',
        reason: 'an aws-service-role/ policy (for service-linked roles only) is not in the bundled snapshot',
      },
    ]);
    expect(result.principals!.map((p) => p.line)).toEqual(result.principals!.map(() => expect.any(Number)));
  });

  it('reports broken documents and entries with their place, and keeps going', () => {
    const input = {
      RoleDetailList: [
        {
          RoleName: 'r',
          Arn: 'arn:aws:iam::1:role/r',
          AssumeRolePolicyDocument: '%7B%22Version',
          RolePolicyList: [{ PolicyName: 'p', PolicyDocument: 42 }],
        },
        'nonsense',
      ],
      UserDetailList: [
        {
          UserName: 'u',
          Arn: 'arn:aws:iam::1:user/u',
          GroupList: ['nobody'],
          AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::1:policy/gone' }],
        },
      ],
    };
    const t = JSON.stringify(input, null, 2);
    const r = authorizationDetailsParser.parse({ path: 'a.json', text: t }, JSON.parse(t));
    expect(summary(r)).toEqual([
      ['arn:aws:iam::1:role/r#assume_role_policy', 'unresolved', 'trust'],
      ['arn:aws:iam::1:role/r#inline_policy[p]', 'unresolved', 'identity'],
    ]);
    expect(r.errors.map((e) => e.jsonPath)).toEqual([
      '$.RoleDetailList[0].AssumeRolePolicyDocument',
      '$.RoleDetailList[0].RolePolicyList[0].PolicyDocument',
      '$.RoleDetailList[1]',
    ]);
    expect(r.errors.every((e) => typeof e.line === 'number' && e.line > 1)).toBe(true);
    expect(r.principals!.find((p) => p.type === 'user')!.unresolved).toEqual([
      { ref: 'arn:aws:iam::1:policy/gone', reason: 'customer managed policy not listed in Policies' },
      { ref: 'group/nobody', reason: 'the group is not in GroupDetailList' },
    ]);
  });

  it('decodes documents as the API and the CLI give them', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a%b/*' }],
    };
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual({
      ok: true,
      document: doc,
    });
    expect(decodePolicyDocument(JSON.stringify(doc))).toEqual({ ok: true, document: doc });
    expect(decodePolicyDocument(doc)).toEqual({ ok: true, document: doc });
    expect(decodePolicyDocument('%E0%A4%A')).toMatchObject({ ok: false });
    expect(decodePolicyDocument('%5B%5D')).toEqual({
      ok: false,
      message: 'the policy document is not a JSON object',
    });
  });

  it('zero policies is audited with the reason', () => {
    const r = authorizationDetailsParser.parse(
      { path: 'e.json', text: '{"UserDetailList":[]}' },
      { UserDetailList: [] },
    );
    expect(r).toMatchObject({
      status: 'audited',
      reason: 'no IAM policies in this file',
      policies: [],
      principals: [],
    });
  });

  it("a group's policy that only members with a permissions boundary hold is noted as the members' (a review: told exact)", () => {
    const group = (name: string) => ({
      GroupName: name,
      Arn: `arn:aws:iam::123456789012:group/${name}`,
      GroupPolicyList: [
        {
          PolicyName: `${name}-inline`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
          },
        },
      ],
      AttachedManagedPolicies: [],
    });
    const user = (name: string, groups: string[], bounded: boolean) => ({
      UserName: name,
      Arn: `arn:aws:iam::123456789012:user/${name}`,
      GroupList: groups,
      AttachedManagedPolicies: [],
      UserPolicyList: [],
      ...(bounded
        ? {
            PermissionsBoundary: {
              PermissionsBoundaryType: 'Policy',
              PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
            },
          }
        : {}),
    });
    const doc = {
      GroupDetailList: [group('ops'), group('mixed'), group('empty')],
      UserDetailList: [user('dave', ['ops', 'mixed'], true), user('erin', ['mixed'], false)],
      RoleDetailList: [],
      Policies: [],
    };
    const r = authorizationDetailsParser.parse({ path: 'g.json', text: JSON.stringify(doc) }, doc);
    const approx = (g: string) =>
      r.policies.find(
        (p) => p.id === `g.json#arn:aws:iam::123456789012:group/${g}#inline_policy[${g}-inline]`,
      )!.approximate ?? [];
    // only dave (bounded) holds ops's policy: noted
    expect(approx('ops')).toEqual([
      expect.stringMatching(/^arn:aws:iam::123456789012:user\/dave has a permissions boundary/),
    ]);
    // erin (no boundary) holds mixed's; nobody here holds empty's: what they say
    expect(approx('mixed')).toEqual([]);
    expect(approx('empty')).toEqual([]);
  });

  it('one page of several (IsTruncated, or the AWS CLI with --max-items) is said, with its place (a review)', () => {
    for (const [key, value] of [
      ['IsTruncated', true],
      ['NextToken', 'eyJNYXJrZXIiOiBudWxsfQ=='],
    ] as const) {
      const page = { ...(json as Record<string, unknown>), [key]: value };
      const pageText = JSON.stringify(page, null, 2);
      const r = authorizationDetailsParser.parse({ path: 'page.json', text: pageText }, page);
      expect(r.status).toBe('audited');
      expect(r.policies.length).toBe(result.policies.length);
      const e = r.errors?.find((x) => x.jsonPath === `$.${key}`);
      expect(e?.message).toMatch(/one page of several .*not audited.*without --max-items/);
      expect(e?.line).toBe(pageText.split('\n').findIndex((l) => l.includes(`"${key}"`)) + 1);
    }
    // (the last page: no error)
    const last = { ...(json as Record<string, unknown>), IsTruncated: false };
    const r = authorizationDetailsParser.parse({ path: 'last.json', text: JSON.stringify(last) }, last);
    expect(r.errors ?? []).toEqual(result.errors ?? []);
  });
});
