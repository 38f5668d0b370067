// Detection's trust evidence comes from the principals that hold a policy where the input says who
// holds it (an authorization-details export, Terraform): a user's or a group's policy, or a role's
// whose trust names no vendor, is not a vendor's because another role of the same file trusts
// the vendor's account. Before, every user and group policy of an export with Datadog's role in it
// was audited against Datadog (a review saw lambda:* of a developers' group reported as Datadog's
// CRITICAL excess, and a user's AdministratorAccess "granting" Datadog's missing permissions).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const doc = (Action: unknown, Resource: unknown = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource }],
});
const trust = (principal: unknown) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
});

test("an export: only the policies of Datadog's role are Datadog's, not a user's, a group's or another role's", async () => {
  const root = mkdtempSync(join(tmpdir(), 'detect-holders-'));
  const arn = (kind: string, name: string) => `arn:aws:iam::111122223333:${kind}/${name}`;
  const exported = {
    UserDetailList: [
      {
        Path: '/',
        UserName: 'ci-deployer',
        UserId: 'AIDA1',
        Arn: arn('user', 'ci-deployer'),
        GroupList: ['devs'],
        UserPolicyList: [
          {
            PolicyName: 'deploy',
            PolicyDocument: doc(['s3:PutObject', 's3:DeleteObject'], 'arn:aws:s3:::site/*'),
          },
        ],
        AttachedManagedPolicies: [],
      },
    ],
    GroupDetailList: [
      {
        Path: '/',
        GroupName: 'devs',
        GroupId: 'AGPA1',
        Arn: arn('group', 'devs'),
        GroupPolicyList: [{ PolicyName: 'devs-inline', PolicyDocument: doc('lambda:*') }],
        AttachedManagedPolicies: [],
      },
    ],
    RoleDetailList: [
      {
        Path: '/',
        RoleName: 'DatadogIntegrationRole',
        RoleId: 'AROA1',
        Arn: arn('role', 'DatadogIntegrationRole'),
        AssumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::464622532012:root' }),
        InstanceProfileList: [],
        RolePolicyList: [
          { PolicyName: 'dd', PolicyDocument: doc(['cloudwatch:GetMetricData', 'ec2:TerminateInstances']) },
        ],
        AttachedManagedPolicies: [],
      },
      {
        Path: '/',
        RoleName: 'app',
        RoleId: 'AROA2',
        Arn: arn('role', 'app'),
        AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }),
        InstanceProfileList: [],
        RolePolicyList: [{ PolicyName: 'app-inline', PolicyDocument: doc('dynamodb:*') }],
        AttachedManagedPolicies: [],
      },
    ],
    Policies: [],
  };
  writeFileSync(join(root, 'authorization-details.json'), JSON.stringify(exported, null, 1));
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const byName = (name: string) => report.policies.find((p) => p.id.includes(name))!;
  expect(byName('inline_policy[dd]')).toMatchObject({ status: 'audited', baseline: 'datadog' });
  for (const name of ['inline_policy[deploy]', 'inline_policy[devs-inline]', 'inline_policy[app-inline]'])
    expect([name, byName(name).status, byName(name).baseline]).toEqual([name, 'not-matched', undefined]);
  expect(report.findings.filter((f) => f.kind === 'excess-action').map((f) => f.actions)).toEqual([
    ['ec2:TerminateInstances'],
  ]);
});

test("an AWS managed policy Datadog documents is audited on Coiled's role, which holds it too", async () => {
  const root = mkdtempSync(join(tmpdir(), 'detect-holders-shared-'));
  const arn = (name: string) => `arn:aws:iam::111122223333:role/${name}`;
  const securityAudit = { PolicyName: 'SecurityAudit', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' };
  const role = (RoleName: string, account: string, inline: unknown) => ({
    Path: '/',
    RoleName,
    RoleId: `AROA${RoleName}`,
    Arn: arn(RoleName),
    AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${account}:root` }),
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: `${RoleName}-inline`, PolicyDocument: inline }],
    AttachedManagedPolicies: [securityAudit],
  });
  const exported = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [
      role(
        'DatadogIntegrationRole',
        '464622532012',
        doc(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics']),
      ),
      role('coiled-role', '077742499581', doc(['ec2:RunInstances', 'ec2:DescribeInstances'])),
    ],
    Policies: [],
  };
  writeFileSync(join(root, 'authorization-details.json'), JSON.stringify(exported, null, 1));
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const sa = report.policies.find((p) => p.address === 'arn:aws:iam::aws:policy/SecurityAudit')!;
  expect(sa.status).toBe('audited');
  const onSa = report.findings.filter((f) => f.policy === sa.id && f.kind !== 'missing-permission');
  expect(onSa.length).toBeGreaterThan(0);
  expect(new Set(onSa.map((f) => f.baseline))).toEqual(new Set(['coiled']));
  // (where Datadog's role holds it, it stays Datadog's documented attachment: said, and whose to detach)
  expect(report.notes).toContain(
    "authorization-details.json arn:aws:iam::aws:policy/SecurityAudit: an AWS managed policy that Datadog documents attaching (Cloud Security Management, optional): not held to the datadog baseline's own statements; it is audited against Coiled where Coiled's principals hold it: detach it from those only.",
  );
});

// An AWS managed policy is AWS's: the folder of the module that attaches it, and its own names
// and Sids, say nothing of a vendor. A first-contact review ran Anyscale's IAM module (its EKS
// files; the cluster role's trust template left out): AmazonEKSClusterPolicy on the EKS cluster
// role was held to Anyscale's baseline on the folder's name and the EC2 and load balancer actions
// they share (0.60), with HIGH "delete them" findings on a policy no one can edit. Written by hand
// in the module's shape.
test("an AWS managed policy attached in a vendor's folder is not the vendor's for that", async () => {
  const root = mkdtempSync(join(tmpdir(), 'detect-holders-managed-'));
  const dir = join(root, 'modules', 'aws-anyscale-iam');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'eks.tf'),
    [
      'variable "cluster_trust" { type = string }',
      'resource "aws_iam_role" "anyscale_eks_cluster_role" {',
      '  name               = "anyscale-eks-cluster-role"',
      '  assume_role_policy = var.cluster_trust',
      '}',
      'resource "aws_iam_role_policy_attachment" "cluster" {',
      '  role       = aws_iam_role.anyscale_eks_cluster_role.name',
      '  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"',
      '}',
      '',
    ].join('\n'),
  );
  const report = await runAudit({ root, paths: ['.'], now: NOW });
  const eks = report.policies.find((p) => p.address === 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy')!;
  expect(eks.status).toBe('not-matched');
  expect(eks.baseline).toBeUndefined();
  expect(report.findings).toEqual([]);
});
