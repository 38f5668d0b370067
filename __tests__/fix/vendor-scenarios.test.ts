// The acceptance of `fix`: every built-in vendor baseline's own documented policy with added
// excess (an extra statement, an extra action in a vendor statement), written as a policy JSON
// file, a CloudFormation YAML template and a *.tf.json resource: after fix, the audit has no excess
// finding, the lines outside the edited statements are byte-identical, and fix is idempotent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';
import YAML from 'yaml';
import { builtinBaselines } from '../../src/baselines/load.js';
import { planFixes } from '../../src/fix/index.js';
import { changedLines, excess, fixAndReaudit, readIn, repo } from './helpers.js';

const EXCESS_ACTION = 'organizations:LeaveOrganization';
const EXCESS_STATEMENT = {
  Sid: 'AddedLater',
  Effect: 'Allow',
  Action: ['account:CloseAccount', 'iam:CreateAccessKey'],
  Resource: '*',
};

/** The baseline's statements (all sets), with an excess action in the first list and an excess statement in the middle. */
function withExcess(statements: unknown[]): { Version: string; Statement: Record<string, unknown>[] } {
  const st = (statements as Record<string, unknown>[]).map((s) => ({ ...s }));
  // (in a statement on every resource: an action on resources it has none of grants nothing)
  const i = st.findIndex(
    (s) =>
      Array.isArray(s.Action) &&
      s.Effect === 'Allow' &&
      (s.Action as string[]).length > 1 &&
      (s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*'))) &&
      !s.Condition,
  );
  if (i >= 0) {
    const a = st[i]!.Action as string[];
    st[i]!.Action = [a[0]!, EXCESS_ACTION, ...a.slice(1)];
  }
  st.splice(Math.min(1, st.length), 0, EXCESS_STATEMENT);
  return { Version: '2012-10-17', Statement: st };
}

/** The document as it should read after fix: the added statement and action gone. */
function withoutExcess(doc: { Version: string; Statement: Record<string, unknown>[] }) {
  return {
    ...doc,
    Statement: doc.Statement.filter((s) => s.Sid !== EXCESS_STATEMENT.Sid).map((s) =>
      Array.isArray(s.Action) ? { ...s, Action: s.Action.filter((a) => a !== EXCESS_ACTION) } : s,
    ),
  };
}

// (an identity policy's sets: a set for resource policies only, Databricks' root bucket policy,
// has a Principal, and is not held by the identity policy the others make)
const cases = builtinBaselines().map((b) => {
  const held = b.sets.filter((s) => !s.policyKinds || s.policyKinds.includes('identity'));
  const sets = held.map((s) => s.name).join(',');
  const statements = held.flatMap((s) => s.statements);
  return [b.id, `${b.id}:${sets}`, statements] as const;
});

/** Every line before and after the changed region is the same in both texts (the region is the edited statements). */
function expectUntouchedOutside(before: string, after: string, maxChangedLines: number) {
  const c = changedLines(before, after);
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.slice(0, c.head)).toEqual(a.slice(0, c.head));
  expect(b.slice(c.tailAfter)).toEqual(a.slice(c.tailBefore));
  expect(c.tailBefore - c.head).toBeLessThanOrEqual(maxChangedLines);
}

