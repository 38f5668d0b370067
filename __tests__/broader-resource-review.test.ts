// Two ways a grant's resource was misjudged against a baseline's (review findings F2 and F5):
// - a baseline resource with two placeholders (Lightly's `arn:aws:s3:::<datalake>/<projects/farm-animals>/*`)
//   covered every grant its text covers with `*` in each placeholder: s3:* on `arn:aws:s3:::*/*/*`
//   (every bucket's objects) passed. Each placeholder is one value of the user's.
// - a grant whose resource reaches the action's resource types only within the baseline's was
//   broader-resource: `s3:GetObject` on `arn:aws:s3:::coiled-data-*` names objects only as
//   `coiled-data-…/…`, all within `arn:aws:s3:::coiled-data-*/*`.
// Through the Auditor, on both paths (the set engine and the reference), and the ARN algebra.
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';
import { builtinBaselines, findBaseline } from '../src/baselines/load.js';
import { coverage, UNSURE_RESOURCE } from '../src/audit/engine.js';
import { arnCoveredWithin, arnFormatToPattern, parseArnPattern } from '../src/policy/arn.js';
import { loadCatalog } from '../src/policy/catalog.js';
import type { Finding } from '../src/core/types.js';

const lightly = findBaseline('lightly', builtinBaselines())!;
const coiled = findBaseline('coiled', builtinBaselines())!;
const beyond = (fs: Finding[]) => fs.filter((f) => f.kind !== 'missing-permission');
const actionsOf = (fs: Finding[], kind: string) =>
  fs.filter((f) => f.kind === kind).flatMap((f) => f.actions ?? []);

const userAccess = (bucketPart: string, listing = 'arn:aws:s3:::mybucket') =>
  doc(
    { Sid: 'AllowListing', Effect: 'Allow', Action: 's3:ListBucket', Resource: [listing] },
    { Sid: 'AllowAccess', Effect: 'Allow', Action: 's3:*', Resource: [bucketPart] },
  );

