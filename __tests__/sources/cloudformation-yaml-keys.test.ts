// A YAML key is text as CloudFormation reads it, with the digits written, as a scalar value is:
// `061190967865:` under Mappings is the account '061190967865', not 61190967865 (before, an
// Fn::FindInMap on it said "no such entry in Mappings"; a review).
import { parseSource } from '../../src/sources/index.js';

test('a numeric key keeps the digits written, in Mappings and in any map', () => {
  const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  VendorAccount:
    Type: String
    Default: '061190967865'
Mappings:
  Vendors:
    061190967865:
      Bucket: vendor-bucket-a
    464622532012:
      Bucket: vendor-bucket-b
    1e3:
      Bucket: vendor-bucket-c
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource:
              - !Sub
                - 'arn:aws:s3:::\${B}/*'
                - B: !FindInMap [Vendors, !Ref VendorAccount, Bucket]
              - !Sub ['arn:aws:s3:::\${B}/*', {B: !FindInMap [Vendors, '464622532012', Bucket]}]
              - !Sub ['arn:aws:s3:::\${B}/*', {B: !FindInMap [Vendors, '1e3', Bucket]}]
            Condition:
              StringEquals:
                007: 'x'
`;
  const r = parseSource({ path: 'template.yaml', text }).result;
  expect(r.errors ?? []).toEqual([]);
  const p = r.policies[0]!;
  expect(p.status).toBe('resolved');
  const s = (p.document as { Statement: Record<string, unknown>[] }).Statement[0]!;
  expect(s.Resource).toEqual([
    'arn:aws:s3:::vendor-bucket-a/*',
    'arn:aws:s3:::vendor-bucket-b/*',
    'arn:aws:s3:::vendor-bucket-c/*',
  ]);
  expect(s.Condition).toEqual({ StringEquals: { '007': 'x' } });
});
