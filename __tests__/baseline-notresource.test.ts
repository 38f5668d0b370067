// A baseline statement written with NotResource allows its actions on every resource but its list
// (Databricks' restricted policy: ec2:RunInstances on all but six resource types, which it grants
// only under conditions). It covers a grant that none of its list meets, and no other: a grant on
// `*`, or within an excluded pattern, is beyond it. It used to be read as `*`, so RunInstances on
// `*` with no condition passed the restricted baseline. Through the Auditor, on both paths (the
// set engine and the reference), and through the CLI on the built-in Databricks baseline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditDocument, doc, oneSetBaseline } from './helpers/one-policy.js';

const VOLUME = 'arn:aws:ec2:*:*:volume/*';
const INSTANCE = 'arn:aws:ec2:*:*:instance/*';
const tagged = { StringEquals: { 'aws:RequestTag/Vendor': 'Databricks' } };
const vendor = [
  { Sid: 'Other', Effect: 'Allow', Action: 'ec2:RunInstances', NotResource: [VOLUME, INSTANCE] },
  {
    Sid: 'Tagged',
    Effect: 'Allow',
    Action: 'ec2:RunInstances',
    Resource: [VOLUME, INSTANCE],
    Condition: tagged,
  },
  { Sid: 'Objects', Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' },
  { Sid: 'Stop', Effect: 'Allow', Action: 'ec2:TerminateInstances', NotResource: 'arn:aws:ec2:*:*:image/*' },
];
const baseline = oneSetBaseline(vendor);

const kinds = (out: ReturnType<typeof auditDocument>) =>
  out.findings.filter((f) => f.kind !== 'missing-permission').map((f) => [f.kind, f.severity, f.actions]);

describe.each([true, false])('a baseline statement with NotResource (set engine: %s)', (memo) => {
  it("the vendor's own statements: no finding", () => {
    expect(auditDocument(doc(...vendor), baseline, { memo }).findings).toEqual([]);
  });

  it('RunInstances on `*` with no condition is broader than the baseline, critical', () => {
    const out = auditDocument(doc({ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }), baseline, {
      memo,
    });
    expect(kinds(out)).toEqual([['broader-resource', 'critical', ['ec2:RunInstances']]]);
    // The message names the statement's resources as the vendor wrote them.
    expect(out.findings.find((f) => f.kind === 'broader-resource')!.message).toContain(
      `NotResource [${VOLUME}, ${INSTANCE}]`,
    );
  });

  it('a resource none of the list meets is within it: no finding', () => {
    const out = auditDocument(
      doc({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:us-east-1:123456789012:key-pair/*',
      }),
      baseline,
      { memo },
    );
    expect(kinds(out)).toEqual([]);
  });

  it('an excluded resource with no condition is not within it', () => {
    const out = auditDocument(
      doc({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
      }),
      baseline,
      { memo },
    );
    expect(kinds(out).map(([kind]) => kind)).toEqual(['missing-condition']);
  });

  it('an excluded resource under the condition the baseline grants it with: no finding', () => {
    const out = auditDocument(
      doc({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
        Condition: tagged,
      }),
      baseline,
      { memo },
    );
    expect(kinds(out)).toEqual([]);
  });

  it('s3:GetObject in the excluded bucket is beyond it; in another bucket, within', () => {
    const secret = auditDocument(
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/report.csv' }),
      baseline,
      { memo },
    );
    expect(kinds(secret).map(([kind]) => kind)).toEqual(['broader-resource']);
    const other = auditDocument(
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }),
      baseline,
      { memo },
    );
    expect(kinds(other)).toEqual([]);
  });

  it('an action the list cannot reach by its own types is within it on `*` (TerminateInstances, images excluded)', () => {
    const out = auditDocument(
      doc({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*' }),
      baseline,
      { memo },
    );
    expect(kinds(out)).toEqual([]);
  });

  it('a NotResource grant excluding less than the baseline is broader; excluding more, within', () => {
    const less = auditDocument(
      doc({ Effect: 'Allow', Action: 'ec2:RunInstances', NotResource: VOLUME }),
      baseline,
      { memo },
    );
    expect(kinds(less).map(([kind]) => kind)).toEqual(['broader-resource']);
    const more = auditDocument(
      doc({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        NotResource: [VOLUME, INSTANCE, 'arn:aws:ec2:*:*:key-pair/*'],
      }),
      baseline,
      { memo },
    );
    expect(kinds(more)).toEqual([]);
  });

  it('an excluded pattern of a placeholder account names no resource whose ARN has no account', () => {
    // The baseline excludes images by an account placeholder (one value, never empty): no AMI.
    const placeholders = oneSetBaseline([
      {
        Sid: 'Other',
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        NotResource: ['arn:aws:ec2:<region>:<account>:image/*', INSTANCE],
      },
      { Sid: 'Tagged', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: INSTANCE, Condition: tagged },
    ]);
    const grant = (notResource: string[]) =>
      kinds(
        auditDocument(
          doc({ Effect: 'Allow', Action: 'ec2:RunInstances', NotResource: notResource }),
          placeholders,
          { memo },
        ),
      );
    expect(grant([INSTANCE])).toEqual([]);
    expect(grant(['arn:aws:ec2:*:*:image/*'])).toEqual([
      ['broader-resource', 'critical', ['ec2:RunInstances']],
    ]);
  });

  it('a grant only within the excluded list does not count for it: the permission is missing', () => {
    const missing = (out: ReturnType<typeof auditDocument>) =>
      out.findings.filter((f) => f.kind === 'missing-permission').flatMap((f) => f.actions);
    const within = auditDocument(
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/*' }),
      baseline,
      { memo },
    );
    expect(missing(within)).toContain('s3:GetObject');
    const outside = auditDocument(
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }),
      baseline,
      { memo },
    );
    expect(missing(outside)).not.toContain('s3:GetObject');
  });
});

describe('the built-in Databricks restricted baseline, through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseline-notresource-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (statement: Record<string, unknown>) => runDocument(doc(statement));
  const runDocument = (document: unknown) => {
    writeFileSync(join(dir, 'p.json'), JSON.stringify(document));
    const out = execFileSync(
      process.execPath,
      [
        fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
        'audit',
        join(dir, 'p.json'),
        '--baseline',
        'databricks:restricted',
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      { encoding: 'utf8' },
    );
    return (JSON.parse(out) as { findings: { kind: string; severity: string; actions: string[] }[] }).findings
      .filter((f) => f.kind !== 'missing-permission')
      .map((f) => [f.kind, f.severity, f.actions]);
  };

  it('ec2:RunInstances on `*` with no condition is reported, critical (it passed before)', () => {
    expect(run({ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' })).toEqual([
      ['broader-resource', 'critical', ['ec2:RunInstances']],
    ]);
  });

  // The vendor's own restricted policy (fixtures/baselines, terraform-provider-databricks), whose
  // NotResource statement writes `arn:aws:ec2:${region}:…` where the baseline has placeholders.
  const vendorPolicy = JSON.parse(
    readFileSync(
      new URL('./fixtures/baselines/databricks-crossaccount-policy-restricted.json', import.meta.url),
      'utf8',
    ),
  ) as { Statement: Record<string, unknown>[] };
  const other = vendorPolicy.Statement.findIndex((s) => s.Sid === 'AllowEc2RunInstanceOtherResources');
  const withOther = (change: (s: Record<string, unknown>) => void) => {
    const copy = structuredClone(vendorPolicy);
    change(copy.Statement[other]!);
    return copy;
  };

  it("the vendor's own policy: no finding; its NotResource narrowed or made `*`: critical", () => {
    expect(other).toBeGreaterThanOrEqual(0);
    expect(runDocument(vendorPolicy)).toEqual([]);
    const star = withOther((s) => {
      delete s.NotResource;
      s.Resource = '*';
    });
    expect(runDocument(star)).toEqual([['broader-resource', 'critical', ['ec2:RunInstances']]]);
    const fewer = withOther((s) => {
      s.NotResource = (s.NotResource as string[]).slice(0, 1);
    });
    expect(runDocument(fewer)).toEqual([['broader-resource', 'critical', ['ec2:RunInstances']]]);
  });

  it("its image entry names no AMI (an image's ARN has no account): a copy without it grants no more", () => {
    // (terraform-databricks-sra's GovCloud credential.tf leaves it out and denies other owners' AMIs)
    const noImage = withOther((s) => {
      s.NotResource = (s.NotResource as string[]).filter((r) => !r.includes(':image/'));
    });
    expect(
      (withOther(() => {}).Statement[other]!.NotResource as string[]).some((r) => r.includes(':image/')),
    ).toBe(true);
    expect(runDocument(noImage)).toEqual([]);
    // Without an entry that names resources of RunInstances (its instances): critical, as before.
    const noInstance = withOther((s) => {
      s.NotResource = (s.NotResource as string[]).filter((r) => !r.includes(':instance/'));
    });
    expect(runDocument(noInstance)).toEqual([['broader-resource', 'critical', ['ec2:RunInstances']]]);
  });

  it('ec2:RunInstances on launch templates (outside its NotResource list) is within it', () => {
    expect(
      run({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:us-west-2:123456789012:launch-template/*',
      }),
    ).toEqual([]);
  });
});
