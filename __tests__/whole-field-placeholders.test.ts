// A catalog variable that is a whole ARN field before the resource part (`${Region}`, `${Account}`,
// `${Partition}`, ...) is one or more characters: a real ARN of such a type always has a value
// there. So `arn:aws:s3:::*` (every bucket and object, the region and account empty) does not reach
// S3 access points, batch jobs, storage lens or multi-region access points, which IAM never matches
// against it, while a wildcard of the policy's in those fields still does (src/policy/arn.ts: SEG_ONE).
import { coversForAction } from '../src/audit/engine.js';
import {
  arnContains,
  arnFormatFields,
  arnFormatToPattern,
  arnIntersects,
  arnMatches,
  formatMatcher,
  meetsFormat,
  parseArnPattern,
} from '../src/policy/arn.js';
import { ActionSet } from '../src/policy/action-set.js';
import { loadCatalog } from '../src/policy/catalog.js';
import { parsePolicyDocument } from '../src/policy/document.js';
import { GrantBuilder } from '../src/policy/grants.js';
import { GrantSets } from '../src/policy/grant-sets.js';
import type { Finding } from '../src/core/types.js';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const P = (raw: string) => parseArnPattern(raw);
const ACCESS_POINT = 'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}';
const JOB = 'arn:${Partition}:s3:${Region}:${Account}:job/${JobId}';
const BUCKET = 'arn:${Partition}:s3:::${BucketName}';
const OBJECT = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
/** AWS Backup's recovery points: a variable for the service, a `*` for the account. */
const RECOVERY_POINT = 'arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}';
/** Braket devices: region and account written `*` (their ARNs have none). */
const DEVICE = 'arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}';

const meets = (format: string, resource: string) =>
  meetsFormat(arnFormatToPattern(format), format, P(resource));

