// A resource policy of a known type grants only its resource's services' actions (a bucket policy's
// `Action: "*"` is S3 actions): the engine intersects each statement's actions with that scope, on
// both paths, and the statement memo keeps the outcome of a scoped statement apart from the same
// statement in an identity policy.
import { Auditor, preparePolicies, type AuditOutcome, type AuditPlan } from '../src/audit/audit.js';
import { findingPart } from '../src/audit/findings.js';
import { ActionSet } from '../src/policy/action-set.js';
import { loadCatalog } from '../src/policy/catalog.js';
import { parsePolicyDocument } from '../src/policy/document.js';
import { GrantBuilder } from '../src/policy/grants.js';
import { GrantSets } from '../src/policy/grant-sets.js';
import type { Baseline, Finding, PolicyRecord } from '../src/core/types.js';
import { doc } from './helpers/one-policy.js';

const baseline: Baseline = {
  id: 'vendor',
  name: 'Vendor',
  date: '2026-01-01',
  defaultSets: ['ongoing'],
  sets: [
    {
      name: 'ongoing',
      kind: 'ongoing',
      statements: [
        { Effect: 'Allow', Action: ['ec2:DescribeInstances'], Resource: '*' },
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::vendor-data/*' },
      ],
    },
    {
      name: 'guard',
      kind: 'ongoing',
      statements: [
        { Effect: 'Allow', Action: ['ec2:TerminateInstances'], Resource: '*' },
        { Effect: 'Deny', Action: ['ec2:TerminateInstances'], Resource: 'arn:aws:ec2:*:*:instance/prod-*' },
      ],
    },
  ],
};

const statements = [
  { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' },
  {
    Sid: 'Named',
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 'ec2:RunInstances', 'iam:PassRole'],
    Resource: '*',
  },
  { Sid: 'Others', Effect: 'Allow', NotAction: ['s3:*'], Resource: '*' },
];

const identity = (id = 'identity'): PolicyRecord => ({
  id,
  path: `${id}.json`,
  kind: 'identity',
  status: 'resolved',
  document: doc(...statements),
  line: 1,
});

const bucketPolicy = (id = 'bucket'): PolicyRecord => ({
  id,
  path: `${id}.json`,
  address: 'aws_s3_bucket_policy.b',
  kind: 'resource',
  grantScope: { resourceType: 'aws_s3_bucket_policy', services: ['s3'] },
  status: 'resolved',
  document: doc(...statements.map((s) => ({ ...s, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }))),
  line: 1,
});

function audit(records: PolicyRecord[], memo: boolean, sets = ['ongoing']): AuditOutcome {
  const prepared = preparePolicies([
    { result: { path: 'x', kind: 'policy', status: 'audited', policies: records, errors: [] } },
  ]);
  const plan: AuditPlan = {
    assignments: records.map((r) => ({ target: r.id, baseline, sets, group: r.id })),
    notAudited: new Map(),
  };
  return new Auditor(undefined, undefined, { memo }).run(prepared, new Map(), plan);
}

const of = (o: AuditOutcome, id: string): Finding[] => o.findings.filter((f) => f.policy === id);
const services = (fs: Finding[]) =>
  [...new Set(fs.flatMap((f) => f.actions.map((a) => a.split(':')[0])))].sort();

describe('a resource policy of a known type is audited on its services only', () => {
  it.each([true, false])('a bucket policy grants only S3 actions (memo: %s)', (memo) => {
    const out = audit([bucketPolicy()], memo);
    const findings = of(out, 'bucket');
    expect(findings.length).toBeGreaterThan(0);
    expect(services(findings)).toEqual(['s3']);
    const all = findings.find((f) => f.statement === 'Everything' && f.kind === 'excess-action')!;
    const s3 = loadCatalog().actionsOf('s3').length;
    // Every S3 action but s3:GetObject (in the baseline, on narrower resources: broader-resource).
    expect(all.actions).toHaveLength(s3 - 1);
    // The message says why `*` counts S3 actions only.
    expect(all.message).toContain('(from *; aws_s3_bucket_policy can grant only s3 actions)');
    // A NotAction of s3:* in a bucket policy grants nothing at all.
    expect(findings.filter((f) => f.statement === 'Others')).toEqual([]);
    // The named list: no pattern to name, the note alone.
    const named = findings.find((f) => f.statement === 'Named' && f.kind === 'excess-action')!;
    expect(named.actions).toEqual(['s3:PutObject']);
    expect(named.message).toMatch(/^1 action \(aws_s3_bucket_policy can grant only s3 actions\) beyond/);
  });

  it.each([true, false])(
    'the same statements in an identity policy are audited as before (memo: %s)',
    (memo) => {
      const alone = audit([identity()], memo);
      const together = audit([bucketPolicy(), identity(), bucketPolicy('bucket2')], memo);
      const strip = (fs: Finding[]) => JSON.stringify(fs);
      expect(strip(of(together, 'identity'))).toBe(strip(of(alone, 'identity')));
      expect(services(of(alone, 'identity'))).toEqual(expect.arrayContaining(['ec2', 'iam', 's3']));
      expect(of(alone, 'identity').some((f) => f.message.includes('can grant only'))).toBe(false);
      // And the second bucket policy gets the first one's findings, not the identity policy's.
      const b1 = of(together, 'bucket').map((f) => ({ ...f, policy: '', path: '' }));
      const b2 = of(together, 'bucket2').map((f) => ({ ...f, policy: '', path: '' }));
      expect(b2).toEqual(b1);
      expect(services(of(together, 'bucket2'))).toEqual(['s3']);
    },
  );

  it('does not share a statement outcome between an identity policy and a bucket policy of the same text', () => {
    // The same statements, no Principal: only the scope tells the two outcomes apart.
    const bare = (id: string): PolicyRecord => ({ ...bucketPolicy(id), document: doc(...statements) });
    const alone = {
      identity: of(audit([identity()], true), 'identity'),
      bucket: of(audit([bare('bucket')], true), 'bucket'),
    };
    const strip = (fs: Finding[]) => JSON.stringify(fs.map((f) => ({ ...f, policy: '', path: '' })));
    for (const order of [
      [identity('a'), bare('b'), identity('c'), bare('d'), identity('e'), bare('f')],
      [bare('a'), identity('b'), bare('c'), identity('d'), bare('e'), identity('f')],
    ]) {
      const out = audit(order, true);
      for (const r of order) {
        const want = r.grantScope ? alone.bucket : alone.identity;
        expect(strip(of(out, r.id))).toBe(strip(want));
      }
    }
    expect(services(alone.bucket)).toEqual(['s3']);
  });

  it('the memo and the reference path give the same findings and suggestions', () => {
    const records = [identity(), bucketPolicy(), identity('identity2'), bucketPolicy('bucket2')];
    // (in the order the report sorts them: the two paths list a unit's findings in other orders)
    const same = (o: AuditOutcome) =>
      JSON.stringify({ ...o, findings: o.findings.map((f) => JSON.stringify(f)).sort() });
    expect(same(audit(records, true))).toBe(same(audit(records, false)));
  });

  it('is told of no missing permission or missing Deny outside its services', () => {
    for (const memo of [true, false]) {
      const out = audit([bucketPolicy()], memo, ['ongoing', 'guard']);
      const findings = of(out, 'bucket');
      expect(findings.filter((f) => f.kind === 'missing-deny')).toEqual([]);
      // ec2:DescribeInstances is the baseline's and no bucket policy can grant it: not reported here.
      expect(findings.filter((f) => f.kind === 'missing-permission')).toEqual([]);
      // The identity policy is told of the missing Deny.
      const id = of(audit([identity()], memo, ['ongoing', 'guard']), 'identity');
      expect(id.some((f) => f.kind === 'missing-deny')).toBe(true);
    }
  });

  it('keeps the note in the part of a finding an ignore rule splits off', () => {
    const all = of(audit([bucketPolicy()], true), 'bucket').find(
      (f) => f.statement === 'Everything' && f.kind === 'excess-action',
    )!;
    const part = findingPart(all, ['s3:DeleteBucket', 's3:PutBucketPolicy'], loadCatalog())!;
    expect(part.message).toBe(
      '2 actions (from *; aws_s3_bucket_policy can grant only s3 actions) beyond the Vendor baseline: s3:PutBucketPolicy, s3:DeleteBucket',
    );
    const named = of(audit([bucketPolicy()], true), 'bucket').find(
      (f) => f.statement === 'Named' && f.kind === 'excess-action',
    )!;
    expect(findingPart(named, ['s3:PutObject'], loadCatalog())!.message).toBe(named.message);
  });

  it('a resource policy of an unknown type is read as today', () => {
    const unknownType = { ...bucketPolicy(), grantScope: undefined };
    const findings = of(audit([unknownType], true), 'bucket');
    expect(services(findings)).toEqual(expect.arrayContaining(['ec2', 'iam', 's3']));
  });
});

describe('GrantSets.classes with a scope', () => {
  it('intersects the statement (and a NotAction complement) with the scope', () => {
    const catalog = loadCatalog();
    const sets = new GrantSets(new GrantBuilder(catalog));
    const s3 = sets.serviceActions(['s3']);
    expect(s3.size).toBe(catalog.actionsOf('s3').length);
    expect(sets.serviceActions(['s3'])).toBe(s3);
    const d = parsePolicyDocument(
      doc(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Allow', NotAction: 's3:Get*', Resource: '*' },
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      ),
    ).doc!;
    const [all, not, ec2] = d.statements;
    const unscoped = sets.classes(all!, [])[0]!.actions;
    expect(unscoped.size).toBe(catalog.size);
    const scoped = sets.classes(all!, [], { scope: s3 });
    expect(scoped).toHaveLength(1);
    expect(scoped[0]!.actions.size).toBe(s3.size);
    const notGet = sets.classes(not!, [], { scope: s3 })[0]!.actions;
    expect(notGet.actions().every((a) => a.service === 's3' && !a.name.startsWith('Get'))).toBe(true);
    expect(notGet.size).toBe(s3.size - ActionSet.fromActions(catalog.expand('s3:Get*')).size);
    expect(sets.classes(ec2!, [], { scope: s3 })).toEqual([]);
    // The statement's own set is unchanged (shared with unscoped policies).
    expect(sets.statementSet(all!).actions.size).toBe(catalog.size);
  });
});
