import { Auditor, preparePolicies, type AuditPlan } from '../src/audit/audit.js';
import { coversForAction, coversResource, shownResource } from '../src/audit/engine.js';
import { actionCount } from '../src/audit/finding-set.js';
import { parseArnPattern } from '../src/policy/arn.js';
import { loadCatalog } from '../src/policy/catalog.js';
import type { Baseline, Finding, PolicyRecord } from '../src/core/types.js';

const baseline: Baseline = {
  id: 'vendor',
  name: 'Vendor',
  date: '2026-01-01',
  defaultSets: ['ongoing'],
  placeholders: { '<account-ID-without-hyphens>': 'the AWS account ID' },
  sets: [
    {
      name: 'setup',
      kind: 'setup',
      statements: [
        {
          Sid: 'Setup',
          Effect: 'Allow',
          Action: ['ec2:CreateVpc', 'ec2:CreateSubnet', 'iam:CreateRole'],
          Resource: '*',
        },
      ],
    },
    {
      name: 'ongoing',
      kind: 'ongoing',
      statements: [
        {
          Sid: 'Describe',
          Effect: 'Allow',
          Action: ['ec2:DescribeInstances', 'ec2:DescribeSubnets'],
          Resource: '*',
        },
        {
          Sid: 'Run',
          Effect: 'Allow',
          Action: 'ec2:RunInstances',
          Resource: [
            'arn:aws:ec2:*:<account-ID-without-hyphens>:instance/*',
            'arn:aws:ec2:*:<account-ID-without-hyphens>:subnet/*',
          ],
        },
        {
          Sid: 'Destroy',
          Effect: 'Allow',
          Action: 'ec2:TerminateInstances',
          Resource: '*',
          Condition: { StringEquals: { 'ec2:ResourceTag/owner': 'vendor' } },
        },
        { Sid: 'Pass', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/vendor-*' },
        {
          Sid: 'Data',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: 'arn:aws:s3:::vendor-data-*/*',
        },
      ],
    },
  ],
};

function policy(id: string, doc: unknown, extra: Partial<PolicyRecord> = {}): PolicyRecord {
  return { id, path: `${id}.json`, kind: 'identity', status: 'resolved', document: doc, line: 1, ...extra };
}

function audit(
  records: PolicyRecord[],
  sets = ['ongoing'],
  accountId?: string,
  options: { against?: Baseline; memo?: boolean } = {},
) {
  const prepared = preparePolicies([
    { result: { path: 'x', kind: 'policy', status: 'audited', policies: records, errors: [] } },
  ]);
  const plan: AuditPlan = {
    assignments: records.map((r) => ({ target: r.id, baseline: options.against ?? baseline, sets })),
    notAudited: new Map(),
  };
  return new Auditor(accountId, undefined, { memo: options.memo }).run(prepared, new Map(), plan);
}

const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const kinds = (fs: Finding[]) => fs.map((f) => f.kind).sort();

describe('audit engine', () => {
  it('finds nothing for a policy equal to the active set, and reports the inactive set as missing nothing', () => {
    const out = audit([policy('p', doc(...baseline.sets[1]!.statements))]);
    expect(out.findings).toEqual([]);
    expect(out.suggestions).toEqual([]);
  });

  it('reports Setup permissions still granted as leftover-set, the rest as excess', () => {
    const out = audit([
      policy(
        'p',
        doc(...baseline.sets[1]!.statements, {
          Sid: 'Old',
          Effect: 'Allow',
          Action: ['ec2:CreateVpc', 'iam:CreateRole', 'sqs:SendMessage'],
          Resource: '*',
        }),
      ),
    ]);
    const leftover = out.findings.find((f) => f.kind === 'leftover-set')!;
    expect(leftover.actions).toEqual(['ec2:CreateVpc', 'iam:CreateRole']);
    expect(leftover.set).toBe('setup');
    expect(leftover.statement).toBe('Old');
    expect(leftover.severity).toBe('critical'); // iam:CreateRole on *
    const excess = out.findings.find((f) => f.kind === 'excess-action')!;
    expect(excess.actions).toEqual(['sqs:SendMessage']);
    expect(kinds(out.findings)).toEqual(['excess-action', 'leftover-set']);
  });

  it('groups a wildcard into one finding that still lists every action', () => {
    const out = audit([
      policy('p', doc(...baseline.sets[1]!.statements, { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })),
    ]);
    const excess = out.findings.filter((f) => f.kind === 'excess-action');
    expect(excess).toHaveLength(1);
    expect(excess[0]!.actions.length).toBeGreaterThan(500);
    expect(excess[0]!.actions).not.toContain('ec2:DescribeInstances');
    expect(excess[0]!.statement).toBe('#5');
    expect(excess[0]!.message).toMatch(/from ec2:\*/);
    // Setup actions inside ec2:* are leftovers, and RunInstances on * is broader than the baseline.
    expect(out.findings.find((f) => f.kind === 'leftover-set')!.actions).toEqual([
      'ec2:CreateSubnet',
      'ec2:CreateVpc',
    ]);
    expect(out.findings.find((f) => f.kind === 'broader-resource')!.actions).toEqual(['ec2:RunInstances']);
  });

  it('matches actions case-insensitively, as AWS does', () => {
    const out = audit([
      policy(
        'p',
        doc({ Effect: 'Allow', Action: ['EC2:describeinstances', 'iam:Passrole'], Resource: ['*'] }),
      ),
    ]);
    const broader = out.findings.filter((f) => f.kind === 'broader-resource');
    expect(broader.map((f) => f.actions)).toEqual([['iam:PassRole']]);
    expect(out.findings.some((f) => f.kind === 'excess-action')).toBe(false);
  });

  it('reports broader-resource when the policy grants on more than the baseline', () => {
    const out = audit(
      [
        policy(
          'p',
          doc({
            Sid: 'Run',
            Effect: 'Allow',
            Action: 'ec2:RunInstances',
            Resource: 'arn:aws:ec2:*:*:instance/*',
          }),
        ),
      ],
      ['ongoing'],
      '123456789012',
    );
    const f = out.findings.find((x) => x.kind === 'broader-resource')!;
    expect(f.resources).toEqual(['arn:aws:ec2:*:*:instance/*']);
    expect(f.message).toContain('arn:aws:ec2:*:<account-ID-without-hyphens>:instance/*');
    const ok = audit(
      [
        policy(
          'p',
          doc({
            Sid: 'Run',
            Effect: 'Allow',
            Action: 'ec2:RunInstances',
            Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
          }),
        ),
      ],
      ['ongoing'],
      '123456789012',
    );
    expect(ok.findings.filter((x) => x.kind !== 'missing-permission')).toEqual([]);
  });

  it('reports missing-condition when the baseline condition is dropped, and accepts a stricter one', () => {
    const without = audit([
      policy('p', doc({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*' })),
    ]);
    const f = without.findings.find((x) => x.kind === 'missing-condition')!;
    expect(f.actions).toEqual(['ec2:TerminateInstances']);
    expect(f.message).toContain('ec2:ResourceTag/owner');
    const withCond = audit([
      policy(
        'p',
        doc({
          Effect: 'Allow',
          Action: 'ec2:TerminateInstances',
          Resource: '*',
          Condition: {
            StringEquals: { 'ec2:resourcetag/owner': ['vendor'], 'aws:RequestedRegion': 'us-east-1' },
          },
        }),
      ),
    ]);
    expect(withCond.findings.filter((x) => x.kind === 'missing-condition')).toEqual([]);
    const other = audit([
      policy(
        'p',
        doc({
          Effect: 'Allow',
          Action: 'ec2:TerminateInstances',
          Resource: '*',
          Condition: { StringEqualsIgnoreCase: { 'ec2:ResourceTag/owner': 'vendor' } },
        }),
      ),
    ]);
    const approx = other.findings.find((x) => x.kind === 'missing-condition')!;
    expect(approx.approximate).toMatch(/cannot compare exactly/);
    // A StringLike pattern lets values through that the baseline's StringEquals does not: exact.
    const wider = audit([
      policy(
        'p',
        doc({
          Effect: 'Allow',
          Action: 'ec2:TerminateInstances',
          Resource: '*',
          Condition: { StringLike: { 'ec2:ResourceTag/owner': '*' } },
        }),
      ),
    ]);
    const exact = wider.findings.find((x) => x.kind === 'missing-condition')!;
    expect(exact.actions).toEqual(['ec2:TerminateInstances']);
    expect(exact.approximate).toBeUndefined();
  });

  it('subtracts Deny statements, and says so when a Deny only partly applies', () => {
    const denied = audit([
      policy(
        'p',
        doc(
          { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:DeleteQueue'], Resource: '*' },
          { Effect: 'Deny', Action: 'sqs:Delete*', Resource: '*' },
        ),
      ),
    ]);
    expect(denied.findings.find((f) => f.kind === 'excess-action')!.actions).toEqual(['sqs:SendMessage']);
    const partial = audit([
      policy(
        'p',
        doc(
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
          { Effect: 'Deny', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:*:prod-*' },
        ),
      ),
    ]);
    expect(partial.findings.find((f) => f.kind === 'excess-action')!.approximate).toMatch(/denies part/);
  });

  it('expands NotAction through the complement of the catalog', () => {
    const out = audit([
      policy('p', doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })),
    ]);
    const excess = out.findings.find((f) => f.kind === 'excess-action')!;
    expect(excess.actions.length).toBeGreaterThan(10000);
    expect(excess.actions.some((a) => a.startsWith('iam:'))).toBe(false);
    expect(excess.message).toMatch(/NotAction/);
  });

  it('treats NotResource as all-but and compares it as *', () => {
    const out = audit([
      policy('p', doc({ Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::*:role/admin' })),
    ]);
    const f = out.findings.find((x) => x.kind === 'broader-resource')!;
    expect(f.resources[0]).toMatch(/^NotResource/);
    expect(f.approximate).toMatch(/NotResource/);
  });

  it('ignores actions a resource pattern cannot apply to (s3:* on objects grants no bucket actions)', () => {
    const out = audit([
      policy('p', doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::vendor-data-1/*' })),
    ]);
    const excess = out.findings.find((f) => f.kind === 'excess-action')!;
    expect(excess.actions).toContain('s3:DeleteObject');
    expect(excess.actions).not.toContain('s3:CreateBucket');
    expect(excess.actions).not.toContain('s3:ListAllMyBuckets');
  });

  it('reports unknown actions and invalid statements without dropping the rest', () => {
    const out = audit([
      policy(
        'p',
        doc(
          { Effect: 'Allow', Action: ['ec2:DescribeInstancez', 's3:NoSuch*'], Resource: '*' },
          { Effect: 'Permit', Action: 'ec2:DescribeInstances', Resource: '*' },
          { Effect: 'Allow', Action: 'sqs:SendMessage' },
          { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
        ),
      ),
    ]);
    const unknown = out.findings.filter((f) => f.kind === 'unknown-action').map((f) => f.actions[0]);
    expect(unknown.sort()).toEqual(['ec2:DescribeInstancez', 's3:NoSuch*']);
    const invalid = out.findings.filter((f) => f.kind === 'invalid-policy').map((f) => f.message);
    expect(invalid.some((m) => m.includes('$.Statement[1].Effect'))).toBe(true);
    expect(invalid.some((m) => m.includes('neither Resource'))).toBe(true);
    expect(out.findings.find((f) => f.kind === 'excess-action')!.actions).toEqual(['sns:Publish']);
  });

  it.each([true, false])(
    'reports a Principal in an identity policy as invalid (AWS rejects it), and still judges its grants (memo %s)',
    (memo) => {
      const statements = [
        {
          Sid: 'Cross',
          Effect: 'Allow',
          Principal: { AWS: '111122223333' },
          Action: 'sns:Publish',
          Resource: '*',
        },
        { Sid: 'Not', Effect: 'Deny', NotPrincipal: { AWS: '111122223333' }, Action: 'sqs:*', Resource: '*' },
        { Sid: 'Plain', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
      ];
      const identity = audit([policy('p', doc(...statements))], ['ongoing'], undefined, { memo }).findings;
      const invalid = identity.filter((f) => f.kind === 'invalid-policy');
      expect(invalid.map((f) => [f.statement, f.message])).toEqual([
        [
          'Cross',
          'the statement names a Principal, which AWS rejects in an identity policy (a policy of a role, user or group applies to whoever holds it): it rejects the policy; remove the Principal',
        ],
        [
          'Not',
          'the statement names a NotPrincipal, which AWS rejects in an identity policy (a policy of a role, user or group applies to whoever holds it): it rejects the policy; remove the NotPrincipal',
        ],
      ]);
      expect(identity.find((f) => f.kind === 'excess-action')!.actions).toEqual(['sns:Publish']);
      // The same statements in a resource policy (a bucket's, a topic's) are what AWS expects there.
      const resource = audit(
        [policy('p', doc(...statements), { kind: 'resource' })],
        ['ongoing'],
        undefined,
        {
          memo,
        },
      ).findings;
      expect(resource.filter((f) => f.kind === 'invalid-policy').map((f) => f.statement)).toEqual(['Plain']);
    },
  );

  it.each([true, false])(
    'reports a Resource that is not an ARN as invalid in an identity policy (AWS rejects it) (memo %s)',
    (memo) => {
      const statements = [
        // A bucket's name where its ARN belongs (trussworks/terraform-aws-s3-anti-virus#21).
        {
          Sid: 'Name',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: ['arn:aws:sqs:*:*:q', 'my-bucket'],
        },
        // An empty value (terraform-aws-modules/terraform-aws-notify-slack#20).
        { Sid: 'Empty', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '' },
        { Sid: 'Not', Effect: 'Deny', Action: 'sqs:*', NotResource: 'queue' },
        // What CloudFormation's Ref of a bucket gives (the template reader's placeholder).
        { Sid: 'Ref', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '<name of Bucket>/*' },
        // Not judged: an ARN, a value that may stand for one (a Terraform value, a wildcard, a
        // policy variable), and ARN in upper case.
        {
          Sid: 'Fine',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: [
            'arn:aws:sqs:*:*:q',
            '<var.queue_arn>',
            '*/x',
            '${aws:username}',
            'ARN:AWS:sqs:*:*:q',
            '*',
          ],
        },
      ];
      const found = audit([policy('p', doc(...statements))], ['ongoing'], undefined, { memo }).findings;
      expect(found.filter((f) => f.kind === 'invalid-policy').map((f) => [f.statement, f.message])).toEqual([
        [
          'Name',
          'Resource "my-bucket" is not an ARN: AWS rejects the policy (a resource must be an ARN or *); write the resource ARN (for a bucket: arn:aws:s3:::my-bucket, not its name)',
        ],
        [
          'Empty',
          'Resource "" is not an ARN: AWS rejects the policy (a resource must be an ARN or *); write the resource ARN (for a bucket: arn:aws:s3:::my-bucket, not its name)',
        ],
        [
          'Not',
          'NotResource "queue" is not an ARN: AWS rejects the policy (a resource must be an ARN or *); write the resource ARN (for a bucket: arn:aws:s3:::my-bucket, not its name)',
        ],
        [
          'Ref',
          'Resource "<name of Bucket>/*" is not an ARN: AWS rejects the policy (a resource must be an ARN or *); a Ref of Bucket gives its name: use Fn::GetAtt Bucket.Arn (or the ARN built with Fn::Sub)',
        ],
      ]);
      // In a template or a module, text may be a variable's or a parameter's default ("",
      // REPLACE_ME), replaced when it is deployed: only CloudFormation's made names are judged.
      const inModule = audit(
        [policy('p', doc(...statements), { address: 'aws_iam_policy.p' })],
        ['ongoing'],
        undefined,
        {
          memo,
        },
      ).findings;
      expect(inModule.filter((f) => f.kind === 'invalid-policy').map((f) => f.statement)).toEqual(['Ref']);
      // A resource policy's own forms (API Gateway's "execute-api:/stage/GET/*") are not judged.
      const resource = audit(
        [policy('p', doc({ ...statements[0]!, Principal: '*' }), { kind: 'resource' })],
        ['ongoing'],
        undefined,
        { memo },
      ).findings;
      expect(resource.filter((f) => f.kind === 'invalid-policy')).toEqual([]);
    },
  );

  it.each([true, false])(
    "names a trust policy's statement given as an identity policy as that (memo %s)",
    (memo) => {
      const trust = {
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      };
      const found = audit([policy('p', doc(trust))], ['ongoing'], undefined, { memo }).findings;
      expect(found.filter((f) => f.kind === 'invalid-policy').map((f) => f.message)).toEqual([
        "the statement is a trust policy's (who may assume a role: a Principal, sts actions, no Resource), which AWS rejects in an identity policy: it rejects the policy; give it as the role's trust policy (assume_role_policy, AssumeRolePolicyDocument) instead",
      ]);
      // Not in a role's trust policy itself.
      const asTrust = audit([policy('p', doc(trust), { kind: 'trust' })], ['ongoing'], undefined, { memo });
      expect(asTrust.findings.filter((f) => f.kind === 'invalid-policy')).toEqual([]);
    },
  );

  it('reports what the baseline needs and the policy lacks as informational missing-permission', () => {
    const out = audit([
      policy('p', doc({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' })),
    ]);
    const missing = out.findings.filter((f) => f.kind === 'missing-permission');
    expect(missing.every((f) => f.severity === 'info')).toBe(true);
    expect(missing.flatMap((f) => f.actions)).toContain('ec2:RunInstances');
    expect(missing.flatMap((f) => f.actions)).not.toContain('ec2:DescribeInstances');
  });

  it('suggests the minimal policy as JSON and a unified diff', () => {
    const out = audit([
      policy(
        'p',
        doc(
          { Sid: 'Describe', Effect: 'Allow', Action: ['ec2:Describe*'], Resource: '*' },
          { Sid: 'Destroy', Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*' },
        ),
      ),
    ]);
    const s = out.suggestions.find((x) => x.policy === 'p')!;
    const minimal = s.minimal as { Statement: { Sid?: string; Action: unknown; Condition?: unknown }[] };
    expect(minimal.Statement[0]).toMatchObject({
      Sid: 'Describe',
      Action: ['ec2:DescribeInstances', 'ec2:DescribeSubnets'],
    });
    expect(minimal.Statement[1]).toMatchObject({
      Sid: 'Destroy',
      Condition: { StringEquals: { 'ec2:ResourceTag/owner': 'vendor' } },
    });
    expect(s.diff).toContain('--- p.json');
    expect(s.diff).toContain('-        "ec2:Describe*"');
    expect(s.diff).toContain('+        "ec2:DescribeInstances",');
  });

  it('marks permissions new against a plan before, and lists removed ones', () => {
    const before = doc({
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances', 'sqs:SendMessage'],
      Resource: '*',
    });
    const after = doc({ Effect: 'Allow', Action: ['ec2:DescribeInstances', 'ec2:*'], Resource: '*' });
    const out = audit([policy('p', after, { before, change: 'update' })]);
    const newOnes = out.findings.filter((f) => f.new === true);
    expect(newOnes.length).toBeGreaterThan(0);
    expect(out.findings.filter((f) => f.kind === 'excess-action' && f.new === false)).toEqual([]);
    const removed = out.findings.filter((f) => f.removed);
    expect(removed.map((f) => f.actions)).toEqual([['sqs:SendMessage']]);
    const created = audit([policy('p', after, { before: null, change: 'create' })]);
    expect(created.findings.filter((f) => f.kind !== 'missing-permission').every((f) => f.new === true)).toBe(
      true,
    );
  });
});

describe('an action the vendor names on resources it cannot apply to', () => {
  // Vendors list actions with no resource types (granted only on `*`) in a statement scoped to
  // their resources: Coiled's ec2:DescribePlacementGroups on its placement groups, CloudZero's
  // logs:DescribeLogGroups on a log group. Their intent is the action on `*`, as AWS needs it.
  const vendor: Baseline = {
    id: 'scoped',
    name: 'Scoped',
    date: '2026-01-01',
    defaultSets: ['ongoing'],
    sets: [
      {
        name: 'ongoing',
        kind: 'ongoing',
        statements: [
          {
            Sid: 'Groups',
            Effect: 'Allow',
            Action: ['ec2:CreatePlacementGroup', 'ec2:DescribePlacementGroups'],
            Resource: 'arn:aws:ec2:*:*:placement-group/vendor-*',
          },
          {
            Sid: 'Logs',
            Effect: 'Allow',
            Action: 'logs:Describe*',
            Resource: 'arn:aws:logs:*:*:log-group:vendor-*',
          },
        ],
      },
    ],
  };
  const run = (statements: unknown[], memo: boolean) =>
    audit([policy('p', doc(...statements))], ['ongoing'], undefined, { against: vendor, memo }).findings;

  it.each([true, false])('allows it on * (memo %s), and only when named exactly', (memo) => {
    const onAll = run(
      [
        {
          Effect: 'Allow',
          Action: 'ec2:CreatePlacementGroup',
          Resource: 'arn:aws:ec2:*:*:placement-group/vendor-*',
        },
        { Effect: 'Allow', Action: ['ec2:DescribePlacementGroups', 'logs:DescribeLogGroups'], Resource: '*' },
      ],
      memo,
    );
    const excess = onAll.filter((f) => f.kind !== 'missing-permission');
    // The named one is the vendor's; the one only a wildcard on a log group reaches is not.
    expect(excess.flatMap((f) => f.actions)).toEqual(['logs:DescribeLogGroups']);
    expect(excess.map((f) => f.kind)).toEqual(['excess-action']);
  });

  it.each([true, false])(
    'does not report it missing from the vendor statement as written (memo %s)',
    (memo) => {
      const asWritten = run(vendor.sets[0]!.statements, memo);
      expect(asWritten.flatMap((f) => f.actions)).not.toContain('ec2:DescribePlacementGroups');
      expect(asWritten.filter((f) => f.kind !== 'missing-permission')).toEqual([]);
    },
  );
});

describe('a Deny of a resource policy reaches only the principals it names', () => {
  const allow = {
    Sid: 'Vendor',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111122223333:role/vendor' },
    Action: 's3:*',
    Resource: 'arn:aws:s3:::vendor-data-1/*',
  };
  const deny = (who: Record<string, unknown>) => ({
    Sid: 'Guard',
    Effect: 'Deny',
    Action: 's3:*',
    Resource: 'arn:aws:s3:::vendor-data-1/*',
    ...who,
  });
  const run = (statements: unknown[], memo: boolean) =>
    audit([policy('bucket', doc(...statements), { kind: 'resource' })], ['ongoing'], undefined, { memo })
      .findings;
  const excess = (fs: Finding[]) => fs.filter((f) => f.kind === 'excess-action');

  it.each([true, false])('keeps the grant when the Deny names another principal (memo %s)', (memo) => {
    const alone = excess(run([allow], memo));
    const other = excess(
      run([allow, deny({ Principal: { AWS: 'arn:aws:iam::111122223333:role/other' } })], memo),
    );
    expect(alone.length).toBeGreaterThan(0);
    expect(other).toEqual(alone);
    // NotPrincipal sparing the Allow's principal: the Deny does not reach it either.
    const spared = excess(
      run([allow, deny({ NotPrincipal: { AWS: ['arn:aws:iam::111122223333:role/vendor'] } })], memo),
    );
    expect(spared).toEqual(alone);
  });

  it.each([true, false])(
    'removes it when the Deny names the same principal or everyone (memo %s)',
    (memo) => {
      expect(
        excess(run([allow, deny({ Principal: { AWS: ['arn:aws:iam::111122223333:role/vendor'] } })], memo)),
      ).toEqual([]);
      expect(excess(run([allow, deny({ Principal: '*' })], memo))).toEqual([]);
      expect(excess(run([allow, deny({ Principal: { AWS: '*' } })], memo))).toEqual([]);
    },
  );

  it.each([true, false])('keeps it with a note when the Deny may reach it (memo %s)', (memo) => {
    // An account stands for its principals; a NotPrincipal that spares others reaches this one or not.
    for (const who of [
      { Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
      { NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/other' } },
    ]) {
      const found = excess(run([allow, deny(who)], memo));
      expect(found.length).toBeGreaterThan(0);
      expect(
        found.every((f) =>
          f.approximate?.includes('Deny statement Guard also denies this only to some of the principals'),
        ),
      ).toBe(true);
    }
  });
});

describe('a vendor placeholder stands for one value, not for every value', () => {
  const p = (raw: string) => parseArnPattern(raw);
  it('covers a resource that fills it with a literal value, not one that leaves it open', () => {
    const objects = p('arn:aws:s3:::{YOUR_BUCKET}/*');
    expect(coversResource(objects, p('arn:aws:s3:::data/*'), false)).toBe(true);
    expect(coversResource(objects, p('arn:aws:s3:::data/logs/*'), false)).toBe(true);
    expect(coversResource(objects, p('arn:aws:s3:::*/*'), false)).toBe(false);
    expect(coversResource(objects, p('arn:aws:s3:::data-*/*'), false)).toBe(false);
    expect(coversResource(objects, p('arn:aws:s3:::*'), false)).toBe(false);
    const bucket = p('arn:aws:s3:::{YOUR_BUCKET}');
    expect(coversResource(bucket, p('arn:aws:s3:::data'), false)).toBe(true);
    expect(coversResource(bucket, p('arn:aws:s3:::d?ta'), false)).toBe(false);
    // A whole ARN held by one placeholder (Anyscale's role ARN): only one literal ARN fills it.
    const role = p('<${anyscale_cluster_role_arn}>');
    expect(coversResource(role, p('arn:aws:iam::123456789012:role/anyscale-node'), false)).toBe(true);
    expect(coversResource(role, p('arn:aws:iam::123456789012:role/*'), false)).toBe(false);
    expect(coversResource(role, p('*'), false)).toBe(false);
  });

  it("reads a granted text's own placeholders as one value each (a template as pasted, CloudFormation's account)", () => {
    expect(coversResource(p('arn:aws:s3:::<datalake>'), p('arn:aws:s3:::{YOUR_BUCKET}'), false)).toBe(true);
    // The objects of a bucket are not the bucket (both placeholders used to be read as `*`).
    expect(coversResource(p('arn:aws:s3:::<datalake>'), p('arn:aws:s3:::{YOUR_BUCKET}/*'), false)).toBe(
      false,
    );
    expect(coversResource(p('arn:aws:s3:::<datalake>/*'), p('arn:aws:s3:::{YOUR_BUCKET}/*'), false)).toBe(
      true,
    );
    // Every role of the account is not the one role a vendor names.
    const role = p('arn:aws:iam::<account-ID-without-hyphens>:role/*');
    expect(coversResource(p('<${cluster_role_arn}>'), role, false)).toBe(false);
    expect(
      coversResource(
        p('<${cluster_role_arn}>'),
        p('arn:aws:iam::<account-ID-without-hyphens>:role/x'),
        false,
      ),
    ).toBe(true);
    // A hole of the vendor's text left in the policy as written: the same value on both sides.
    expect(coversResource(p('arn:*:s3:::<{prefix}>-*'), p('arn:*:s3:::{prefix}-*'), false)).toBe(true);
    expect(coversResource(p('arn:*:s3:::<{prefix}>-*'), p('arn:*:s3:::*'), false)).toBe(false);
  });

  it('finds the value after a baseline prefix with wildcards, and takes any literal character', () => {
    const prefix = p('arn:*:s3:::<{package_sync_bucket_prefix}>-*/*');
    expect(coversResource(prefix, p('arn:aws:s3:::coiled-data-env/*'), false)).toBe(true);
    expect(coversResource(prefix, p('arn:aws:s3:::*-env/*'), false)).toBe(false);
    expect(coversResource(p('arn:aws:s3:::{YOUR_BUCKET}/*'), p('arn:aws:s3:::a$(b)?c/*'), false)).toBe(false);
    expect(coversResource(p('arn:aws:s3:::{YOUR_BUCKET}/*'), p('arn:aws:s3:::a$(b)c/*'), false)).toBe(true);
  });

  it('keeps reading an account placeholder as any account (bound with --account-id)', () => {
    const role = p('arn:aws:iam::<account-ID-without-hyphens>:role/vendor');
    expect(coversResource(role, p('arn:aws:iam::*:role/vendor'), false)).toBe(true);
    expect(coversResource(role, p('arn:aws:iam::123456789012:role/vendor'), false)).toBe(true);
  });
});

describe("a grant reaches only its action's resource types", () => {
  const catalog = loadCatalog();
  const p = (raw: string) => parseArnPattern(raw);
  const covers = (baselineResource: string, granted: string, action: string, notResource = false) =>
    coversForAction(p(baselineResource), p(granted), catalog.lookup(action)!, notResource);

  it("covers a wider pattern when every resource of the types it reaches is the baseline's", () => {
    // s3:GetObject on arn:aws:s3:::* reaches objects only (its other type, an access point's
    // object, has a region and an account).
    expect(covers('arn:aws:s3:::*/*', 'arn:aws:s3:::*', 's3:GetObject')).toBe(true);
    // An instance is all that ec2:TerminateInstances reaches, in any partition a policy applies in.
    expect(covers('arn:*:ec2:*:*:instance/*', '*', 'ec2:TerminateInstances')).toBe(true);
    expect(covers('arn:aws:ec2:*:*:instance/*', '*', 'ec2:TerminateInstances')).toBe(true);
    expect(covers('arn:aws:s3:::data/*', 'arn:*:s3:::data/*', 's3:GetObject')).toBe(true);
    // Fields after a wildcard, and a placeholder bound by --account-id, name the account too.
    expect(
      covers('arn:aws:ec2:*:111122223333:instance/*', 'arn:aws:ec2:*:111122223333:*', 'ec2:StartInstances'),
    ).toBe(true);
    expect(
      coversForAction(
        p('arn:aws:ec2:*:111122223333:instance/*'),
        parseArnPattern('arn:aws:ec2:us-east-1:<account-ID-without-hyphens>:*', {
          '<account-ID-without-hyphens>': '111122223333',
        }),
        catalog.lookup('ec2:TerminateInstances')!,
        false,
      ),
    ).toBe(true);
    expect(covers('arn:aws:ec2:*:*:instance/*', 'arn:*:ec2:*:*:*', 'ec2:TerminateInstances')).toBe(true);
    // Region and account named in the granted pattern are those of every ARN it reaches.
    expect(
      covers(
        'arn:aws:ec2:us-east-1:*:instance/*',
        'arn:aws:ec2:us-east-1:123456789012:*',
        'ec2:TerminateInstances',
      ),
    ).toBe(true);
  });

  it('stays broader where the pattern reaches a type or a place the baseline does not name', () => {
    // s3:ListBucket on * reaches access points too.
    expect(covers('arn:aws:s3:::*', '*', 's3:ListBucket')).toBe(false);
    // ec2:RunInstances on * reaches subnets, volumes, images...
    expect(covers('arn:aws:ec2:*:*:instance/*', '*', 'ec2:RunInstances')).toBe(false);
    // Another region, any account, a narrower bucket.
    expect(covers('arn:aws:ec2:us-east-1:*:instance/*', '*', 'ec2:TerminateInstances')).toBe(false);
    expect(covers('arn:aws:ec2:*:123456789012:instance/*', '*', 'ec2:TerminateInstances')).toBe(false);
    expect(
      covers(
        'arn:aws:ec2:*:123456789012:instance/*',
        'arn:aws:ec2:*:999999999999:*',
        'ec2:TerminateInstances',
      ),
    ).toBe(false);
    expect(covers('arn:aws:s3:::data/*', 'arn:aws:s3:::*', 's3:GetObject')).toBe(false);
    expect(covers('arn:aws:s3:::data/*', 'arn:*:s3:::*', 's3:GetObject')).toBe(false);
    // (a review: a policy applies in its own partition, so `arn:aws-cn:s3:::data/*` is the bucket the
    // vendor names there, in a China account, or nothing at all elsewhere: never broader)
    expect(covers('arn:aws:s3:::data/*', 'arn:aws-cn:s3:::data/*', 's3:GetObject')).toBe(true);
    expect(covers('arn:aws:s3:::data/*', 'arn:aws-us-gov:s3:::other/*', 's3:GetObject')).toBe(false);
    // A vendor placeholder stands for one bucket, not for every bucket the pattern reaches.
    expect(covers('arn:aws:s3:::{YOUR_BUCKET}/*', 'arn:aws:s3:::*', 's3:GetObject')).toBe(false);
    // No resource types (only * grants it), NotResource, a literal baseline resource.
    expect(covers('arn:aws:s3:::*', '*', 's3:ListAllMyBuckets')).toBe(false);
    expect(covers('arn:aws:s3:::*/*', 'arn:aws:s3:::x', 's3:GetObject', true)).toBe(false);
    expect(covers('arn:aws:s3:::data/key', 'arn:aws:s3:::data/*', 's3:GetObject')).toBe(false);
  });

  it.each([true, false])(
    'is no finding on either engine path (memo %s), and the rest stays broader',
    (memo) => {
      const against: Baseline = {
        ...baseline,
        sets: [
          {
            name: 'ongoing',
            kind: 'ongoing',
            statements: [
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:ListBucket'],
                Resource: ['arn:aws:s3:::*/*', 'arn:aws:s3:::*'],
              },
              {
                Effect: 'Allow',
                Action: ['ec2:TerminateInstances', 'ec2:RunInstances'],
                Resource: 'arn:aws:ec2:*:*:instance/*',
              },
            ],
          },
        ],
      };
      const out = audit(
        [
          policy(
            'p',
            doc(
              {
                Sid: 'S3',
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:ListBucket'],
                Resource: 'arn:aws:s3:::*',
              },
              {
                Sid: 'Ec2',
                Effect: 'Allow',
                Action: ['ec2:TerminateInstances', 'ec2:RunInstances'],
                Resource: '*',
              },
            ),
          ),
        ],
        ['ongoing'],
        undefined,
        { against, memo },
      );
      const broader = out.findings.filter((f) => f.kind === 'broader-resource');
      expect(broader.map((f) => [f.statement, f.actions])).toEqual([['Ec2', ['ec2:RunInstances']]]);
      expect(
        out.findings.filter((f) => f.kind !== 'broader-resource' && f.kind !== 'missing-permission'),
      ).toEqual([]);
      // The minimal policy keeps TerminateInstances on * and narrows RunInstances only.
      const minimal = JSON.stringify(out.suggestions[0]!.minimal);
      expect(minimal).toContain('"ec2:TerminateInstances"');
      expect(out.suggestions.map((s) => s.policy)).toEqual(['p']);
    },
  );
});

/** A baseline whose ongoing set is ec2:DescribeInstances on `*`, then the sets given. */
function withOngoing(...more: Baseline['sets']): Baseline {
  const ongoing = {
    name: 'ongoing',
    kind: 'ongoing' as const,
    statements: [{ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }],
  };
  return { ...baseline, sets: [ongoing, ...more] };
}

describe("an optional feature's actions on broader resources than the feature's", () => {
  const against: Baseline = withOngoing(
    {
      name: 'sync',
      kind: 'optional',
      statements: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: 'arn:aws:s3:::vendor-sync-*/*',
        },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::vendor-sync-*' },
      ],
    },
    {
      name: 'setup',
      kind: 'setup',
      statements: [{ Effect: 'Allow', Action: 'iam:CreateRole', Resource: 'arn:aws:iam::*:role/vendor' }],
    },
  );

  // Part of the feature (no s3:PutObject): not taken as in use, so not active.
  it.each([true, false])('are reported against the feature, by the resources it allows (memo %s)', (memo) => {
    const out = audit(
      [
        policy(
          'p',
          doc({
            Sid: 'Wide',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket', 'iam:CreateRole', 'sqs:SendMessage'],
            Resource: '*',
          }),
        ),
      ],
      ['ongoing'],
      undefined,
      { against, memo },
    );
    const byKind = (k: string) => out.findings.filter((f) => f.kind === k);
    const feature = byKind('leftover-set');
    expect(feature.map((f) => [f.actions, f.set, f.feature])).toEqual([
      [['s3:GetObject'], 'sync', 'sync'],
      [['s3:ListBucket'], 'sync', 'sync'],
    ]);
    expect(feature[0]!.message).toBe(
      '1 action granted on *, broader than the optional feature "sync" of the Vendor baseline allows (arn:aws:s3:::vendor-sync-*/*): keep them only if you use sync, on those resources: s3:GetObject',
    );
    // A setup set's action on broader resources stays excess, saying where the set has it.
    const excess = byKind('excess-action');
    expect(excess.map((f) => f.actions)).toEqual([['iam:CreateRole', 'sqs:SendMessage']]);
    expect(excess[0]!.message).toMatch(
      /\(its inactive set "setup" grants on narrower resources: iam:CreateRole\)/,
    );
    // The minimal policy keeps none of them.
    expect(JSON.stringify(out.suggestions[0]!.minimal)).not.toMatch(/s3:|iam:CreateRole|sqs:/);
  });
});

describe('two optional features that grant the same actions', () => {
  // As Coiled's persistent-data (coiled-data-*) and package-sync ({package_sync_bucket_prefix}-*):
  // the placeholder accepts `vendor-data`, and `package-sync` comes first by name. The feature that
  // names the resource more exactly explains the grant.
  const bucket = ['s3:CreateBucket', 's3:ListBucket'];
  const object = ['s3:GetObject', 's3:PutObject'];
  const feature = (name: string, prefix: string): Baseline['sets'][number] => ({
    name,
    kind: 'optional',
    statements: [
      { Sid: `${name}-buckets`, Effect: 'Allow', Action: bucket, Resource: `arn:*:s3:::${prefix}-*` },
      { Sid: `${name}-objects`, Effect: 'Allow', Action: object, Resource: `arn:*:s3:::${prefix}-*/*` },
    ],
  });
  const against: Baseline = {
    ...withOngoing(feature('package-sync', '{sync_prefix}'), feature('persistent-data', 'vendor-data')),
    placeholders: { '{sync_prefix}': 'the bucket prefix the user chooses' },
  };
  const run = (memo: boolean, ...statements: unknown[]) =>
    audit(
      [policy('p', doc({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }, ...statements))],
      ['ongoing'],
      undefined,
      {
        against,
        memo,
      },
    );
  const features = (out: ReturnType<typeof audit>) => out.policies.find((p) => p.id === 'p')!.features;
  const leftovers = (out: ReturnType<typeof audit>) =>
    out.findings.filter((f) => f.kind === 'leftover-set').map((f) => [f.statement, f.actions, f.feature]);

  it.each([true, false])(
    'a partial grant is reported against the feature whose resource it is (memo %s)',
    (memo) => {
      const out = run(
        memo,
        { Sid: 'Data', Effect: 'Allow', Action: bucket, Resource: 'arn:aws:s3:::vendor-data-*' },
        { Sid: 'Sync', Effect: 'Allow', Action: bucket, Resource: 'arn:aws:s3:::mysync-*' },
      );
      expect(features(out)).toBeUndefined();
      expect(leftovers(out)).toEqual([
        ['Data', bucket, 'persistent-data'],
        ['Sync', bucket, 'package-sync'],
      ]);
    },
  );

  it.each([true, false])("a feature granted on the other one's resources is not in use (memo %s)", (memo) => {
    const data = [
      { Effect: 'Allow', Action: bucket, Resource: 'arn:aws:s3:::vendor-data-*' },
      { Effect: 'Allow', Action: object, Resource: 'arn:aws:s3:::vendor-data-*/*' },
    ];
    const out = run(memo, ...data);
    expect(features(out)).toEqual(['persistent-data']);
    expect(out.policies.find((p) => p.id === 'p')!.sets).toEqual(['ongoing']);
    // Both, each on its own buckets.
    const both = run(
      memo,
      ...data,
      { Effect: 'Allow', Action: bucket, Resource: 'arn:aws:s3:::mysync-*' },
      { Effect: 'Allow', Action: object, Resource: 'arn:aws:s3:::mysync-*/*' },
    );
    expect(features(both)).toEqual(['package-sync', 'persistent-data']);
    expect(both.findings.filter((f) => f.kind !== 'missing-permission')).toEqual([]);
  });
});

describe('an optional feature under a condition', () => {
  // As Anyscale's services-v2-cloud-id: the actions named as the vendor names them, without the
  // vendor's condition, are no evidence of the feature.
  const tagged = { StringEquals: { 'aws:ResourceTag/vendor-id': 'x' } };
  const against = withOngoing({
    name: 'tagged',
    kind: 'optional',
    statements: [
      { Effect: 'Allow', Action: ['sqs:DeleteQueue', 'sqs:SendMessage'], Resource: '*', Condition: tagged },
    ],
  });
  const run = (memo: boolean, condition?: unknown) =>
    audit(
      [
        policy(
          'p',
          doc(
            { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
            {
              Effect: 'Allow',
              Action: 'sqs:DeleteQueue',
              Resource: '*',
              ...(condition ? { Condition: condition } : {}),
            },
            {
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: '*',
              ...(condition ? { Condition: condition } : {}),
            },
          ),
        ),
      ],
      ['ongoing'],
      undefined,
      { against, memo },
    );

  it.each([true, false])('is in use with the condition, not without (memo %s)', (memo) => {
    expect(run(memo, tagged).policies.find((p) => p.id === 'p')!.features).toEqual(['tagged']);
    const out = run(memo);
    const p = out.policies.find((x) => x.id === 'p')!;
    expect(p.features).toBeUndefined();
    expect(
      out.findings.filter((f) => f.kind !== 'missing-permission').map((f) => [f.kind, f.feature]),
    ).toEqual([
      ['leftover-set', 'tagged'],
      ['leftover-set', 'tagged'],
    ]);
  });
});

describe('an optional feature written as the vendor writes it', () => {
  // The vendor's feature is a wildcard with a condition: only a statement that writes the same
  // pattern (case and spaces aside) with that condition is evidence of its use, not one that
  // merely grants its actions.
  const withIp = { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } };
  const against = withOngoing({
    name: 'restrict-ip',
    kind: 'optional',
    statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: withIp }],
  });
  /** One policy: ec2:DescribeInstances, and S3 actions by `patterns`, with the condition. */
  const auditS3 = (patterns: string[], memo: boolean) =>
    audit(
      [
        policy(
          'p',
          doc(
            { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
            { Effect: 'Allow', Action: patterns, Resource: '*', Condition: withIp },
          ),
        ),
      ],
      ['ongoing'],
      undefined,
      { against, memo },
    );

  it.each([true, false])('counts as in use however the pattern is spelt (memo %s)', (memo) => {
    const out = auditS3([' S3:* '], memo);
    expect(out.policies.find((p) => p.id === 'p')!.features).toEqual(['restrict-ip']);
    expect(out.findings.filter((f) => f.kind !== 'missing-permission')).toEqual([]);
  });

  it.each([true, false])('does not, from other patterns that grant its actions (memo %s)', (memo) => {
    const out = auditS3(['s3:Get*', 's3:Put*'], memo);
    expect(out.policies.find((p) => p.id === 'p')!.features).toBeUndefined();
    expect(new Set(out.findings.map((f) => f.set))).toEqual(new Set(['restrict-ip']));
  });
});

describe("a finding's message names the patterns its actions come from", () => {
  it.each([true, false])('only those that grant some of them (memo %s)', (memo) => {
    const out = audit(
      [
        policy(
          'p',
          doc({
            Sid: 'Wide',
            Effect: 'Allow',
            Action: ['ec2:Describe*', 'iam:PassRole', 'sqs:Send*'],
            Resource: '*',
          }),
        ),
      ],
      ['ongoing'],
      undefined,
      { memo },
    );
    const excess = out.findings.find((f) => f.kind === 'excess-action')!;
    expect(excess.actions).not.toContain('iam:PassRole');
    expect(excess.message).toMatch(
      /^\d+ actions \(from ec2:Describe\*, sqs:Send\*\) beyond the Vendor baseline/,
    );
  });

  it.each([true, false])('of a finding kept as a set, too (memo %s)', (memo) => {
    // Hundreds of actions: the finding keeps its set (no list), and each pattern is tested
    // against it; iam:PassRole and the unknown pattern grant none of them.
    const out = audit(
      [
        policy(
          'p',
          doc({
            Effect: 'Allow',
            Action: ['iam:PassRole', 'ec2:*', 'nosuchservice:Do*', 's3:*'],
            Resource: '*',
          }),
        ),
      ],
      ['ongoing'],
      undefined,
      { memo },
    );
    const excess = out.findings.filter((f) => f.kind === 'excess-action');
    expect(excess.length).toBeGreaterThan(0);
    for (const f of excess) expect(f.message).toMatch(/^\d+ actions \(from ec2:\*, s3:\*\) beyond/);
    expect(excess.some((f) => actionCount(f) > 100)).toBe(true);
  });
});

describe('missing-permission per resource of a vendor statement', () => {
  const against: Baseline = {
    ...baseline,
    sets: [
      {
        name: 'ongoing',
        kind: 'ongoing',
        statements: [
          {
            Sid: 'Tag',
            Effect: 'Allow',
            Action: 'ec2:CreateTags',
            Resource: [
              'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
              'arn:aws:ec2:us-east-1:123456789012:volume/vol-1',
            ],
          },
          {
            Sid: 'Data',
            Effect: 'Allow',
            Action: ['s3:ListBucket', 's3:GetObject'],
            Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
          },
        ],
      },
    ],
  };

  it.each([true, false])(
    'a grant on one resource type does not stand for another; each action where it applies is enough (memo %s)',
    (memo) => {
      const out = audit(
        [
          policy(
            'p',
            doc(
              {
                Effect: 'Allow',
                Action: 'ec2:CreateTags',
                Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
              },
              { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data' },
              { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' },
            ),
          ),
        ],
        ['ongoing'],
        undefined,
        { against, memo },
      );
      const missing = out.findings.filter((f) => f.kind === 'missing-permission');
      expect(missing.map((f) => [f.actions, f.resources])).toEqual([
        [['ec2:CreateTags'], ['arn:aws:ec2:us-east-1:123456789012:volume/vol-1']],
      ]);
    },
  );
});

describe('shownResource', () => {
  it("writes a vendor's template hole back as the vendor wrote it, and nothing else", () => {
    expect(shownResource('arn:*:s3:::<{package_sync_bucket_prefix}>-*/*')).toBe(
      'arn:*:s3:::{package_sync_bucket_prefix}-*/*',
    );
    expect(shownResource('<${anyscale_cluster_role_arn}>')).toBe('${anyscale_cluster_role_arn}');
    expect(shownResource('arn:aws:s3:::<{{BillingBucketName}}>/*')).toBe(
      'arn:aws:s3:::{{BillingBucketName}}/*',
    );
    expect(shownResource('arn:aws:ec2:*:<account-ID-without-hyphens>:instance/*')).toBe(
      'arn:aws:ec2:*:<account-ID-without-hyphens>:instance/*',
    );
  });
});

describe('missing-permission with wildcards over the region', () => {
  it.each([true, false])(
    'a grant on instance/* does not stand for volume/* when both patterns have `*` as region (memo %s)',
    (memo) => {
      const against: Baseline = {
        ...baseline,
        sets: [
          {
            name: 'ongoing',
            kind: 'ongoing',
            statements: [
              {
                Effect: 'Allow',
                Action: 'ec2:CreateTags',
                Resource: ['arn:aws:ec2:*:123456789012:instance/*', 'arn:aws:ec2:*:123456789012:volume/*'],
              },
            ],
          },
        ],
      };
      const out = audit(
        [
          policy(
            'p',
            doc({
              Effect: 'Allow',
              Action: 'ec2:CreateTags',
              Resource: 'arn:aws:ec2:*:123456789012:instance/*',
            }),
          ),
        ],
        ['ongoing'],
        undefined,
        { against, memo },
      );
      expect(out.findings.map((f) => [f.kind, f.resources])).toEqual([
        ['missing-permission', ['arn:aws:ec2:*:123456789012:volume/*']],
      ]);
    },
  );
});

describe('an unconditional Deny with NotResource narrows the grant to its NotResource', () => {
  // The vendor baseline grants iam:PassRole on arn:aws:iam::*:role/vendor-*.
  const allow = { Sid: 'Pass', Effect: 'Allow', Action: ['iam:PassRole', 'sqs:SendMessage'], Resource: '*' };
  const deny = (notResource: string | string[], extra: Record<string, unknown> = {}) => ({
    Sid: 'Only',
    Effect: 'Deny',
    Action: 'iam:PassRole',
    NotResource: notResource,
    ...extra,
  });
  const run = (statements: unknown[], memo: boolean) =>
    audit([policy('p', doc(...statements))], ['ongoing'], undefined, { memo });
  const passRole = (fs: Finding[]) =>
    fs.filter((f) => f.kind !== 'missing-permission' && f.actions.includes('iam:PassRole'));

  it.each([true, false])('within the baseline: no finding, nothing approximate (memo %s)', (memo) => {
    const out = run([allow, deny('arn:aws:iam::123456789012:role/vendor-a')], memo);
    expect(passRole(out.findings)).toEqual([]);
    // sqs:SendMessage, which the Deny does not name, stays on *.
    const beyond = out.findings.filter((f) => f.kind !== 'missing-permission');
    expect(beyond.map((f) => [f.kind, f.actions, f.resources, f.approximate])).toEqual([
      ['excess-action', ['sqs:SendMessage'], ['*'], undefined],
    ]);
    // iam:PassRole counts as granted on role/vendor-a: not reported missing.
    expect(
      out.findings.some((f) => f.kind === 'missing-permission' && f.actions.includes('iam:PassRole')),
    ).toBe(false);
    // Every listed ARN within the baseline (one inside another counts once): no finding either.
    const two = run(
      [allow, deny(['arn:aws:iam::*:role/vendor-a', 'arn:aws:iam::*:role/vendor-*', 'arn:aws:s3:::b'])],
      memo,
    );
    expect(passRole(two.findings)).toEqual([]);
  });

  it.each([true, false])(
    'wider than the baseline: the finding is on the narrowed resource (memo %s)',
    (memo) => {
      const out = run([allow, deny('arn:aws:iam::123456789012:role/*')], memo);
      const found = passRole(out.findings);
      expect(found.map((f) => [f.kind, f.actions, f.resources, f.approximate])).toEqual([
        ['broader-resource', ['iam:PassRole'], ['arn:aws:iam::123456789012:role/*'], undefined],
      ]);
      // An Allow narrower than the NotResource keeps its own resource.
      const narrow = run(
        [
          { ...allow, Resource: 'arn:aws:iam::123456789012:role/app-*' },
          deny('arn:aws:iam::123456789012:role/*'),
        ],
        memo,
      );
      expect(passRole(narrow.findings).map((f) => [f.kind, f.resources, f.approximate])).toEqual([
        ['broader-resource', ['arn:aws:iam::123456789012:role/app-*'], undefined],
      ]);
      // A NotResource the Allow's resource does not meet: the Deny removes the whole grant.
      const none = run(
        [
          { ...allow, Resource: 'arn:aws:iam::123456789012:role/app-*' },
          deny('arn:aws:iam::123456789012:role/vendor-a'),
        ],
        memo,
      );
      expect(passRole(none.findings)).toEqual([]);
    },
  );

  it.each([true, false])('stays approximate where it cannot be exact (memo %s)', (memo) => {
    const cases: [unknown, RegExp][] = [
      [
        deny('arn:aws:iam::123456789012:role/vendor-a', {
          Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
        }),
        /Deny statement Only also denies this only under its condition/,
      ],
      // role/app-* and role/*-admin meet, but neither holds the other: no one pattern is their intersection.
      [
        deny('arn:aws:iam::123456789012:role/*-admin'),
        /Deny statement Only also denies this except on its NotResource/,
      ],
      // A policy variable's value is not known when the policy is read.
      [deny('arn:aws:iam::123456789012:role/${aws:username}'), /except on its NotResource/],
    ];
    for (const [d, note] of cases) {
      const allowApp = { ...allow, Resource: 'arn:aws:iam::123456789012:role/app-*' };
      const found = passRole(run([allowApp, d], memo).findings);
      expect(found.map((f) => f.kind)).toEqual(['broader-resource']);
      expect(found[0]!.resources).toEqual(['arn:aws:iam::123456789012:role/app-*']);
      expect(found[0]!.approximate).toMatch(note);
    }
  });
});