describe('a whole-field variable of a catalog format needs a value', () => {
  it('an empty region or account meets no format that writes a variable there', () => {
    for (const format of [ACCESS_POINT, JOB]) {
      expect(meets(format, 'arn:aws:s3:::*')).toBe(false);
      expect(meets(format, 'arn:aws:s3:::*/*')).toBe(false);
      expect(meets(format, 'arn:aws:s3::123456789012:*')).toBe(false);
      expect(meets(format, 'arn:aws:s3:us-east-1::*')).toBe(false);
      expect(meets(format, 'arn:aws::us-east-1:123456789012:*')).toBe(false);
      expect(meets(format, 'arn::s3:us-east-1:123456789012:*')).toBe(false);
    }
    // The formats of buckets and objects write no region or account: unchanged.
    expect(meets(BUCKET, 'arn:aws:s3:::*')).toBe(true);
    expect(meets(OBJECT, 'arn:aws:s3:::*')).toBe(true);
    expect(meets(OBJECT, 'arn:aws:s3:::*/*')).toBe(true);
  });

  it("a wildcard or variable of the policy's still fills the field", () => {
    for (const r of [
      '*',
      'arn:*',
      'arn:aws:s3:*',
      'arn:aws:s3:*:*:accesspoint/*',
      'arn:aws:s3:?*:?*:accesspoint/*',
      'arn:aws:s3:?:*:accesspoint/*',
      'arn:aws:s3:us-east-1:123456789012:accesspoint/ap',
      'arn:aws:s3:us-east-1:123456789012:*',
      'arn:aws:s3:*:123456789012:accesspoint/*',
      'arn:aws:s3:${aws:RequestedRegion}:${aws:PrincipalAccount}:accesspoint/*',
      'arn:aws:s3:<region>:<account>:accesspoint/*',
      'arn:*:s3:us-east-1:*:*',
    ])
      expect([r, meets(ACCESS_POINT, r)]).toEqual([r, true]);
    // A field of the policy's that cannot be one value of the field: a `/` or a `:` in it.
    expect(meets(ACCESS_POINT, 'arn:aws:s3:us/east-1:123456789012:accesspoint/ap')).toBe(false);
  });

  it('holds for any variable name that is a whole field, the service too; a `*` of the format may be empty', () => {
    expect(meets(RECOVERY_POINT, 'arn:aws:ec2:us-east-1::snapshot:x')).toBe(true);
    expect(meets(RECOVERY_POINT, 'arn:aws::us-east-1::snapshot:x')).toBe(false);
    expect(meets(RECOVERY_POINT, 'arn:aws:ec2:::snapshot:x')).toBe(false);
    expect(meets(RECOVERY_POINT, 'arn:aws:s3:::*')).toBe(false);
    expect(meets(DEVICE, 'arn:aws:braket:::device/*')).toBe(true);
    // An account's own variable name (not one of the names read as a value without `/` or `:`).
    const vpc = 'arn:${Partition}:kafka:${Region}:${VpcOwnerAccount}:vpc-connection/${A}/${B}/${C}';
    expect(meets(vpc, 'arn:aws:kafka:us-east-1::vpc-connection/*')).toBe(false);
    expect(meets(vpc, 'arn:aws:kafka:us-east-1:1:vpc-connection/*')).toBe(true);
    // ... nor spans a colon: the account field is one field.
    expect(meets(vpc, 'arn:aws:kafka:us-east-1:1:2:vpc-connection/*')).toBe(false);
    expect(arnFormatFields(vpc)).toEqual({ service: 'kafka', resourcePrefix: 'vpc-connection/' });
  });

  it('placeholderFieldsMeet still keeps a placeholder that could reach past a colon to its field', () => {
    const lens = 'arn:${Partition}:s3:${Region}:${Account}:storage-lens-group/${Name}';
    expect(arnIntersects(arnFormatToPattern(lens), P('arn:aws:s3:<region>::<bucket>/*'))).toBe(true);
    expect(meets(lens, 'arn:aws:s3:<region>::<bucket>/*')).toBe(false);
    expect(meets(lens, 'arn:aws:s3:<region>:<account>:storage-lens-group/*')).toBe(true);
  });

  it('keeps variables inside the resource part possibly empty, as before', () => {
    expect(meets(ACCESS_POINT, 'arn:aws:s3:us-east-1:123456789012:accesspoint/')).toBe(true);
    expect(meets(OBJECT, 'arn:aws:s3:::bucket/')).toBe(true);
  });

  it('two patterns through arnIntersects, and the literal matcher, agree', () => {
    const ap = arnFormatToPattern(ACCESS_POINT);
    for (const [text, want] of [
      ['arn:aws:s3:::accesspoint/x', false],
      ['arn:aws:s3::123456789012:accesspoint/x', false],
      ['arn:aws:s3:us-east-1:123456789012:accesspoint/x', true],
      ['arn:aws:s3:u:1:accesspoint/x', true],
    ] as const) {
      expect([text, arnIntersects(ap, P(text))]).toEqual([text, want]);
      expect([text, arnIntersects(P(text), ap)]).toEqual([text, want]);
      expect([text, formatMatcher(ap).test(text)]).toEqual([text, want]);
      expect([text, arnMatches(ap, text)]).toEqual([text, want]);
    }
    // With several `*` (the token matcher).
    const many = arnFormatToPattern('arn:${Partition}:svc:${Region}:${Account}:a/${Name}/?/${Other}');
    expect(formatMatcher(many).test('arn:aws:svc:::a/n/x/o')).toBe(false);
    expect(formatMatcher(many).test('arn:aws:svc:r:1:a/n/x/o')).toBe(true);
  });

  it('reads the field as `?*` in containment: at least one character', () => {
    const ap = arnFormatToPattern(ACCESS_POINT);
    expect(arnContains(P('arn:?*:s3:?*:?*:accesspoint/*'), ap)).toBe(true);
    expect(arnContains(P('arn:*:s3:*:*:accesspoint/*'), ap)).toBe(true);
    expect(arnContains(P('arn:*:s3:::*'), ap)).toBe(false);
  });
});

