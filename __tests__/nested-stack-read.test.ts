// A nested stack's template read in the same audit: the stack's reason says where, not "audit it
// on its own" (a review found that said of a template audited beside it). A template elsewhere (a
// URL, a file not among the inputs) still gets the advice.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';

const NESTED = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}
`;

it('names the nested template this audit reads, and advises on the others', async () => {
  const root = mkdtempSync(join(tmpdir(), 'nested-read-'));
  mkdirSync(join(root, 'stacks/parts'), { recursive: true });
  writeFileSync(join(root, 'stacks/parts/role.yaml'), NESTED);
  writeFileSync(
    join(root, 'stacks/root.yaml'),
    `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Here:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: ./parts/role.yaml}
  Missing:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: ./parts/other.yaml}
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: 'https://example.com/parts/role.yaml'}
`,
  );
  const r = await runAudit({ root, paths: ['.'] });
  const reason = (address: string) => r.policies.find((p) => p.address === address)?.reason;
  expect(reason('Here')).toBe(
    "AWS::CloudFormation::Stack deploys the template at ./parts/role.yaml: the resources of that template, and any IAM policy they hold, are not read with this one; stacks/parts/role.yaml is read on its own in this audit, with its parameters' defaults (not the values this stack passes)",
  );
  for (const other of ['Missing', 'Remote'])
    expect(reason(other)).toMatch(
      /; audit it on its own \(the parameters this stack passes are then not applied\)$/,
    );
});
