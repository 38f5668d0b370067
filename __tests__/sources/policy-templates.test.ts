// A policy JSON file that is a template (a templatefile() input, a file a tool renders): its
// `${...}` that are not IAM policy variables make its findings approximate, with the same note
// the Terraform sources write; one that is not JSON until rendered (`%{ if … }`, a bare `${...}`)
// is skipped with the reason, never an invalid-policy finding.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { parseSource } from '../../src/sources/index.js';
import { templateMarks } from '../../src/sources/policy-json.js';

const policy = (resource: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource, ...extra }],
    },
    null,
    2,
  );

describe('policy JSON with template syntax', () => {
  it('tells template interpolations from IAM policy variables', () => {
    const text = [
      '${aws_iam_role.x.arn}',
      'arn:aws:s3:::${bucket}/*',
      '${AWS::AccountId}',
      '${aws:username}',
      "${aws:PrincipalTag/team, 'none'}",
      '${s3:prefix}',
      '${www.amazon.com:user_id}',
      '${*}',
      '${?}',
      '${$}',
      '%{ if x }',
      '${bucket}',
      '${{ secrets.GITHUB_TOKEN }}',
    ].join(' ');
    expect(templateMarks(text)).toEqual({
      interpolations: [
        '${aws_iam_role.x.arn}',
        '${bucket}',
        '${AWS::AccountId}',
        '${{ secrets.GITHUB_TOKEN }}',
      ],
      directives: ['%{ if x }'],
    });
  });

  it('marks the policy approximate, naming its interpolations', () => {
    const { result } = parseSource({
      path: 'p.json',
      text: policy(['${aws_iam_role.x.arn}', 'arn:aws:s3:::${bucket}/${aws:username}/*']),
    });
    expect(result.status).toBe('audited');
    expect(result.policies[0]!.approximate).toEqual([
      'a template: interpolations read as wildcards: ${aws_iam_role.x.arn}, ${bucket}',
    ]);
  });

  it('bounds the note as the Terraform one (eight named, each clipped)', () => {
    const many = Array.from({ length: 12 }, (_, i) => `arn:aws:s3:::\${bucket_${i}}`);
    const long = `\${${'x'.repeat(200)}}`;
    const { result } = parseSource({ path: 'p.json', text: policy([...many, long]) });
    const note = result.policies[0]!.approximate![0]!;
    expect(note).toMatch(/\$\{bucket_7\} and 5 more$/);
    expect(note.length).toBeLessThan(300);
  });

  it('leaves a policy with IAM policy variables only exact', () => {
    const { result } = parseSource({
      path: 'p.json',
      text: policy('arn:aws:s3:::b/${aws:username}/*', {
        Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } },
      }),
    });
    expect(result.policies[0]!.approximate).toBeUndefined();
  });

  it.each([
    [
      'a directive',
      `{"Version": "2012-10-17", "Statement": [\n%{ if x }\n{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}\n%{ endif }\n]}`,
    ],
    ['a bare interpolation', `{"Version": "2012-10-17", "Statement": \${jsonencode(local.statements)}}`],
    // (a second review: interpolations that insert members or statements, not values)
    [
      'statements inserted with their comma',
      `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}\n \${extra_statements}\n]}`,
    ],
    [
      'condition members inserted',
      `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": { \${conditions} }}]}`,
    ],
  ])('skips a template that is not JSON until rendered (%s), named or not', (_, text) => {
    for (const explicit of [true, false]) {
      const { result } = parseSource({ path: 'policy.tmpl', text }, explicit);
      expect(result.status).toBe('skipped');
      expect(result.errors).toEqual([]);
      expect(result.reason).toMatch(/^a template \(.+\), not a policy as written .*: audit what it renders/);
    }
  });

  // (a review: CloudZero's old master_payer.json, a `${BillingBucketName}` in a string and a comma
  // after its last action, was skipped as a template; no value of the bucket's name mends it)
  it('reports a template broken for another reason than its interpolations as broken JSON', () => {
    const { result } = parseSource({
      path: 'master_payer.json',
      text: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "pricing:*",], "Resource": "arn:aws:s3:::${BillingBucketName}/*"}]}',
    });
    expect(result.status).toBe('error');
    expect(result.reason).toMatch(/^not valid JSON at line 1, column \d+: .*trailing comma/);
  });

  it('still reports broken JSON with IAM policy variables only as an error', () => {
    const { result } = parseSource({
      path: 'p.json',
      text: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "${aws:username}",}]}',
    });
    expect(result.status).toBe('error');
  });

  it('carries the note to the findings of an audit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-tmpl-'));
    try {
      writeFileSync(join(root, 'bucket.tmpl'), policy(['${bucket_arn}', '${bucket_arn}/*']));
      const report = await runAudit({
        root,
        paths: ['bucket.tmpl'],
        baseline: 'skypilot',
        now: new Date('2026-06-01'),
      });
      expect(report.findings.length).toBeGreaterThan(0);
      for (const f of report.findings.filter((x) => x.kind !== 'missing-permission'))
        expect(f.approximate).toContain('interpolations read as wildcards: ${bucket_arn}');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// Terraform documents `*.tftpl` for templatefile() inputs; Spot's connector keeps its eco policy
// as eco_readonly_policy.json.tftpl. A review found such files outside the directory walk: read
// nowhere when the `.tf` that renders them could not be evaluated.
describe('JSON templates named .json.tftpl, .json.tpl, .json.tmpl', () => {
  it('are found by a directory walk and audited as templates', async () => {
    const root = mkdtempSync(join(tmpdir(), 'json-tftpl-'));
    try {
      for (const name of ['a.json.tftpl', 'b.json.tpl', 'c.json.tmpl'])
        writeFileSync(
          join(root, name),
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'iam:CreateUser', Resource: 'arn:aws:iam::${account}:user/x' },
            ],
          }),
        );
      writeFileSync(join(root, 'user-data.sh.tftpl'), '#!/bin/sh\necho ${name}\n');
      const r = await runAudit({
        root,
        paths: ['.'],
        baseline: 'skypilot',
        now: new Date('2026-12-07T00:00:00Z'),
      });
      expect(r.inputs.map((i) => [i.path, i.status])).toEqual([
        ['a.json.tftpl', 'audited'],
        ['b.json.tpl', 'audited'],
        ['c.json.tmpl', 'audited'],
      ]);
      // (iam:CreateUser is beyond SkyPilot's baseline: one finding each, marked approximate)
      expect(
        r.findings.filter((f) => f.kind === 'excess-action').map((f) => [f.path, f.approximate]),
      ).toEqual(
        ['a.json.tftpl', 'b.json.tpl', 'c.json.tmpl'].map((path) => [
          path,
          'a template: interpolations read as wildcards: ${account}',
        ]),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
