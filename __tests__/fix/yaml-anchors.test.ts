// YAML anchors and aliases share one value between places: fix refuses an edit of an anchored
// value used elsewhere, or of an alias (its value is an anchor written elsewhere), and names the
// anchor and its uses. Whatever the edit, the file must read back the same outside the policy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutside } from '../../src/fix/yaml-guard.js';
import { fixFiles } from './helpers.js';

async function plan(text: string) {
  const { root, plan: p } = await fixFiles({ 'cfn.yaml': text }, 'skypilot', '123456789012');
  return { ...p, after: readFileSync(join(root, 'cfn.yaml'), 'utf8') };
}

const POLICY = [
  'Resources:',
  '  SkyPolicy:',
  '    Type: AWS::IAM::ManagedPolicy',
  '    Properties:',
  '      ManagedPolicyName: skypilot-v1',
  '      PolicyDocument:',
  "        Version: '2012-10-17'",
  '        Statement:',
  '          - Effect: Allow',
];

describe('fix: YAML anchors and aliases', () => {
  it('an anchored Action list used in a tag and an output is not edited; the anchor and its uses are named', async () => {
    const text = [
      ...POLICY,
      '            Action: &skyActions',
      '              - ec2:Describe*',
      '              - iam:CreateUser',
      "            Resource: '*'",
      '  AuditTopic:',
      '    Type: AWS::SNS::Topic',
      '    Properties:',
      '      Tags:',
      '        - Key: granted-actions',
      "          Value: !Join [',', *skyActions]",
      'Outputs:',
      '  GrantedActions:',
      "    Value: !Join [',', *skyActions]",
      '',
    ].join('\n');
    const { files, notFixed, after } = await plan(text);
    expect(files).toEqual([]);
    expect(after).toBe(text);
    expect(notFixed).toHaveLength(1);
    const reason = notFixed[0]!.reason;
    expect(reason).toContain(
      'the anchor &skyActions at Resources.SkyPolicy.Properties.PolicyDocument.Statement[0].Action (line 10)',
    );
    expect(reason).toContain('*skyActions at Resources.AuditTopic.Properties.Tags[0].Value[1] (line 19)');
    expect(reason).toContain('Outputs.GrantedActions.Value[1] (line 22)');
  });

  it('an alias in the policy whose anchor is written elsewhere is not edited; the anchor is named', async () => {
    const text = [
      'Metadata:',
      '  Granted: &acts',
      '    - ec2:Describe*',
      '    - iam:CreateUser',
      ...POLICY,
      '            Action: *acts',
      "            Resource: '*'",
      '',
    ].join('\n');
    const { files, notFixed, after } = await plan(text);
    expect(files).toEqual([]);
    expect(after).toBe(text);
    expect(notFixed).toHaveLength(1);
    expect(notFixed[0]!.reason).toContain('the alias *acts');
    expect(notFixed[0]!.reason).toContain('the anchor &acts at line 2');
  });

  it('an anchor no alias uses is edited as any value', async () => {
    const text = [
      ...POLICY,
      '            Action: &skyActions',
      '              - ec2:Describe*',
      '              - iam:CreateUser',
      "            Resource: '*'",
      '',
    ].join('\n');
    const { notFixed, after } = await plan(text);
    expect(notFixed).toEqual([]);
    expect(after).toBe(text.replace('              - iam:CreateUser\n', ''));
  });

  it('the verify step refuses a rewrite that changes anything outside the policy', () => {
    const before = 'A:\n  Policy: &p [a, b]\nB:\n  Tag: *p\n';
    const policy = [['A', 'Policy']];
    expect(() => checkOutside(before, 'A:\n  Policy: &p [a]\nB:\n  Tag: *p\n', policy)).toThrow(
      /outside the policy \(at B\.Tag\[1\]\)/,
    );
    expect(() => checkOutside(before, 'A:\n  Policy: &p [a]\nB:\n  Tag: [a, b]\n', policy)).not.toThrow();
    expect(() =>
      checkOutside('{"A": {"P": 1}, "B": 2}', '{"A": {"P": 3}, "B": 2}', [['A', 'P']]),
    ).not.toThrow();
    expect(() => checkOutside('{"A": {"P": 1}, "B": 2}', '{"A": {"P": 3}, "B": 4}', [['A', 'P']])).toThrow(
      /at B\)/,
    );
  });

  // (a review) checkOutside expanded aliases with no limit: 24 levels of `lN: &lN [*lN-1, *lN-1]`
  // (under a kilobyte) took 4.3 GB and crashed fix, and the action's default review with it.
  it('aliases that double at each level: not fixed, with the reason, and nothing expanded', async () => {
    const bomb = ['Metadata:', '  l0: &l0 [x, x]'];
    for (let i = 1; i <= 30; i++) bomb.push(`  l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    const text = [
      ...bomb,
      ...POLICY,
      "            Action: ['ec2:Describe*', 'iam:CreateUser']",
      "            Resource: '*'",
      '',
    ].join('\n');
    expect(text.length).toBeLessThan(1500);
    const { files, notFixed, after } = await plan(text);
    expect(files).toEqual([]);
    expect(after).toBe(text);
    expect(notFixed.map((n) => n.reason)).toEqual([
      expect.stringContaining('its YAML aliases (*name) expand to too many values'),
    ]);
  });

  it('a few aliases outside the policy: fixed as before', async () => {
    const text = [
      'Metadata:',
      '  owner: &owner platform',
      '  tags: [*owner, *owner]',
      ...POLICY,
      "            Action: ['ec2:Describe*', 'iam:CreateUser']",
      "            Resource: '*'",
      '',
    ].join('\n');
    const { notFixed, after } = await plan(text);
    expect(notFixed).toEqual([]);
    expect(after).toBe(text.replace("['ec2:Describe*', 'iam:CreateUser']", "['ec2:Describe*']"));
  });
});