describe('what `s3:*` on `arn:aws:s3:::*` grants', () => {
  const catalog = loadCatalog();
  const builder = new GrantBuilder(catalog);
  /** Actions whose only resource types carry a region and an account. */
  const regional = [
    's3:PutAccessPointPolicy',
    's3:GetAccessPointPolicy',
    's3:DescribeJob',
    's3:DeleteStorageLensGroup',
  ];

  it('GrantBuilder.applies: not the actions of access points, jobs or storage lens', () => {
    for (const a of regional) {
      const action = catalog.lookup(a)!;
      expect([a, builder.applies(action, P('arn:aws:s3:::*'))]).toEqual([a, false]);
      expect([a, builder.applies(action, P('*'))]).toEqual([a, true]);
      expect([a, builder.applies(action, P('arn:aws:s3:*'))]).toEqual([a, true]);
    }
    expect(
      builder.applies(catalog.lookup('s3:PutAccessPointPolicy')!, P('arn:aws:s3:*:*:accesspoint/*')),
    ).toBe(true);
    // An action on buckets and access points alike is still granted (on the bucket).
    expect(builder.applies(catalog.lookup('s3:GetBucketPolicy')!, P('arn:aws:s3:::*'))).toBe(true);
    expect(builder.applies(catalog.lookup('s3:GetObject')!, P('arn:aws:s3:::*'))).toBe(true);
  });

  it('GrantSets: the statement classes agree', () => {
    const sets = new GrantSets(new GrantBuilder(catalog));
    const grantedBy = (resource: string) => {
      const d = parsePolicyDocument(doc({ Effect: 'Allow', Action: 's3:*', Resource: resource })).doc!;
      return ActionSet.unionOf(sets.classes(d.statements[0]!, []).map((c) => c.actions));
    };
    const narrow = grantedBy('arn:aws:s3:::*');
    const all = grantedBy('*');
    for (const a of regional) {
      const o = ActionSet.fromActions([catalog.lookup(a)!]);
      expect([a, narrow.intersects(o)]).toEqual([a, false]);
      expect([a, all.intersects(o)]).toEqual([a, true]);
    }
    expect(narrow.intersects(ActionSet.fromActions([catalog.lookup('s3:PutObject')!]))).toBe(true);
  });

  it('coversForAction: a grant on `arn:aws:s3:::*` reaches no access point a baseline must cover', () => {
    const action = catalog.lookup('s3:GetBucketPolicy')!; // bucket or access point
    // It reaches buckets only, all of which `arn:aws:s3:::*` covers...
    expect(coversForAction(P('arn:aws:s3:::*'), P('arn:aws:s3:::*'), action, false)).toBe(true);
    // ... and what `arn:*:s3:::*` reaches is the same buckets.
    expect(coversForAction(P('arn:aws:s3:::*'), P('arn:*:s3:::*'), action, false)).toBe(true);
    // `*` reaches access points too.
    expect(coversForAction(P('arn:aws:s3:::*'), P('*'), action, false)).toBe(false);
  });
});

describe('the audit of `s3:*` on `arn:aws:s3:::*`', () => {
  const baseline = oneSetBaseline([
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::vendor-data/*' },
  ]);
  const excess = (findings: Finding[]) =>
    findings.filter((f) => f.kind === 'excess-action').flatMap((f) => f.actions);
  const regional = ['s3:PutAccessPointPolicy', 's3:DescribeJob', 's3:DeleteStorageLensGroup', 's3:CreateJob'];

  it.each([true, false])('reports no action only access points or jobs have as excess (memo: %s)', (memo) => {
    const out = auditDocument(
      doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*' }),
      baseline,
      {
        memo,
      },
    );
    const actions = excess(out.findings);
    expect(actions).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:DeleteBucket', 's3:PutBucketPolicy']),
    );
    for (const a of regional) expect([a, actions.includes(a)]).toEqual([a, false]);
    // s3:GetObject is the baseline's, on a narrower resource.
    expect(out.findings.filter((f) => f.kind === 'broader-resource').flatMap((f) => f.actions)).toEqual([
      's3:GetObject',
    ]);
  });

  it.each([true, false])(
    'still reports them on `*` and on a pattern with a region and account wildcard (memo: %s)',
    (memo) => {
      for (const resource of [
        '*',
        'arn:aws:s3:*',
        ['arn:aws:s3:::*', 'arn:aws:s3:*:*:accesspoint/*', 'arn:aws:s3:*:*:job/*'],
      ]) {
        const out = auditDocument(doc({ Effect: 'Allow', Action: 's3:*', Resource: resource }), baseline, {
          memo,
        });
        const actions = excess(out.findings);
        for (const a of regional.slice(0, 2))
          expect([resource, a, actions.includes(a)]).toEqual([resource, a, true]);
      }
    },
  );

  it('counts fewer excess actions on `arn:aws:s3:::*` than on `*`', () => {
    const on = (resource: string) =>
      excess(auditDocument(doc({ Effect: 'Allow', Action: 's3:*', Resource: resource }), baseline).findings);
    const narrow = on('arn:aws:s3:::*');
    const all = on('*');
    const s3 = catalog().actionsOf('s3').length;
    expect(all).toHaveLength(s3 - 1);
    expect(narrow.length).toBeLessThan(all.length - 50);
    expect(all).toEqual(expect.arrayContaining(narrow));
  });

  it('a baseline of `s3:*` on `arn:aws:s3:::*` does not cover access point actions the policy grants on `*`', () => {
    const broad = oneSetBaseline([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*' }]);
    const out = auditDocument(
      doc({ Effect: 'Allow', Action: ['s3:PutAccessPointPolicy', 's3:GetObject'], Resource: '*' }),
      broad,
    );
    // The baseline grants no access point action at all: beyond it, not merely on a broader resource.
    expect(excess(out.findings)).toEqual(['s3:PutAccessPointPolicy']);
    expect(out.findings.filter((f) => f.kind === 'broader-resource').flatMap((f) => f.actions)).toEqual([
      's3:GetObject',
    ]);
  });
});

function catalog() {
  return loadCatalog();
}
