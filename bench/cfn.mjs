#!/usr/bin/env node
// npm run bench:cfn [-- --runs N]
//
// CloudFormation throughput, end to end with the bundled CLI (dist/cli.js) as a child process:
// one YAML template of about 10 MB (roles with inline policies, managed policies attached by
// !Ref, bucket policies, short-form tags: !Sub, !GetAtt, !If, !Join, !FindInMap), and 2,000 CDK
// synth outputs (`cdk.out/*.template.json`, Fn::Join with Ref AWS::Partition). Every statement has
// its own actions and resources (no repetition a cache could share). Prints MB/s, templates/s and
// policies/s (median of the runs) and the peak RSS (/usr/bin/time -v, when present).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const BIG = join(ROOT, '.bench', 'cfn-big');
const CDK = join(ROOT, '.bench', 'cfn-cdk');
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(opts.runs);

const SERVICES = [
  's3',
  'ec2',
  'sqs',
  'sns',
  'dynamodb',
  'logs',
  'kms',
  'lambda',
  'ecr',
  'ssm',
  'secretsmanager',
];
const VERBS = ['Get', 'Put', 'List', 'Describe', 'Create', 'Delete', 'Update', 'Tag'];
/** A deterministic pseudo-random generator (the same template every run). */
function rng(seed) {
  let x = seed >>> 0;
  return () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
const rand = rng(42);
const pick = (a) => a[Math.floor(rand() * a.length)];
function actions(i) {
  const n = 1 + Math.floor(rand() * 6);
  const out = new Set();
  for (let k = 0; k < n; k++)
    out.add(`${pick(SERVICES)}:${pick(VERBS)}${rand() < 0.3 ? '*' : `Thing${(i * 7 + k) % 97}`}`);
  return [...out];
}

function yamlTemplate(targetBytes) {
  const parts = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Parameters:',
    '  Env: { Type: String, Default: prod }',
    '  Full: { Type: String, Default: "true", AllowedValues: ["true", "false"] }',
    'Conditions:',
    '  IsFull: !Equals [!Ref Full, "true"]',
    'Mappings:',
    '  Region: { us-east-1: { Bucket: acme-use1 } }',
    'Resources:',
  ];
  let size = parts.join('\n').length;
  let policies = 0;
  for (let i = 0; size < targetBytes; i++) {
    const acts = (a) => a.map((x) => `                  - ${x}`).join('\n');
    const block = `  Role${i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub 'svc-${i}-\${Env}'
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Ref Managed${i}
      Policies:
        - PolicyName: inline-${i}
          PolicyDocument:
            Statement:
              - !If
                - IsFull
                - Effect: Allow
                  Action:
${acts(actions(i))}
                  Resource: !Sub 'arn:\${AWS::Partition}:s3:::acme-${i}-\${Env}/*'
                - !Ref AWS::NoValue
              - Effect: Allow
                Action: [${actions(i + 1).join(', ')}]
                Resource: !Join ['', ['arn:aws:sqs:', !Ref 'AWS::Region', ':', !Ref 'AWS::AccountId', ':q-${i}']]
  Managed${i}:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: [${actions(i + 2).join(', ')}]
            Resource: !GetAtt Bucket${i}.Arn
  Bucket${i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !FindInMap [Region, us-east-1, Bucket]
  BucketPolicy${i}:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket${i}
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !GetAtt Role${i}.Arn }
            Action: [s3:GetObject, s3:PutObject]
            Resource: !Sub '\${Bucket${i}.Arn}/*'
`;
    parts.push(block);
    size += block.length + 1;
    policies += 4;
  }
  return { text: `${parts.join('\n')}\n`, policies };
}

function cdkTemplate(i) {
  const arn = (service, res) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${res}`,
      ],
    ],
  });
  return {
    Resources: {
      [`FnServiceRole${i}`]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [
              { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
            ],
            Version: '2012-10-17',
          },
        },
      },
      [`FnServiceRoleDefaultPolicy${i}`]: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyDocument: {
            Statement: [
              { Action: actions(i), Effect: 'Allow', Resource: arn('sqs', `queue-${i}`) },
              { Action: actions(i + 3), Effect: 'Allow', Resource: arn('dynamodb', `table/t-${i}`) },
            ],
            Version: '2012-10-17',
          },
          PolicyName: `FnServiceRoleDefaultPolicy${i}`,
          Roles: [{ Ref: `FnServiceRole${i}` }],
        },
      },
    },
  };
}

function dirBytes(files) {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeAudit(target) {
  const time = existsSync('/usr/bin/time');
  const args = [CLI, 'audit', target, '--fail-on', 'none', '--format', 'json', '--output', '/dev/null'];
  const t0 = performance.now();
  const r = time
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`audit failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '')?.[1];
  return { ms, rssMb: rss ? Number(rss) / 1024 : undefined };
}

if (!existsSync(CLI)) {
  console.error('bench:cfn needs the bundle: run `npm run build` first.');
  process.exit(2);
}
rmSync(BIG, { recursive: true, force: true });
rmSync(CDK, { recursive: true, force: true });
mkdirSync(BIG, { recursive: true });
mkdirSync(join(CDK, 'cdk.out'), { recursive: true });
const big = yamlTemplate(10 * 1024 * 1024);
writeFileSync(join(BIG, 'template.yaml'), big.text);
const cdkFiles = [];
for (let i = 0; i < 2000; i++) {
  const f = join(CDK, 'cdk.out', `Stack${i}.template.json`);
  writeFileSync(f, JSON.stringify(cdkTemplate(i), null, 1));
  cdkFiles.push(f);
}

const rows = [];
for (const [name, target, bytes, templates, policies] of [
  ['one YAML template', BIG, big.text.length, 1, big.policies],
  ['2,000 CDK templates', CDK, dirBytes(cdkFiles), 2000, 2000 * 2],
]) {
  const runs = [];
  for (let k = 0; k < RUNS; k++) runs.push(timeAudit(target));
  const ms = median(runs.map((r) => r.ms));
  const rss = median(runs.map((r) => r.rssMb ?? 0));
  rows.push({
    input: name,
    MB: (bytes / 1024 / 1024).toFixed(1),
    policies,
    'audit ms': Math.round(ms),
    'MB/s': (bytes / 1024 / 1024 / (ms / 1000)).toFixed(2),
    'templates/s': Math.round(templates / (ms / 1000)),
    'policies/s': Math.round(policies / (ms / 1000)),
    'peak RSS MB': rss ? Math.round(rss) : 'n/a',
  });
}
console.table(rows);
