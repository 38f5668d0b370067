// In a pull request, whom and under what a statement grants is part of what is compared with the
// base (a review): a grant the base made only under a condition, or only to one principal, does
// not make the same grant without the condition, under a weaker one, or to `*` or another account
// pre-existing (each passed `fail-on: new`). A change that narrows (a condition added or made
// stricter, a resource narrowed under the same condition) is not new, and a grant the head still
// makes more widely is not "removed".
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Finding, Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06T00:00:00Z');

const BASELINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Ongoing',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances', 'ec2:RunInstances', 'ec2:TerminateInstances'],
      Resource: '*',
    },
  ],
});
const CONFIG = `version: 1
audits:
  - baseline: baseline/b.json
    policies: ["iam/**"]
`;
const OK = {
  Sid: 'O',
  Effect: 'Allow',
  Action: ['ec2:DescribeInstances', 'ec2:RunInstances'],
  Resource: '*',
};
const PASSED_TO_EC2 = { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } };

const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

async function pr(base: string, head: string, reference: boolean, file = 'iam/p.json'): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'pr-scope-'));
  const files: Record<string, string> = {
    [file]: head,
    'baseline/b.json': BASELINE,
    '.github/iam-baseline-audit.yml': CONFIG,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const atBase: Record<string, string> = { ...files, [file]: base };
  return runAudit({ root, paths: ['iam'], readBase: async (p) => atBase[p], now: NOW, reference });
}

const excess = (r: Report) => r.findings.filter((f: Finding) => f.kind !== 'missing-permission');
const newOnes = (r: Report) =>
  excess(r)
    .filter((f) => f.new === true)
    .map((f) => `${f.statement} ${f.actions.join(',')}`);
const removed = (r: Report) => r.findings.filter((f) => f.removed).map((f) => f.actions.join(','));

describe.each([false, true])('pull request: a grant compared with its base (reference %s)', (reference) => {
  const passRole = (condition?: unknown, Resource: string = '*', Sid = 'X') => ({
    Sid,
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource,
    ...(condition === undefined ? {} : { Condition: condition }),
  });

  it('a condition dropped makes the grant new, and nothing is said to be removed', async () => {
    const r = await pr(policy(OK, passRole(PASSED_TO_EC2)), policy(OK, passRole()), reference);
    expect(newOnes(r)).toEqual(['X iam:PassRole']);
    expect(removed(r)).toEqual([]);
  });

  it('the same grant added without the condition, beside the conditional one, is new', async () => {
    const r = await pr(
      policy(OK, passRole(PASSED_TO_EC2)),
      policy(OK, passRole(PASSED_TO_EC2), passRole(undefined, '*', 'Added')),
      reference,
    );
    expect(newOnes(r)).toEqual(['Added iam:PassRole']);
  });

  it('a condition swapped for one that allows everything is new', async () => {
    const r = await pr(
      policy(OK, passRole(PASSED_TO_EC2)),
      policy(OK, passRole({ StringLike: { 'aws:RequestedRegion': '*' } })),
      reference,
    );
    expect(newOnes(r)).toEqual(['X iam:PassRole']);
  });

  it('narrowing is not new: a condition added, one made stricter, a resource narrowed under the same condition', async () => {
    const two = { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] } };
    for (const [base, head] of [
      [passRole(), passRole(PASSED_TO_EC2)],
      [passRole(two), passRole(PASSED_TO_EC2)],
      [passRole(PASSED_TO_EC2), passRole(PASSED_TO_EC2, 'arn:aws:iam::123456789012:role/app-*')],
      // (the same condition written with its keys in another case and its values in another order)
      [
        passRole(two),
        passRole({
          StringEquals: { 'IAM:PassedToService': [...two.StringEquals['iam:PassedToService']].reverse() },
        }),
      ],
    ]) {
      const r = await pr(policy(OK, base), policy(OK, head), reference);
      expect(excess(r).some((f) => f.statement === 'X')).toBe(true);
      expect(newOnes(r)).toEqual([]);
    }
  });

  it('a grant widened to `*` is new, and its narrower grant at the base is not said to be removed', async () => {
    const get = (Resource: string) => ({ Sid: 'G', Effect: 'Allow', Action: 's3:GetObject', Resource });
    const r = await pr(policy(OK, get('arn:aws:s3:::a/*')), policy(OK, get('*')), reference);
    expect(newOnes(r)).toEqual(['G s3:GetObject']);
    expect(removed(r)).toEqual([]);
  });

  describe('a resource policy', () => {
    const grant = (Sid: string, Principal: unknown, Resource = 'arn:aws:s3:::mybucket/*') => ({
      Sid,
      Effect: 'Allow',
      Principal,
      Action: 's3:GetObject',
      Resource,
    });
    const ACCOUNT = { AWS: 'arn:aws:iam::111122223333:root' };

    it('the same grant to everyone, or to another account, is new', async () => {
      const base = policy(grant('A', ACCOUNT));
      const toAll = await pr(
        base,
        policy(grant('A', ACCOUNT), grant('Public', '*')),
        reference,
        'iam/bucket.json',
      );
      expect(newOnes(toAll)).toEqual(['Public s3:GetObject']);
      const other = await pr(
        base,
        policy(grant('A', { AWS: 'arn:aws:iam::999988887777:root' })),
        reference,
        'iam/bucket.json',
      );
      expect(newOnes(other)).toEqual(['A s3:GetObject']);
    });

    it('the same principal, written in another order, on a narrower resource, is not new', async () => {
      const two = { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'] };
      const r = await pr(
        policy(grant('A', two)),
        policy(grant('A', { AWS: [...two.AWS].reverse() }, 'arn:aws:s3:::mybucket/sub/*')),
        reference,
        'iam/bucket.json',
      );
      expect(excess(r).length).toBeGreaterThan(0);
      expect(newOnes(r)).toEqual([]);
    });
  });
});
