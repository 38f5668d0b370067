// Conditions written another way than the baseline's that IAM evaluates alike, and one that only
// looks like the baseline's, through the whole audit (the shared path and the reference path). On a
// reviewer's findings, checked with @cloud-copilot/iam-simulate:
// - a tag key under the service's own name (`ec2:ResourceTag/k` where the baseline writes
//   `aws:ResourceTag/k`, for EC2 actions) was a HIGH missing-condition;
// - a placeholder of the baseline (the user's own value) was met by `IpAddress 0.0.0.0/0`, which
//   lets every address through: no finding for Lightly's restrict-ip;
// - a wildcard-free `StringLike` for the baseline's `StringEquals`, and a `StringNotEquals` the same
//   as the baseline's, were missing-condition findings (marked approximate).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Finding, Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06');

async function audit(
  statements: Record<string, unknown>[],
  baseline: string | Record<string, unknown>[],
  reference = false,
): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'condition-equivalents-'));
  writeFileSync(join(root, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  if (typeof baseline !== 'string')
    writeFileSync(
      join(root, 'base.json'),
      JSON.stringify({ sets: [{ name: 'main', kind: 'ongoing', statements: baseline }] }),
    );
  return runAudit({
    root,
    paths: ['p.json'],
    baseline: typeof baseline === 'string' ? baseline : join(root, 'base.json'),
    accountId: '123456789012',
    now: NOW,
    ...(reference ? { reference: true } : {}),
  });
}

const allow = (action: string | string[], condition?: object, resource: string | string[] = '*') => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

/** The missing-condition findings as `action: approximate?` lines, sorted. */
const missing = (r: Report): string[] =>
  r.findings
    .filter((f: Finding) => f.kind === 'missing-condition')
    .flatMap((f) => f.actions.map((a) => `${a}${f.approximate ? ' (approximate)' : ''}`))
    .sort();

/** Runs a case on both paths and expects the same missing-condition lines from each. */
async function both(
  statements: Record<string, unknown>[],
  baseline: string | Record<string, unknown>[],
): Promise<string[]> {
  const shared = missing(await audit(statements, baseline));
  expect(missing(await audit(statements, baseline, true))).toEqual(shared);
  return shared;
}

const INSTANCE = 'arn:aws:ec2:*:123456789012:instance/*';
const ANYSCALE_ACTIONS = ['ec2:TerminateInstances', 'ec2:StopInstances', 'ec2:ModifyInstanceAttribute'];

describe("a tag key under the service's own name", () => {
  test("Anyscale's aws:ResourceTag met by ec2:ResourceTag for EC2 actions (the review's F3)", async () => {
    const tag = (key: string) => ({ StringEquals: { [`${key}/anyscale-cloud-id`]: 'cld_abc' } });
    expect(
      await both(
        [allow(ANYSCALE_ACTIONS, tag('ec2:ResourceTag'), INSTANCE)],
        'anyscale:steady-state-cloud-id',
      ),
    ).toEqual([]);
    // Still compared: another value, or no tag at all, is missing.
    expect(
      await both(
        [allow(ANYSCALE_ACTIONS, { StringEquals: { 'ec2:ResourceTag/other': 'cld_abc' } }, INSTANCE)],
        'anyscale:steady-state-cloud-id',
      ),
    ).toEqual(ANYSCALE_ACTIONS.slice().sort());
  });

  test('both ways, with Null and IfExists, for EC2 actions only; another service with its own alias is approximate', async () => {
    const actions = ['ec2:TerminateInstances', 'secretsmanager:GetSecretValue', 's3:GetObject'];
    const base = (key: string, op = 'StringEquals', value = 'coiled') => [
      allow(actions, { [op]: { [`${key}/owner`]: value } }),
    ];
    const policy = (key: string, op = 'StringEquals', value = 'coiled') => [
      allow(actions, { [op]: { [`${key}/owner`]: value } }),
    ];
    // aws: in the baseline, ec2: in the policy: met for the EC2 action only (S3 never supplies
    // ec2:ResourceTag; Secrets Manager has an alias of its own, not this one).
    expect(await both(policy('ec2:ResourceTag'), base('aws:ResourceTag'))).toEqual([
      's3:GetObject',
      'secretsmanager:GetSecretValue',
    ]);
    expect(
      await both(policy('ec2:ResourceTag', 'Null', 'false'), base('aws:ResourceTag', 'Null', 'false')),
    ).toEqual(['s3:GetObject', 'secretsmanager:GetSecretValue']);
    expect(
      await both(policy('ec2:ResourceTag', 'StringEquals'), base('aws:ResourceTag', 'StringEqualsIfExists')),
    ).toEqual(['s3:GetObject', 'secretsmanager:GetSecretValue']);
    // Secrets Manager's own key: documented, not documented as the same test: approximate.
    expect(await both(policy('secretsmanager:ResourceTag'), base('aws:ResourceTag'))).toEqual([
      'ec2:TerminateInstances',
      's3:GetObject',
      'secretsmanager:GetSecretValue (approximate)',
    ]);
    // The other way: the baseline's ec2:ResourceTag met by aws:ResourceTag for EC2 actions (and
    // nothing else met by it: for the others the baseline's condition names a key they never have).
    expect(await both(policy('aws:ResourceTag'), base('ec2:ResourceTag'))).toEqual([
      's3:GetObject',
      'secretsmanager:GetSecretValue',
    ]);
    // Values are still compared through the alias.
    expect(await both(policy('ec2:ResourceTag', 'StringEquals', 'other'), base('aws:ResourceTag'))).toEqual(
      actions.slice().sort(),
    );
  });
});

describe('a placeholder of the baseline is not met by a value that lets everything through', () => {
  // The review's F4: Lightly's bucket policy with restrict-ip's statement under 0.0.0.0/0.
  const RESTRICT_IP = {
    Statement: [
      {
        Sid: 'RestrictIP',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::916419735646:root' },
        Action: 's3:*',
        Resource: ['arn:aws:s3:::mybucket', 'arn:aws:s3:::mybucket/projects/x/*'],
      },
      {
        Sid: 'AllowLightly',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::916419735646:root' },
        Action: 's3:ListBucket',
        Resource: ['arn:aws:s3:::mybucket'],
      },
    ] as Record<string, unknown>[],
  };
  const withIp = (...ips: string[]) =>
    RESTRICT_IP.Statement.map((s) =>
      s.Sid === 'RestrictIP' ? { ...s, Condition: { IpAddress: { 'aws:SourceIp': ips } } } : s,
    );

  test("Lightly's restrict-ip with 0.0.0.0/0 (the review's F4) is a missing condition; the user's own range is not", async () => {
    expect(await both(withIp('203.0.113.0/24'), 'lightly:minimum,restrict-ip')).toEqual([]);
    const wide = await both(withIp('0.0.0.0/0'), 'lightly:minimum,restrict-ip');
    expect(wide.length).toBeGreaterThan(0);
    expect(wide.every((a) => !a.endsWith('(approximate)'))).toBe(true);
    expect(wide).toContain('s3:PutBucketPolicy');
    expect(await both(withIp('203.0.113.0/24', '::/0'), 'lightly:minimum,restrict-ip')).toEqual(wide);
  });

  test("the suggested policy holds the user's own value in place of 0.0.0.0/0", async () => {
    const report = await audit(withIp('0.0.0.0/0'), 'lightly:minimum,restrict-ip');
    const minimal = report.suggestions[0]!.minimal as { Statement: Record<string, unknown>[] };
    const conditionOf = (action: string) =>
      minimal.Statement.filter((s) => ([] as unknown[]).concat(s.Action).includes(action)).map(
        (s) => s.Condition,
      );
    // restrict-ip's actions under the user's own range (the fix leaves it to add by hand)...
    expect(conditionOf('s3:PutBucketPolicy')).toEqual([{ IpAddress: { 'aws:SourceIp': '<placeholder>' } }]);
    expect(conditionOf('s3:GetObject')).toEqual([{ IpAddress: { 'aws:SourceIp': '<placeholder>' } }]);
    // ...and s3:ListBucket, which the minimum set grants under no condition, as written.
    expect(conditionOf('s3:ListBucket')).toContainEqual({ IpAddress: { 'aws:SourceIp': ['0.0.0.0/0'] } });
  });
});

describe('conditions written another way', () => {
  const base = [
    allow(['ec2:TerminateInstances', 'ec2:StopInstances'], {
      StringEquals: { 'ec2:ResourceTag/owner': 'coiled' },
    }),
    allow('ec2:RebootInstances', { StringNotEquals: { 'aws:ResourceTag/env': 'prod' } }),
  ];

  test("a StringLike without a wildcard is the baseline's StringEquals (the review's F10); with one it allows more", async () => {
    const like = (v: string) => [
      allow(['ec2:TerminateInstances', 'ec2:StopInstances'], { StringLike: { 'ec2:ResourceTag/owner': v } }),
    ];
    expect(await both(like('coiled'), base)).toEqual([]);
    // Case-sensitive like StringEquals, and a pattern allows more: exact findings.
    expect(await both(like('Coiled'), base)).toEqual(['ec2:StopInstances', 'ec2:TerminateInstances']);
    expect(await both(like('coil*'), base)).toEqual(['ec2:StopInstances', 'ec2:TerminateInstances']);
  });

  // (a later review: `StringLike ${aws:username}` for the baseline's `StringEquals ${aws:username}`
  // was a HIGH missing-condition; an aws: variable's values hold no wildcard, so the two are one)
  test('a StringLike whose only ${…} are aws: variables is the same StringEquals; another variable is not known', async () => {
    const owner = (op: string, v: string) => [
      allow(['ec2:TerminateInstances', 'ec2:StopInstances'], { [op]: { 'ec2:ResourceTag/owner': v } }),
    ];
    const byUser = owner('StringEquals', 'team-${aws:username}');
    expect(await both(owner('StringLike', 'team-${aws:username}'), byUser)).toEqual([]);
    expect(await both(owner('StringLike', 'team-${aws:PrincipalTag/team}'), byUser)).toEqual([
      'ec2:StopInstances',
      'ec2:TerminateInstances',
    ]);
    expect(await both(owner('StringLike', 'team-${aws:username}*'), byUser)).toEqual([
      'ec2:StopInstances',
      'ec2:TerminateInstances',
    ]);
    // (a variable whose value may hold a wildcard: a caller's user agent, not compared exactly)
    const byAgent = owner('StringEquals', 'team-${aws:UserAgent}');
    expect(await both(owner('StringLike', 'team-${aws:UserAgent}'), byAgent)).toEqual([
      'ec2:StopInstances (approximate)',
      'ec2:TerminateInstances (approximate)',
    ]);
    expect(await both(owner('StringLike', 'team-${saml:sub}'), byUser)).toEqual([
      'ec2:StopInstances (approximate)',
      'ec2:TerminateInstances (approximate)',
    ]);
  });

  test("a StringNotEquals that excludes the baseline's value, or more, is the baseline's (the review's F10b)", async () => {
    const not = (op: string, ...v: string[]) => [
      allow('ec2:RebootInstances', { [op]: { 'aws:ResourceTag/env': v } }),
    ];
    expect(await both(not('StringNotEquals', 'prod'), base)).toEqual([]);
    expect(await both(not('StringNotEquals', 'prod', 'staging'), base)).toEqual([]);
    expect(await both(not('StringNotLike', 'prod*'), base)).toEqual([]);
    // One that lets `prod` through: an exact finding.
    expect(await both(not('StringNotEquals', 'staging'), base)).toEqual(['ec2:RebootInstances']);
  });
});