describe.each([true, false])('a baseline resource with two placeholders (set engine: %s)', (memo) => {
  const audit = (d: unknown, sets = ['user-access']) => auditDocument(d, lightly, { memo, sets }).findings;

  it.each([
    'arn:aws:s3:::*/*/*',
    'arn:aws:s3:::*/projects/*',
    'arn:aws:s3:::mybucket/*/*',
    'arn:aws:s3:::my*/data/*',
  ])('s3:* on %s fills a placeholder with a wildcard: broader-resource', (resource) => {
    const access = doc({ Sid: 'AllowAccess', Effect: 'Allow', Action: 's3:*', Resource: [resource] });
    const broader = audit(access).filter((f) => f.kind === 'broader-resource');
    expect(broader.map((f) => f.resources)).toEqual([[resource]]);
    // (44 actions, an actionSet: s3:DeleteObject and s3:PutObjectAcl among them)
    expect(broader[0]!.message).toContain('s3:PutObjectAcl');
    expect(broader[0]!.approximate).toBeUndefined();
  });

  it.each([
    'arn:aws:s3:::mybucket/data/*',
    'arn:aws:s3:::my.bucket-2/images/cows/*',
    'arn:aws:s3:::b/p/q/r/*',
  ])('s3:* on %s (one bucket, one prefix): no finding', (resource) => {
    expect(beyond(audit(userAccess(resource)))).toEqual([]);
  });

  it("the vendor's own policies, their placeholders filled in, give no finding", () => {
    const fill = (text: string, bucket: string, prefix: string) =>
      JSON.parse(
        text
          .split('datalake')
          .join(bucket)
          .split('projects/farm-animals')
          .join(prefix)
          .split('{YOUR_BUCKET}')
          .join(bucket),
      ) as unknown;
    const userAccessDoc = JSON.stringify(
      doc(
        {
          Sid: 'AllowListing',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: ['arn:aws:s3:::datalake', 'arn:aws:s3:::datalake/projects/farm-animals/*'],
        },
        {
          Sid: 'AllowAccess',
          Effect: 'Allow',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::datalake/projects/farm-animals/*'],
        },
      ),
    );
    const restrictIp = JSON.stringify(
      doc(
        {
          Sid: 'RestrictIP',
          Action: 's3:*',
          Effect: 'Allow',
          Resource: ['arn:aws:s3:::datalake', 'arn:aws:s3:::datalake/projects/farm-animals/*'],
          Condition: { IpAddress: { 'aws:SourceIp': ['10.1.0.0/16'] } },
        },
        {
          Sid: 'AllowLightly',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: ['arn:aws:s3:::datalake', 'arn:aws:s3:::datalake/projects/farm-animals/*'],
        },
      ),
    );
    for (const [bucket, prefix] of [
      ['acme-ml-data', 'datasets/cows'],
      ['acme-ml-data', 'images'],
      ['b', 'p/q/r/s'],
      ['datalake', 'projects/farm-animals'],
    ] as const) {
      expect(beyond(audit(fill(userAccessDoc, bucket, prefix)))).toEqual([]);
      expect(beyond(audit(fill(restrictIp, bucket, prefix), ['minimum', 'restrict-ip']))).toEqual([]);
    }
  });
});

describe.each([true, false])(
  'a grant that reaches only a narrower resource type (set engine: %s)',
  (memo) => {
    it("Coiled's object statement on arn:aws:s3:::coiled-data-* (F5): no broader-resource", () => {
      const f5 = doc({
        Sid: 'OngoingPersistentDataObjects',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject'],
        Resource: ['arn:aws:s3:::coiled-data-*'],
      });
      const out = auditDocument(f5, coiled, { memo, sets: ['ongoing', 'persistent-data'] });
      expect(actionsOf(out.findings, 'broader-resource')).toEqual([]);
    });

    it('still broader where the type is reached beyond the baseline (arn:aws:s3:::coiled-data*)', () => {
      const out = auditDocument(
        doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::coiled-data*'] }),
        coiled,
        { memo, sets: ['ongoing', 'persistent-data'] },
      );
      expect(actionsOf(out.findings, 'broader-resource')).toEqual(['s3:GetObject']);
    });

    const bucketA = oneSetBaseline([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bucket-a' },
    ]);
    it('s3:ListBucket on arn:aws:s3:*:*:bucket-a names only the bucket: no finding', () => {
      const out = auditDocument(
        doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:*:*:bucket-a' }),
        bucketA,
        { memo },
      );
      expect(out.findings).toEqual([]);
    });

    it('a comparison the search gives up on is reported, and said to be approximate', () => {
      const baseline = oneSetBaseline([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' },
      ]);
      const resource = `arn:aws:s3:::${'d*a*'.repeat(400)}`;
      const out = auditDocument(
        doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }),
        baseline,
        {
          memo,
        },
      );
      expect(out.findings.map((f) => [f.kind, f.actions, f.approximate])).toEqual([
        ['broader-resource', ['s3:GetObject'], UNSURE_RESOURCE],
      ]);
    });
  },
);

describe('the ARN algebra', () => {
  const p = parseArnPattern;
  const object = arnFormatToPattern('arn:aws:s3:::${BucketName}/${ObjectName}');
  const accessPoint = arnFormatToPattern(
    'arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}',
  );
  it('decides containment within a format', () => {
    expect(arnCoveredWithin(p('arn:aws:s3:::coiled-data-*/*'), p('arn:aws:s3:::coiled-data-*'), object)).toBe(
      true,
    );
    expect(arnCoveredWithin(p('arn:aws:s3:::coiled-data-*/*'), p('arn:aws:s3:::coiled-data*'), object)).toBe(
      false,
    );
    expect(arnCoveredWithin(p('arn:aws:s3:::a/*'), p('arn:aws:s3:::*'), object)).toBe(false);
    // Field by field, as IAM matches an ARN: the wildcards of the region and account do not reach the resource part.
    expect(arnCoveredWithin(p('arn:aws:s3:::bucket-a'), p('arn:aws:s3:*:*:bucket-a'), accessPoint)).toBe(
      true,
    );
    expect(arnCoveredWithin(p('arn:aws:s3:::bucket-a'), p('arn:aws:s3:*:*:accesspoint/*'), accessPoint)).toBe(
      false,
    );
  });

  it('fills each placeholder with one value', () => {
    const catalog = loadCatalog();
    const get = catalog.lookup('s3:GetObject')!;
    const b = p('arn:aws:s3:::<datalake>/<projects/farm-animals>/*');
    expect(coverage(b, p('arn:aws:s3:::*/*/*'), get, false)).toBe('no');
    expect(coverage(b, p('arn:aws:s3:::*/projects/*'), get, false)).toBe('no');
    expect(coverage(b, p('arn:aws:s3:::x/*'), get, false)).toBe('no');
    expect(coverage(b, p('arn:aws:s3:::x/y/*'), get, false)).toBe('yes');
    expect(coverage(b, p('arn:aws:s3:::x/y/z*'), get, false)).toBe('yes');
    // The vendor's text pasted as it is: the same values.
    expect(coverage(b, p('arn:aws:s3:::<datalake>/<projects/farm-animals>/*'), get, false)).toBe('yes');
  });
});
