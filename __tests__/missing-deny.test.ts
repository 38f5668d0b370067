// missing-deny (src/audit/audit.ts missingDenies): a vendor's Deny statement is part of the
// baseline. A policy that grants what the Deny restricts, without any Deny of those actions, is
// reported; one that keeps the Deny, does not grant those actions, or has a Deny of its own on them,
// is not (the last is not weighed: never a false alarm). Both engine paths; new against a base.
import { builtinBaselines, findBaseline } from '../src/baselines/load.js';
import type { Baseline, Finding } from '../src/core/types.js';
import { fixAndReaudit, repo, vendor as vendorPolicy } from './fix/helpers.js';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const vendor = oneSetBaseline([
  { Sid: 'Tags', Effect: 'Allow', Action: ['ec2:CreateTags', 'ec2:DeleteTags'], Resource: '*' },
  { Sid: 'Describe', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
  {
    Sid: 'OnlyOurs',
    Effect: 'Deny',
    Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
    Resource: 'arn:aws:ec2:*:*:instance/*',
    Condition: { StringNotEquals: { 'aws:ResourceTag/owner': 'vendor' } },
  },
]);
const [TAGS, DESCRIBE, DENY] = vendor.sets[0]!.statements as Record<string, unknown>[];

function audit(
  document: unknown,
  options: { memo?: boolean; before?: unknown; against?: Baseline; sets?: string[] } = {},
): Finding[] {
  const record = options.before !== undefined ? { before: options.before, change: 'update' as const } : {};
  return auditDocument(document, options.against ?? vendor, {
    memo: options.memo,
    sets: options.sets,
    record,
  }).findings;
}

const denies = (fs: Finding[]) => fs.filter((f) => f.kind === 'missing-deny');

describe.each([true, false])('missing-deny (memo path: %s)', (memo) => {
  it('is reported when the Deny is dropped and its actions are granted', () => {
    const found = denies(audit(doc(TAGS, DESCRIBE), { memo }));
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.actions).toEqual(['ec2:CreateTags', 'ec2:DeleteTags']);
    expect(f.statement).toBe('Tags');
    expect(f.resources).toEqual(['*']);
    expect(f.set).toBe('ongoing');
    expect(f.severity).toBe('high');
    expect(f.new).toBeUndefined();
    expect(f.message).toContain(
      'without the Deny statement OnlyOurs of the Vendor baseline\'s set "ongoing"',
    );
    expect(f.message).toContain(
      'it denies them on arn:aws:ec2:*:*:instance/* when StringNotEquals aws:ResourceTag/owner = vendor',
    );
  });

  it('is not reported when the policy keeps the Deny', () => {
    expect(audit(doc(TAGS, DESCRIBE, DENY), { memo })).toEqual([]);
  });

  it('is not reported when the policy grants none of the denied actions where the Deny applies', () => {
    expect(denies(audit(doc(DESCRIBE), { memo }))).toEqual([]);
    // Tagging granted on volumes only: the Deny is about instances.
    const volumes = { ...TAGS, Resource: 'arn:aws:ec2:*:*:volume/*' };
    expect(denies(audit(doc(volumes, DESCRIBE), { memo }))).toEqual([]);
  });

  it('reports only the actions granted on resources the Deny reaches', () => {
    const one = {
      Sid: 'One',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: 'arn:aws:ec2:us-east-1:*:instance/i-1',
    };
    const found = denies(audit(doc(one, DESCRIBE), { memo }));
    expect(found.map((f) => [f.actions, f.resources])).toEqual([
      [['ec2:CreateTags'], ['arn:aws:ec2:us-east-1:*:instance/i-1']],
    ]);
  });

  it('does not weigh a Deny of its own on the same actions, nor a conditional grant (never a false alarm)', () => {
    const narrower = { ...DENY, Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'x' } } };
    expect(denies(audit(doc(TAGS, DESCRIBE, narrower), { memo }))).toEqual([]);
    const conditional = { ...TAGS, Condition: { StringEquals: { 'aws:ResourceTag/owner': 'vendor' } } };
    expect(denies(audit(doc(conditional, DESCRIBE), { memo }))).toEqual([]);
  });

  it('counts a NotAction grant that reaches the denied actions', () => {
    const notAction = { Sid: 'Most', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' };
    const found = denies(audit(doc(notAction), { memo }));
    expect(found.map((f) => [f.statement, f.actions])).toEqual([
      ['Most', ['ec2:CreateTags', 'ec2:DeleteTags']],
    ]);
  });

  it('is new when the base kept the Deny, and not new when the base lacked it too', () => {
    const head = doc(TAGS, DESCRIBE);
    expect(denies(audit(head, { memo, before: doc(TAGS, DESCRIBE, DENY) })).map((f) => f.new)).toEqual([
      true,
    ]);
    expect(denies(audit(head, { memo, before: doc(TAGS, DESCRIBE) })).map((f) => f.new)).toEqual([false]);
    expect(denies(audit(head, { memo, before: null })).map((f) => f.new)).toEqual([true]);
  });
});

describe('missing-deny with the vendor library', () => {
  // Anyscale's Terraform module restricted to one cloud (fixtures/baselines/README.md): its
  // steady state denies tagging instances of other clouds.
  const published = vendorPolicy('anyscale-tf-steady-state-cloud-id-restricted.json');
  const anyscale = findBaseline('anyscale', builtinBaselines())!;

  it('the vendor’s own policy has no finding; without its Deny, one', () => {
    const sets = ['steady-state-cloud-id'];
    expect(audit(published, { against: anyscale, sets })).toEqual([]);
    const dropped = { ...published, Statement: published.Statement.filter((s) => s.Effect !== 'Deny') };
    const found = audit(dropped, { against: anyscale, sets });
    expect(found.map((f) => [f.kind, f.statement, f.actions])).toEqual([
      ['missing-deny', 'InstanceTagMangement', ['ec2:CreateTags', 'ec2:DeleteTags']],
    ]);
    expect(found[0]!.message).toContain('DenyTaggingOnOtherInstances');
    expect(found[0]!.message).toContain('aws:ResourceTag/anyscale-cloud-id = your value');
  });
});

describe('fix and missing-deny', () => {
  it('says the Deny is added by hand, and still removes the excess', async () => {
    const doc0 = vendorPolicy('anyscale-tf-steady-state-cloud-id-restricted.json');
    const Statement = [
      ...doc0.Statement.filter((s) => s.Effect !== 'Deny'),
      { Sid: 'Extra', Effect: 'Allow', Action: 'account:CloseAccount', Resource: '*' },
    ];
    const root = repo({ 'anyscale.json': JSON.stringify({ ...doc0, Statement }, null, 2) + '\n' });
    const { before, plan, after } = await fixAndReaudit(root, 'anyscale:steady-state-cloud-id');
    expect(before.findings.map((f) => f.kind).sort()).toEqual(['excess-action', 'missing-deny']);
    expect(plan.files.map((f) => f.path)).toEqual(['anyscale.json']);
    expect(plan.notFixed).toEqual([
      {
        policy: 'anyscale.json',
        path: 'anyscale.json',
        reason:
          "it lacks a Deny statement of its baseline's set \"steady-state-cloud-id\" (missing-deny): fix does not add statements; add the vendor's Deny as the report's finding names it",
      },
    ]);
    expect(after.findings.map((f) => f.kind)).toEqual(['missing-deny']);
  });
});
