// An unconditional Deny with NotResource restricts a broad Allow to its NotResource: the audit
// compares the grant on the Allow's resources ∩ the NotResource list, exactly, through runAudit().
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Finding, Report } from '../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/skypilot-v1`;

const pass = { Sid: 'Pass', Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: '*' };
const onlySky = (notResource: string, extra: Record<string, unknown> = {}) => ({
  Sid: 'OnlySky',
  Effect: 'Deny',
  Action: ['iam:PassRole', 'iam:GetRole'],
  NotResource: notResource,
  ...extra,
});

async function audit(...Statement: unknown[]): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'iba-deny-notres-'));
  writeFileSync(join(root, 'd2.json'), JSON.stringify({ Version: '2012-10-17', Statement }, null, 2));
  return runAudit({ root, paths: ['.'], baseline: 'skypilot', accountId: ACCOUNT, now: NOW });
}

/** The findings beyond the baseline (missing-permission aside). */
const beyond = (r: Report): Finding[] => r.findings.filter((f) => f.kind !== 'missing-permission');

describe('a Deny with NotResource restricting a broad Allow', () => {
  it('leaves exactly its NotResource: no finding, nothing approximate, no suggestion', async () => {
    const report = await audit(pass, onlySky(ROLE));
    expect(beyond(report)).toEqual([]);
    expect(report.findings.every((f) => f.approximate === undefined)).toBe(true);
    // The two actions count as granted on the role: not reported missing.
    const missing = report.findings.flatMap((f) => f.actions);
    expect(missing).not.toContain('iam:PassRole');
    expect(missing).not.toContain('iam:GetRole');
    expect(report.suggestions).toEqual([]);
  });

  it('wider than the baseline: a finding on the narrowed resource, and a minimal policy on the role', async () => {
    const report = await audit(pass, onlySky(`arn:aws:iam::${ACCOUNT}:role/*`));
    expect(beyond(report).map((f) => [f.kind, f.actions, f.resources, f.approximate])).toEqual([
      ['broader-resource', ['iam:GetRole', 'iam:PassRole'], [`arn:aws:iam::${ACCOUNT}:role/*`], undefined],
    ]);
    expect(report.suggestions).toHaveLength(1);
    const minimal = report.suggestions[0]!.minimal as { Statement: Record<string, unknown>[] };
    expect(minimal.Statement).toEqual([
      { ...pass, Resource: ROLE },
      onlySky(`arn:aws:iam::${ACCOUNT}:role/*`),
    ]);
  });

  it('an Allow action the Deny does not name keeps the Allow resource', async () => {
    const report = await audit({ ...pass, Action: [...pass.Action, 'iam:ListRoles'] }, onlySky(ROLE));
    expect(beyond(report).map((f) => [f.kind, f.actions, f.resources, f.approximate])).toEqual([
      ['excess-action', ['iam:ListRoles'], ['*'], undefined],
    ]);
    const minimal = report.suggestions[0]!.minimal as { Statement: Record<string, unknown>[] };
    expect(minimal.Statement).toEqual([{ ...pass, Resource: ROLE }, onlySky(ROLE)]);
  });

  it('under a condition: the grant on * stays, approximate', async () => {
    const report = await audit(
      pass,
      onlySky(ROLE, { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }),
    );
    expect(beyond(report).map((f) => [f.kind, f.resources, f.approximate])).toEqual([
      ['broader-resource', ['*'], 'Deny statement OnlySky also denies this only under its condition'],
    ]);
  });

  it('a NotResource whose intersection with the Allow is no one pattern: approximate, as before', async () => {
    const report = await audit(
      { ...pass, Resource: `arn:aws:iam::${ACCOUNT}:role/sky*` },
      onlySky(`arn:aws:iam::${ACCOUNT}:role/*-v1`),
    );
    expect(beyond(report).map((f) => [f.kind, f.resources, f.approximate])).toEqual([
      [
        'broader-resource',
        [`arn:aws:iam::${ACCOUNT}:role/sky*`],
        'Deny statement OnlySky also denies this except on its NotResource',
      ],
    ]);
  });
});

// A review: a conditional Deny of another bucket (or one whose NotResource holds the grant's
// resource) cannot reach the grant, yet made its exact finding "approximate: the Deny also denies
// this only under its condition".
describe('a conditional Deny that does not reach the grant', () => {
  const put = { Effect: 'Allow', Action: 'iam:CreateUser', Resource: `arn:aws:iam::${ACCOUNT}:user/data/*` };
  const secure = { Bool: { 'aws:SecureTransport': 'false' } };
  it.each([
    [
      'on other resources',
      {
        Effect: 'Deny',
        Action: 'iam:CreateUser',
        Resource: `arn:aws:iam::${ACCOUNT}:user/other/*`,
        Condition: secure,
      },
    ],
    [
      'whose NotResource holds the grant',
      {
        Effect: 'Deny',
        Action: 'iam:CreateUser',
        NotResource: `arn:aws:iam::${ACCOUNT}:user/data/*`,
        Condition: secure,
      },
    ],
  ])('%s leaves the finding exact', async (_what, deny) => {
    const f = beyond(await audit(put, deny));
    expect(f.map((x) => [x.kind, x.actions, x.approximate])).toEqual([
      ['excess-action', ['iam:CreateUser'], undefined],
    ]);
  });

  it('one that reaches it still marks the finding approximate', async () => {
    const deny = { Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*', Condition: secure };
    const f = beyond(await audit(put, deny));
    expect(f.map((x) => [x.kind, x.approximate])).toEqual([
      ['excess-action', 'the Deny statement #1 also denies this only under its condition'],
    ]);
  });
});
