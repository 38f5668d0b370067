// New and removed findings compare what each side grants, not how each side's finding is filed.
// A review drove the action against Coiled's ongoing policy:
// - a statement whose Resource the change narrowed (`*` to `arn:aws:s3:::acme-artifacts/*`) was a
//   new finding that failed `fail-on: new`: on `*` the grant was a broader-resource finding of the
//   persistent-data feature, on the bucket a leftover-set finding of package-sync (whose bucket
//   placeholder matches any bucket), and base and head were only compared within one kind and set;
// - the base was audited with the head's sets (its features in use), so a change that deleted the
//   OptionalECR statement listed "removed" a leftover-set finding the base never had;
// - a vendor permission the change takes away pointed at the policy's line 1, not at the statement
//   that granted it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { pullRequest } from './helpers/pr.js';
import type { Finding, Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06T00:00:00Z');
const FIX = new URL('./fixtures/', import.meta.url).pathname;

interface Stmt {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}
const ongoing = (): { Version: string; Statement: Stmt[] } =>
  JSON.parse(readFileSync(join(FIX, 'baselines/coiled-ongoing-policy.json'), 'utf8')) as {
    Version: string;
    Statement: Stmt[];
  };
/** Coiled's ongoing policy with `extra` statements, then changed by `edit`, as a file's text. */
const policy = (extra: Stmt[], edit?: (statements: Stmt[]) => Stmt[]): string => {
  const d = ongoing();
  d.Statement.push(...structuredClone(extra));
  if (edit) d.Statement = edit(d.Statement);
  return JSON.stringify(d, null, 2);
};
const S3_ALL: Stmt = { Sid: 'Debug', Effect: 'Allow', Action: 's3:*', Resource: '*' };
const artifacts = (resource: string, condition?: unknown): Stmt => ({
  Sid: 'Artifacts',
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

/** A pull request: the head's files written, the base's read through `readBase`. */
async function pr(
  base: Record<string, string>,
  head: Record<string, string>,
  reference: boolean,
): Promise<Report> {
  const { root, readBase } = pullRequest('pr-grants-', base, head);
  return runAudit({
    root,
    paths: ['.'],
    accountId: '123456789012',
    baseline: 'coiled:ongoing',
    readBase,
    now: NOW,
    ...(reference ? { reference: true } : {}),
  });
}

const fresh = (r: Report) => r.findings.filter((f) => f.new === true && f.kind !== 'missing-permission');
const removed = (r: Report) => r.findings.filter((f) => f.removed);
const brief = (fs: Finding[]) =>
  fs.map((f) => `${f.kind} ${f.statement ?? ''} ${[...f.actions].sort().join(',')}`);
/** The same pull request audited without a base: what the base's own audit finds. */
const alone = async (text: string, reference: boolean) =>
  (await pr({}, { 'infra/c.json': text }, reference)).findings.filter((f) => f.kind !== 'missing-permission');

describe.each([
  ['shared statement outcomes', false],
  ['the reference path', true],
])('base and head compared by what they grant (%s)', (_, reference) => {
  test('a resource narrowed from * to a bucket is not new, whatever kind each side files it under', async () => {
    const r = await pr(
      { 'infra/c.json': policy([artifacts('*')]) },
      { 'infra/c.json': policy([artifacts('arn:aws:s3:::acme-artifacts/*')]) },
      reference,
    );
    expect(brief(fresh(r))).toEqual([]);
    // (the head's finding on the bucket is still there, pre-existing: the base granted it)
    const artifactsNow = r.findings.filter((f) => f.statement === 'Artifacts' && !f.removed);
    expect(artifactsNow.length).toBeGreaterThan(0);
    for (const f of artifactsNow) expect(f.new).toBe(false);
  });

  test('s3:* narrowed from * to a bucket adds nothing', async () => {
    const r = await pr(
      { 'infra/c.json': policy([S3_ALL]) },
      { 'infra/c.json': policy([{ ...S3_ALL, Resource: 'arn:aws:s3:::my-bucket/*' }]) },
      reference,
    );
    expect(brief(fresh(r))).toEqual([]);
  });

  test('a resource widened from a bucket to * is new', async () => {
    const r = await pr(
      { 'infra/c.json': policy([artifacts('arn:aws:s3:::acme-artifacts/*')]) },
      { 'infra/c.json': policy([artifacts('*')]) },
      reference,
    );
    expect(brief(fresh(r))).toEqual(['broader-resource Artifacts s3:GetObject,s3:PutObject']);
  });

  test('a grant moved to another bucket is new', async () => {
    const r = await pr(
      { 'infra/c.json': policy([artifacts('arn:aws:s3:::acme-artifacts/*')]) },
      { 'infra/c.json': policy([artifacts('arn:aws:s3:::other-bucket/*')]) },
      reference,
    );
    expect(brief(fresh(r))).toEqual(['leftover-set Artifacts s3:GetObject,s3:PutObject']);
  });

  test('a narrowed resource that drops the condition the base granted it under is new', async () => {
    const vpc = { StringEquals: { 'aws:SourceVpc': 'vpc-1' } };
    const r = await pr(
      { 'infra/c.json': policy([artifacts('*', vpc)]) },
      { 'infra/c.json': policy([artifacts('arn:aws:s3:::acme-artifacts/*')]) },
      reference,
    );
    expect(brief(fresh(r))).toEqual(['leftover-set Artifacts s3:GetObject,s3:PutObject']);
  });

  test('a grant another statement of the base made on a containing resource is not new', async () => {
    // (the base's s3:* on * is a finding of other kinds than the head's new statement's)
    const r = await pr(
      { 'infra/c.json': policy([S3_ALL]) },
      { 'infra/c.json': policy([S3_ALL, artifacts('arn:aws:s3:::acme-artifacts/*')]) },
      reference,
    );
    expect(brief(fresh(r))).toEqual([]);
  });

  test('a statement deleted from an exact copy of the policy removes no finding (the base had none)', async () => {
    const r = await pr(
      { 'infra/c.json': policy([]) },
      { 'infra/c.json': policy([], (st) => st.filter((s) => s.Sid !== 'OptionalECR')) },
      reference,
    );
    expect(await alone(policy([]), reference)).toEqual([]);
    expect(brief(removed(r))).toEqual([]);
    expect(brief(fresh(r))).toEqual([]);
  });

  test("what is removed is the base's own findings, as its own audit files them", async () => {
    const baseText = policy([S3_ALL]);
    const r = await pr(
      { 'infra/c.json': baseText },
      {
        'infra/c.json': policy([], (st) => st.slice(0, 5)),
        'infra/c-part2.json': policy([S3_ALL], (st) => st.slice(5)),
      },
      reference,
    );
    const own = await alone(baseText, reference);
    expect(own).toHaveLength(3);
    expect(brief(removed(r)).sort()).toEqual(brief(own).sort());
    for (const f of removed(r)) expect(f.message).toMatch(/^Removed: /);
  });

  test('the features a change stops using re-label no finding: none new, none removed', async () => {
    const r = await pr(
      { 'infra/c.json': policy([S3_ALL]) },
      {
        'infra/c.json': policy([S3_ALL], (st) => st.filter((s) => !s.Sid.startsWith('OngoingPersistent'))),
      },
      reference,
    );
    expect(brief(fresh(r))).toEqual([]);
    expect(brief(removed(r))).toEqual([]);
  });

  test('a vendor permission the change takes away points at the statement that granted it', async () => {
    const head = policy([], (st) => {
      st[0]!.Action = (st[0]!.Action as string[]).filter((a) => a !== 'ec2:RunInstances');
      return st;
    });
    const r = await pr({ 'infra/c.json': policy([]) }, { 'infra/c.json': head }, reference);
    const taken = r.findings.filter((f) => f.kind === 'missing-permission' && f.new === true);
    expect(taken.map((f) => f.actions)).toEqual([['ec2:RunInstances']]);
    // (the Ongoing statement: its `{` is on the line before its Sid)
    const sidLine = head.split('\n').findIndex((l) => l.includes('"Sid": "Ongoing"')) + 1;
    expect(taken[0]!.line).toBe(sidLine - 1);
  });
});
