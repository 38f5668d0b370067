// What `fix` says when it leaves a policy as written: the reasons name what would help.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

async function reasons(files: Record<string, string>, baseline?: string, accountId?: string) {
  const root = repo(files);
  const report = await runAudit({ root, paths: ['.'], baseline, accountId, now: NOW });
  const plan = planFixes(report, readIn(root));
  for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
  return plan.notFixed.map((n) => n.reason);
}

const CFN_HEAD = [
  'Resources:',
  '  SkyPolicy:',
  '    Type: AWS::IAM::ManagedPolicy',
  '    Properties:',
  '      ManagedPolicyName: skypilot-v1',
  '      PolicyDocument:',
  "        Version: '2012-10-17'",
  '        Statement:',
];

describe('fix: the reasons name what would help', () => {
  it('a part that changes and is not literal: the statement is named (Sid, else its number) with its line', async () => {
    const text = [
      ...CFN_HEAD,
      '          - Sid: Describe',
      '            Effect: Allow',
      "            Action: !Split [',', 'ec2:DescribeInstances,iam:CreateUser']",
      "            Resource: '*'",
      '          - Effect: Allow',
      "            Action: !Split [',', 'ec2:DescribeRegions,iam:DeleteUser']",
      "            Resource: '*'",
      '',
    ].join('\n');
    const got = await reasons({ 'cfn.yaml': text }, 'skypilot', '123456789012');
    expect(got).toEqual([
      'the part of statement Describe (line 9) that changes is not literal: its Action holds the tag !Split (an intrinsic function), which fix does not rewrite: change it by hand',
    ]);
    const unnamed = text.replace('          - Sid: Describe\n            Effect', '          - Effect');
    expect(await reasons({ 'cfn.yaml': unnamed }, 'skypilot', '123456789012')).toEqual([
      expect.stringMatching(
        /^the part of statement #0 \(line 9\) that changes is not literal: its Action holds the tag !Split/,
      ),
    ]);
  });
});
