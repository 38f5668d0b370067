// missing-deny (src/audit/audit.ts missingDenies): a vendor's Deny statement is part of the
// baseline. A policy that grants what the Deny restricts, without Deny statements of its own that
// deny every request the vendor's does (its actions, on its resources, whenever its condition
// holds), is reported; one that keeps the Deny, does not grant those actions, or grants them only
// under a condition that rules the Deny's requests out, is not. What cannot be decided exactly is
// reported as approximate. Both engine paths; new against a base.
import { builtinBaselines, findBaseline } from '../src/baselines/load.js';
import type { Baseline, Finding } from '../src/core/types.js';
import { fixAndReaudit, repo, vendor as vendorPolicy } from './fix/helpers.js';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';
import { MAX_MESSAGE_SHOWN } from '../src/report/actions.js';

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

  it('weighs a Deny of its own on the same actions: one on another tag key falls short', () => {
    const other = { ...DENY, Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'x' } } };
    const found = denies(audit(doc(TAGS, DESCRIBE, other), { memo }));
    expect(found.map((f) => [f.statement, f.actions, f.approximate])).toEqual([
      ['Tags', ['ec2:CreateTags', 'ec2:DeleteTags'], undefined],
    ]);
    expect(found[0]!.message).toContain(
      "; this policy's Deny statement OnlyOurs denies them only under a narrower condition (StringNotEquals aws:ResourceTag/team): add that statement",
    );
    // One that exempts another owner too denies less; one under IfExists the same; one under no condition more.
    const exempts = { ...DENY, Condition: { StringNotEquals: { 'aws:ResourceTag/owner': ['vendor', 'x'] } } };
    expect(denies(audit(doc(TAGS, DESCRIBE, exempts), { memo })).map((f) => f.message)).toEqual([
      expect.stringContaining(
        'OnlyOurs denies them only under a narrower condition (StringNotEquals aws:ResourceTag/owner)',
      ),
    ]);
    const ifExists = {
      ...DENY,
      Condition: { StringNotEqualsIfExists: { 'aws:ResourceTag/owner': 'vendor' } },
    };
    expect(denies(audit(doc(TAGS, DESCRIBE, ifExists), { memo }))).toEqual([]);
    const always = { Sid: 'All', Effect: 'Deny', Action: 'ec2:*Tags', Resource: '*' };
    expect(denies(audit(doc(TAGS, DESCRIBE, always), { memo }))).toEqual([]);
  });

  it("takes a Deny's ec2:ResourceTag key for the baseline's aws:ResourceTag one on EC2 actions (the review: a false high)", () => {
    const ec2Key = { ...DENY, Condition: { StringNotEquals: { 'ec2:ResourceTag/owner': 'vendor' } } };
    expect(denies(audit(doc(TAGS, DESCRIBE, ec2Key), { memo }))).toEqual([]);
    // Another value of the same key still falls short, for certain.
    const otherValue = { ...DENY, Condition: { StringNotEquals: { 'ec2:ResourceTag/owner': 'x' } } };
    expect(denies(audit(doc(TAGS, DESCRIBE, otherValue), { memo })).map((f) => f.approximate)).toEqual([
      undefined,
    ]);
  });

  it('skips a grant whose condition rules out what the Deny denies, not one whose condition does not', () => {
    const ours = { ...TAGS, Condition: { StringEquals: { 'aws:ResourceTag/owner': 'vendor' } } };
    expect(denies(audit(doc(ours, DESCRIBE), { memo }))).toEqual([]);
    const region = { ...TAGS, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } };
    expect(denies(audit(doc(region, DESCRIBE), { memo })).map((f) => [f.actions, f.approximate])).toEqual([
      [['ec2:CreateTags', 'ec2:DeleteTags'], undefined],
    ]);
    // On the Deny's key, but not comparable exactly: reported, approximate.
    const like = { ...TAGS, Condition: { StringLike: { 'aws:ResourceTag/owner': 'v*' } } };
    const found = denies(audit(doc(like, DESCRIBE), { memo }));
    expect(found.map((f) => f.actions)).toEqual([['ec2:CreateTags', 'ec2:DeleteTags']]);
    expect(found[0]!.approximate).toContain(
      "whether the grant's condition keeps to what the baseline's Deny OnlyOurs allows",
    );
  });

  it('reports what a Deny of its own leaves undenied where it covers part of the resource, and approximates what it cannot tell', () => {
    const east = { ...DENY, Resource: 'arn:aws:ec2:us-east-1:*:instance/*' };
    const found = denies(audit(doc(TAGS, DESCRIBE, east), { memo }));
    expect(found.map((f) => [f.actions, f.resources, f.approximate])).toEqual([
      [['ec2:CreateTags', 'ec2:DeleteTags'], ['*'], undefined],
    ]);
    expect(found[0]!.message).toContain(
      "this policy's Deny statement OnlyOurs denies them only on arn:aws:ec2:us-east-1:*:instance/*",
    );
    // A grant only where the narrower Deny applies: nothing left undenied.
    const inEast = { ...TAGS, Resource: 'arn:aws:ec2:us-east-1:*:instance/i-1' };
    expect(denies(audit(doc(inEast, DESCRIBE, east), { memo }))).toEqual([]);
    // Two Deny statements that each cover part: approximate (together they may cover it all).
    const west = { ...east, Sid: 'West', Resource: 'arn:aws:ec2:us-west-2:*:instance/*' };
    const parts = denies(audit(doc(TAGS, DESCRIBE, east, west), { memo }));
    expect(parts.map((f) => f.approximate)).toEqual([
      'this tool cannot tell whether the Deny statements OnlyOurs, West together cover arn:aws:ec2:*:*:instance/*',
    ]);
    // A policy variable in the Deny's resource, a NotResource Deny, a condition not comparable.
    const variable = { ...DENY, Resource: 'arn:aws:ec2:*:*:instance/${aws:userid}' };
    const notResource = {
      Sid: 'OnlyOurs',
      Effect: 'Deny',
      Action: DENY!.Action,
      NotResource: 'arn:aws:ec2:*:*:instance/i-*',
      Condition: DENY!.Condition,
    };
    // (an operator the comparison cannot pair with the baseline's StringNotEquals; a StringNotLike
    // without wildcards is compared as StringNotEquals)
    const notLike = {
      ...DENY,
      Condition: { StringNotEqualsIgnoreCase: { 'aws:ResourceTag/owner': 'vendor' } },
    };
    for (const [d, why] of [
      [variable, 'a policy variable'],
      [notResource, 'NotResource'],
      [notLike, 'not compared exactly'],
    ] as const) {
      const approx = denies(audit(doc(TAGS, DESCRIBE, d), { memo }));
      expect(approx.map((f) => f.actions)).toEqual([['ec2:CreateTags', 'ec2:DeleteTags']]);
      expect(approx[0]!.approximate).toContain(why);
      expect(approx[0]!.severity).toBe('high');
    }
    // The same test written with StringNotLike and no wildcard: exactly the baseline's Deny.
    const plainNotLike = { ...DENY, Condition: { StringNotLike: { 'aws:ResourceTag/owner': 'vendor' } } };
    expect(denies(audit(doc(TAGS, DESCRIBE, plainNotLike), { memo }))).toEqual([]);
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

  // The reviewer's reproducers (F1a-F1f): the vendor's policy with its Deny weakened. Each lets
  // someone tag another cloud's instance (checked with @cloud-copilot/iam-simulate).
  const DENY_SID = 'DenyTaggingOnOtherInstances';
  const vendorDeny = published.Statement.find((s) => s.Sid === DENY_SID)!;
  const withDeny = (deny: Record<string, unknown> | undefined, tags?: Record<string, unknown>) => ({
    ...published,
    Statement: published.Statement.flatMap((s) =>
      s.Sid === DENY_SID ? (deny ? [deny] : []) : s.Sid === 'InstanceTagMangement' && tags ? [tags] : [s],
    ),
  });
  const condition = vendorDeny.Condition as Record<string, Record<string, unknown>>;
  const cases: [string, unknown, string[], string][] = [
    [
      'F1a: the Deny covers only ec2:CreateTags',
      withDeny({ ...vendorDeny, Action: ['ec2:CreateTags'] }),
      ['ec2:DeleteTags'],
      'this policy has no Deny of them',
    ],
    [
      'F1b: an unrelated Deny of ec2:CreateTags on VPCs',
      withDeny({
        Sid: 'Unrelated',
        Effect: 'Deny',
        Action: ['ec2:CreateTags'],
        Resource: ['arn:aws:ec2:*:*:vpc/*'],
      }),
      ['ec2:CreateTags', 'ec2:DeleteTags'],
      "this policy's Deny statement Unrelated denies them only on arn:aws:ec2:*:*:vpc/*",
    ],
    [
      'F1c: the condition flipped to StringEquals',
      withDeny({
        ...vendorDeny,
        Condition: { StringEquals: { 'aws:ResourceTag/anyscale-cloud-id': 'nothing' } },
      }),
      ['ec2:CreateTags', 'ec2:DeleteTags'],
      "this policy's Deny statement DenyTaggingOnOtherInstances denies them only under a narrower condition (StringEquals aws:ResourceTag/anyscale-cloud-id)",
    ],
    [
      'F1d: no Deny, the tag Allow under an unrelated condition',
      withDeny(undefined, {
        ...published.Statement.find((s) => s.Sid === 'InstanceTagMangement')!,
        Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
      }),
      ['ec2:CreateTags', 'ec2:DeleteTags'],
      'this policy has no Deny of them',
    ],
    [
      'F1e: an extra key in the Deny condition',
      withDeny({
        ...vendorDeny,
        Condition: {
          StringNotEquals: { ...condition.StringNotEquals, 'aws:RequestedRegion': ['us-east-1'] },
        },
      }),
      ['ec2:CreateTags', 'ec2:DeleteTags'],
      'denies them only under a narrower condition (StringNotEquals aws:RequestedRegion)',
    ],
    [
      'F1f: the Deny narrowed to one region',
      withDeny({ ...vendorDeny, Resource: ['arn:aws:ec2:us-east-1:*:instance/*'] }),
      ['ec2:CreateTags', 'ec2:DeleteTags'],
      'DenyTaggingOnOtherInstances denies them only on arn:aws:ec2:us-east-1:*:instance/*',
    ],
  ];
  it.each(cases)('%s: a high missing-deny naming the actions left undenied', (_, policy, actions, why) => {
    for (const memo of [true, false]) {
      const found = audit(policy, { against: anyscale, sets: ['steady-state-cloud-id'], memo }).filter(
        (f) => f.kind === 'missing-deny',
      );
      expect(found.flatMap((f) => f.actions).sort()).toEqual(actions);
      for (const f of found) {
        expect([f.statement, f.severity, f.approximate, f.resources]).toEqual([
          'InstanceTagMangement',
          'high',
          undefined,
          ['*'],
        ]);
        expect(f.message).toContain(`without the Deny statement ${DENY_SID} of the Anyscale baseline's set`);
        // (whole in the text and Markdown reports, which cut a longer message)
        expect(f.message.length).toBeLessThanOrEqual(MAX_MESSAGE_SHOWN);
      }
      expect(found.map((f) => f.message).join('\n')).toContain(why);
    }
  });

  it('the vendor’s own Deny with its condition keys in another order or case still counts', () => {
    const sets = ['steady-state-cloud-id'];
    const swapped = withDeny({
      ...vendorDeny,
      Condition: {
        StringNotEquals: {
          'ec2:CreateAction': ['StartInstances', 'RunInstances'],
          'aws:resourcetag/anyscale-cloud-id': '${anyscale_cloud_id}',
        },
      },
    });
    expect(denies(audit(swapped, { against: anyscale, sets }))).toEqual([]);
  });

  it('the client’s restricted policy (steady-state-restricted) keeps its Deny: no finding', () => {
    const client = vendorPolicy('anyscale-client-ec2-restricted.json');
    expect(denies(audit(client, { against: anyscale, sets: ['steady-state-restricted'] }))).toEqual([]);
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
