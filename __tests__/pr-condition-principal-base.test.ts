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

  it('a numeric or date bound made stricter is not new; one made looser is', async () => {
    const until = (d: string) => ({ DateLessThan: { 'aws:CurrentTime': d } });
    const maxAge = (n: string) => ({ NumericLessThan: { 'aws:MultiFactorAuthAge': n } });
    for (const [base, head] of [
      [passRole(until('2027-01-01T00:00:00Z')), passRole(until('2026-12-31'))],
      [passRole(maxAge('3600')), passRole(maxAge('900'))],
    ]) {
      const r = await pr(policy(OK, base), policy(OK, head), reference);
      expect(excess(r).some((f) => f.statement === 'X')).toBe(true);
      expect(newOnes(r)).toEqual([]);
    }
    for (const [base, head] of [
      [passRole(until('2026-12-31')), passRole(until('2027-01-01T00:00:00Z'))],
      [passRole(maxAge('900')), passRole(maxAge('3600'))],
    ]) {
      const r = await pr(policy(OK, base), policy(OK, head), reference);
      expect(newOnes(r)).toEqual(['X iam:PassRole']);
    }
  });

  it("a condition edit does not make a finding about the statement's text new (an unknown action)", async () => {
    const typo = (condition: unknown) => ({
      Sid: 'T',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstancez'],
      Resource: '*',
      Condition: condition,
    });
    const r = await pr(
      policy(OK, typo({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } })),
      policy(OK, typo({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } })),
      reference,
    );
    expect(r.findings.filter((f) => f.kind === 'unknown-action').map((f) => f.new)).toEqual([false]);
  });

  it('a grant narrowed by a condition added is not said to be removed (it is still there)', async () => {
    const r = await pr(
      policy(OK, passRole()),
      policy(OK, passRole({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } })),
      reference,
    );
    expect(newOnes(r)).toEqual([]);
    expect(removed(r)).toEqual([]);
  });

  it('a NotResource grant under a stricter condition is not new', async () => {
    const notRes = (values: string[]) => ({
      Sid: 'N',
      Effect: 'Allow',
      Action: 's3:GetObject',
      NotResource: 'arn:aws:s3:::secret/*',
      Condition: { StringEquals: { 'aws:SourceVpc': values } },
    });
    const r = await pr(policy(OK, notRes(['vpc-1', 'vpc-2'])), policy(OK, notRes(['vpc-1'])), reference);
    expect(excess(r).some((f) => f.statement === 'N')).toBe(true);
    expect(newOnes(r)).toEqual([]);
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

    it('the same principals written another way, or fewer of them, are not new', async () => {
      const root = 'arn:aws:iam::111122223333:root';
      const role = 'arn:aws:iam::111122223333:role/reader';
      // [base, head, the same principals written another way (nothing removed), or fewer (the
      // base's wider grant is gone, as a narrowed resource's is)]
      const cases: [unknown, unknown, boolean][] = [
        ['*', { AWS: '*' }, true],
        [{ AWS: '*' }, '*', true],
        [{ AWS: '111122223333' }, { AWS: root }, true],
        [{ AWS: '*' }, { AWS: role }, false],
        [{ AWS: [root, role] }, { AWS: role }, false],
      ];
      for (const [base, head, same] of cases) {
        const r = await pr(policy(grant('A', base)), policy(grant('A', head)), reference, 'iam/bucket.json');
        expect(excess(r).length).toBeGreaterThan(0);
        expect(newOnes(r)).toEqual([]);
        if (same) expect(removed(r)).toEqual([]);
      }
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

describe.each([false, true])('pull request: a value not known at the base (reference %s)', (reference) => {
  // (a review: a bucket policy's principal `var.reader_arn`, read as `*` at the base, changed to a
  // literal "*": the grant to everyone was pre-existing)
  const tf = (identifiers: string) => `variable "reader_arn" { type = string }
resource "aws_s3_bucket" "b" { bucket = "bkt" }
data "aws_iam_policy_document" "d" {
  statement {
    sid       = "X"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::bkt/*"]
    principals {
      type        = "AWS"
      identifiers = [${identifiers}]
    }
  }
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.d.json
}
`;
  it('a literal `*` where the base had a variable is new, and the report says why', async () => {
    const r = await pr(tf('var.reader_arn'), tf('"*"'), reference, 'iam/main.tf');
    expect(excess(r).length).toBeGreaterThan(0);
    expect(excess(r).every((f) => f.new === true)).toBe(true);
    expect((r.notes ?? []).filter((n) => n.includes('values not known'))).toEqual([
      expect.stringMatching(
        /^iam\/main\.tf aws_s3_bucket_policy\.p was read at the base with values not known \(.*var\.reader_arn.*\), which this change makes known: .* its findings all count as new in this change$/,
      ),
    ]);
  });

  it('the same variable on both sides compares as before (nothing new)', async () => {
    const r = await pr(tf('var.reader_arn'), tf('var.reader_arn'), reference, 'iam/main.tf');
    expect(excess(r).length).toBeGreaterThan(0);
    expect(excess(r).every((f) => f.new === false)).toBe(true);
    expect((r.notes ?? []).filter((n) => n.includes('values not known'))).toEqual([]);
  });
});
