// The statement memo (src/audit/memo.ts) keeps an outcome from the second time its key is seen: a
// statement seen once (most of a plan whose statements all differ) is computed and let go, a
// repeated one is computed twice and then shared. Counted through the memo's computations; the
// reports stay those of the reference path (memo-equivalence.test.ts checks that at scale).
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatementMemo } from '../src/audit/memo.js';
import { runAudit } from '../src/audit/run.js';
import { GrantSets } from '../src/policy/grant-sets.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function policy(actions: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
  });
}

describe('statement outcomes kept by the memo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iba-memo-keep-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  const computations = async () => {
    const compute = jest.spyOn(
      StatementMemo.prototype as unknown as { compute: (...args: unknown[]) => unknown },
      'compute',
    );
    const shared = await runAudit({ root: dir, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const calls = compute.mock.calls.length;
    compute.mockRestore();
    const reference = await runAudit({
      root: dir,
      paths: ['.'],
      baseline: 'skypilot:minimal',
      now: NOW,
      reference: true,
    });
    expect(JSON.stringify(shared)).toBe(JSON.stringify(reference));
    return { calls, findings: shared.findings.length };
  };

  /** Five policies of different statements. */
  const DISTINCT = [
    ['s3:*'],
    ['ec2:*'],
    ['iam:PassRole'],
    ['sqs:*'],
    ['ec2:Describe*', 'sts:GetCallerIdentity'],
  ];
  const writeDistinct = () => DISTINCT.forEach((l, i) => writeFileSync(join(dir, `p${i}.json`), policy(l)));

  it('computes a statement seen five times twice, then shares it', async () => {
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `p${i}.json`), policy(['s3:*', 'ec2:Describe*']));
    const { calls, findings } = await computations();
    expect(calls).toBe(2);
    expect(findings).toBeGreaterThanOrEqual(5);
  });

  it('shares statements with the same condition, and not those whose conditions differ', async () => {
    const withCondition = (ip: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:*'],
            Resource: '*',
            Condition: {
              IpAddress: { 'aws:SourceIp': [ip, '10.0.0.0/8'] },
              Bool: { 'aws:SecureTransport': 'true' },
            },
          },
        ],
      });
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `same${i}.json`), withCondition('192.0.2.0/24'));
    writeFileSync(join(dir, 'other.json'), withCondition('198.51.100.0/24'));
    const { calls } = await computations();
    // Four alike: computed twice, then shared; the fifth's condition differs in one value: once.
    expect(calls).toBe(3);
  });

  it('computes each of five different statements once', async () => {
    writeDistinct();
    const { calls } = await computations();
    expect(calls).toBe(5);
  });

  it("lets each unit's statement sets go once the unit is audited, with the same report as keeping them", async () => {
    writeDistinct();
    writeFileSync(
      join(dir, 'deny.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
          { Effect: 'Deny', Action: ['ec2:TerminateInstances', 's3:Delete*'], Resource: '*' },
        ],
      }),
    );
    const audit = () => runAudit({ root: dir, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const release = jest.spyOn(GrantSets.prototype, 'releaseStatements');
    const released = JSON.stringify(await audit());
    expect(release).toHaveBeenCalledTimes(DISTINCT.length + 1);
    release.mockImplementation(() => undefined);
    const kept = JSON.stringify(await audit());
    expect(released).toBe(kept);
    expect(JSON.parse(released).findings.length).toBeGreaterThan(DISTINCT.length);
  });
});

describe('GrantSets.releaseStatements', () => {
  it("makes a statement's set again, equal to the one let go", async () => {
    const { loadCatalog } = await import('../src/policy/catalog.js');
    const { GrantBuilder } = await import('../src/policy/grants.js');
    const { parsePolicyDocument } = await import('../src/policy/document.js');
    const sets = new GrantSets(new GrantBuilder(loadCatalog()));
    const doc = parsePolicyDocument({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:Get*', 'ec2:DescribeInstances'], Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      ],
    }).doc!;
    for (const stmt of doc.statements) {
      const first = sets.statementSet(stmt);
      expect(sets.statementSet(stmt)).toBe(first);
      sets.releaseStatements();
      const again = sets.statementSet(stmt);
      expect(again).not.toBe(first);
      expect(again.actions.ordinals()).toEqual(first.actions.ordinals());
      expect(again.actions.size).toBeGreaterThan(0);
      expect(again.unknown).toEqual(first.unknown);
    }
    // The parsed resource patterns go with them.
    const builder = (sets as unknown as { builder: InstanceType<typeof GrantBuilder> }).builder;
    const arn = builder.pattern('arn:aws:s3:::b/*');
    expect(builder.pattern('arn:aws:s3:::b/*')).toBe(arn);
    sets.releaseStatements();
    const parsed = builder.pattern('arn:aws:s3:::b/*');
    expect(parsed).not.toBe(arn);
    expect(parsed).toEqual(arn);
  });
});
