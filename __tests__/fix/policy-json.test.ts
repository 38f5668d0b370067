// fix on standalone policy JSON files (and the AWS CLI wrappers around a document).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planFixes } from '../../src/fix/index.js';
import { audit, changedLines, excess, fixAndReaudit, readIn, repo, vendor } from './helpers.js';

const EXTRA = {
  Sid: 'Extra',
  Effect: 'Allow',
  Action: ['iam:CreateUser', 'iam:AttachUserPolicy'],
  Resource: '*',
};

describe('fix: standalone policy JSON', () => {
  it('Coiled Ongoing with an added excess statement: the statement is removed, every other line is byte-identical', async () => {
    const ongoing = vendor('coiled-ongoing-policy.json');
    const text = JSON.stringify({ ...ongoing, Statement: [...ongoing.Statement, EXTRA] }, null, 4) + '\n';
    const root = repo({ 'iam/coiled.json': text });
    const { before, plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(excess(before).length).toBeGreaterThan(0);
    expect(plan.notFixed).toEqual([]);
    expect(plan.files.map((f) => f.path)).toEqual(['iam/coiled.json']);
    expect(excess(after)).toEqual([]);
    const fixed = readFileSync(join(root, 'iam/coiled.json'), 'utf8');
    expect(fixed).toBe(JSON.stringify(ongoing, null, 4) + '\n');
  });

  it('an excess action inside a vendor statement is dropped from its list in place, keeping the layout', async () => {
    const ongoing = vendor('coiled-ongoing-policy.json');
    const first = ongoing.Statement[0]!;
    const actions = first.Action as string[];
    const withExtra = { ...first, Action: [...actions.slice(0, 2), 'iam:CreateUser', ...actions.slice(2)] };
    const text = JSON.stringify(
      { ...ongoing, Statement: [withExtra, ...ongoing.Statement.slice(1)] },
      null,
      2,
    );
    const root = repo({ 'p.json': text });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = readFileSync(join(root, 'p.json'), 'utf8');
    expect(fixed).toBe(JSON.stringify(ongoing, null, 2));
    const c = changedLines(text, fixed);
    // only the one line of the removed action differs
    expect(c.tailBefore - c.head).toBe(1);
    expect(c.tailAfter - c.head).toBe(0);
  });

  it('keeps a one-line string Action a string and an inline list inline; idempotent', async () => {
    const text = [
      '{"Version": "2012-10-17", "Statement": [',
      '  {"Sid": "A", "Effect": "Allow", "Action": ["ec2:DescribeInstances", "iam:CreateUser"], "Resource": "*"},',
      '  {"Sid": "B", "Effect": "Allow", "Action": "iam:DeleteUser", "Resource": "*"}',
      ']}',
      '',
    ].join('\n');
    const root = repo({ 'x.json': text });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(excess(after)).toEqual([]);
    const fixed = readFileSync(join(root, 'x.json'), 'utf8');
    expect(fixed).toBe(
      [
        '{"Version": "2012-10-17", "Statement": [',
        '  {"Sid": "A", "Effect": "Allow", "Action": ["ec2:DescribeInstances"], "Resource": "*"}',
        ']}',
        '',
      ].join('\n'),
    );
    // fix twice = fix once
    const again = planFixes(after, readIn(root));
    expect(again.files).toEqual([]);
  });

  it('the AWS CLI wrapper {"PolicyDocument": …} and a document held as JSON text ({"Policy": "…"})', async () => {
    const wrapped = JSON.stringify(
      {
        PolicyName: 'p',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' },
          ],
        },
      },
      null,
      2,
    );
    const held = JSON.stringify({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' }],
      }),
    });
    const root = repo({ 'wrapped.json': wrapped, 'held.json': held });
    const { plan, after } = await fixAndReaudit(root, 'coiled:ongoing');
    expect(plan.notFixed).toEqual([]);
    expect(plan.files.map((f) => f.path).sort()).toEqual(['held.json', 'wrapped.json']);
    expect(excess(after)).toEqual([]);
    const w = JSON.parse(readFileSync(join(root, 'wrapped.json'), 'utf8'));
    expect(w.PolicyName).toBe('p');
    expect(w.PolicyDocument.Statement[0].Action).toEqual(['ec2:DescribeInstances']);
    const h = JSON.parse(JSON.parse(readFileSync(join(root, 'held.json'), 'utf8')).Policy);
    expect(h.Statement[0].Action).toEqual(['ec2:DescribeInstances']);
  });

  it('lists a policy that would lose every statement in notFixed, with the reason, and writes nothing', async () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' },
        { Effect: 'Allow', Action: 'iam:DeleteUser', Resource: '*' },
      ],
    });
    const root = repo({ 'only-excess.json': text });
    const report = await audit(root, 'coiled:ongoing');
    expect(report.suggestions.map((s) => s.policy)).toEqual(['only-excess.json']);
    const plan = planFixes(report, readIn(root));
    expect(plan.files).toEqual([]);
    expect(plan.notFixed).toEqual([
      {
        policy: 'only-excess.json',
        path: 'only-excess.json',
        reason: expect.stringMatching(/every statement would be removed/),
      },
    ]);
  });
});

describe('fix: what is not rewritten, with the reason', () => {
  it('a CloudFormation statement whose changing part is an intrinsic function; a Terraform state file', async () => {
    const template = [
      'Resources:',
      '  P:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      PolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement:',
      '          - Effect: Allow',
      '            Action: !If [Wide, ["ec2:DescribeInstances", "iam:CreateUser"], ["ec2:DescribeInstances", "iam:CreateUser"]]',
      '            Resource: "*"',
      'Conditions:',
      '  Wide: !Equals [a, a]',
      '',
    ].join('\n');
    const state = JSON.stringify({
      version: 4,
      terraform_version: '1.9.0',
      resources: [
        {
          mode: 'managed',
          type: 'aws_iam_policy',
          name: 's',
          instances: [
            {
              attributes: {
                name: 's',
                policy: JSON.stringify({
                  Version: '2012-10-17',
                  Statement: [
                    { Effect: 'Allow', Action: ['ec2:DescribeInstances', 'iam:CreateUser'], Resource: '*' },
                  ],
                }),
              },
            },
          ],
        },
      ],
    });
    const root = repo({ 't.yaml': template, 'terraform.tfstate': state });
    const report = await audit(root, 'coiled:ongoing');
    const plan = planFixes(report, readIn(root));
    expect(plan.files).toEqual([]);
    const reasons = Object.fromEntries(plan.notFixed.map((n) => [n.path, n.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      report.suggestions.map((s) => report.policies.find((p) => p.id === s.policy)!.path).sort(),
    );
    expect(reasons['t.yaml']).toMatch(/not literal/);
    if (reasons['terraform.tfstate'])
      expect(reasons['terraform.tfstate']).toMatch(/state file is generated output/);
  });
});