describe('fix on every vendor baseline with added excess', () => {
  it.each(cases)('%s as policy JSON', async (_id, spec, statements) => {
    const doc = withExcess(statements);
    const text = JSON.stringify(doc, null, 2) + '\n';
    const root = repo({ 'iam/policy.json': text });
    const { before, plan, after } = await fixAndReaudit(root, spec);
    expect(excess(before).length).toBeGreaterThan(0);
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = readFileSync(join(root, 'iam/policy.json'), 'utf8');
    // only deletions: exactly the text of the policy without the excess, in the same layout
    const parts = diffLines(text, fixed);
    expect(parts.filter((p) => p.added)).toEqual([]);
    expect(fixed).toBe(JSON.stringify(withoutExcess(doc), null, 2) + '\n');
    expect(planFixes(after, readIn(root)).files).toEqual([]);
  });

  it.each(cases)('%s in a CloudFormation YAML template', async (_id, spec, statements) => {
    const doc = withExcess(statements);
    const template = YAML.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'vendor role',
      Resources: {
        VendorPolicy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { ManagedPolicyName: 'vendor', PolicyDocument: doc },
        },
      },
      Outputs: { Name: { Value: { Ref: 'VendorPolicy' } } },
    });
    const root = repo({ 'template.yaml': template });
    const { before, plan, after } = await fixAndReaudit(root, spec);
    expect(excess(before).length).toBeGreaterThan(0);
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = readFileSync(join(root, 'template.yaml'), 'utf8');
    expectUntouchedOutside(template, fixed, template.split('\n').length);
    // the template around the policy is unchanged
    const parsed = YAML.parse(fixed);
    expect(parsed.Outputs).toEqual({ Name: { Value: { Ref: 'VendorPolicy' } } });
    expect(parsed.Resources.VendorPolicy.Properties.ManagedPolicyName).toBe('vendor');
    expect(planFixes(after, readIn(root)).files).toEqual([]);
  });

  it.each(cases)(
    '%s in a CloudFormation JSON template (an inline policy of a role)',
    async (_id, spec, statements) => {
      const doc = withExcess(statements);
      const template = JSON.stringify(
        {
          AWSTemplateFormatVersion: '2010-09-09',
          Resources: {
            Role: {
              Type: 'AWS::IAM::Role',
              Properties: {
                AssumeRolePolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: { Service: 'ec2.amazonaws.com' },
                      Action: 'sts:AssumeRole',
                    },
                  ],
                },
                Policies: [{ PolicyName: 'vendor', PolicyDocument: doc }],
              },
            },
          },
        },
        null,
        2,
      );
      const root = repo({ 'stack.template.json': template });
      const { before, plan, after } = await fixAndReaudit(root, spec);
      expect(excess(before).length).toBeGreaterThan(0);
      expect(plan.notFixed).toEqual([]);
      expect(excess(after)).toEqual([]);
      const fixed = readFileSync(join(root, 'stack.template.json'), 'utf8');
      expect(diffLines(template, fixed).filter((p) => p.added)).toEqual([]);
      const parsed = JSON.parse(fixed);
      expect(parsed.Resources.Role.Properties.Policies[0].PolicyDocument).toEqual(withoutExcess(doc));
      expect(parsed.Resources.Role.Properties.AssumeRolePolicyDocument).toEqual(
        JSON.parse(template).Resources.Role.Properties.AssumeRolePolicyDocument,
      );
    },
  );

  it.each(cases)('%s in a *.tf.json resource (the policy as JSON text)', async (_id, spec, statements) => {
    const doc = withExcess(statements);
    const tf = JSON.stringify(
      {
        resource: {
          // (`${` written `$${`, as Terraform reads a literal `${`: the vendors' placeholders such
          // as `${anyscale_s3_bucket_arn}` and IAM's policy variables are not interpolations)
          aws_iam_policy: {
            vendor: { name: 'vendor', policy: JSON.stringify(doc, null, 2).replaceAll('${', () => '$${') },
          },
          aws_iam_role: { r: { name: 'r', assume_role_policy: '{}' } },
        },
      },
      null,
      2,
    );
    const root = repo({ 'main.tf.json': tf });
    const { before, plan, after } = await fixAndReaudit(root, spec);
    expect(excess(before).length).toBeGreaterThan(0);
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = JSON.parse(readFileSync(join(root, 'main.tf.json'), 'utf8'));
    expect(fixed.resource.aws_iam_role).toEqual({ r: { name: 'r', assume_role_policy: '{}' } });
    expect(fixed.resource.aws_iam_policy.vendor.name).toBe('vendor');
    expect(planFixes(after, readIn(root)).files).toEqual([]);
  });
});
