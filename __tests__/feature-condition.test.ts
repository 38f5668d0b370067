// A grant reported as an inactive set's leftover says when the set grants those actions only under
// a condition the statement does not keep to. Lightly's optional feature restrict-ip grants s3:* on
// the bucket only under `IpAddress aws:SourceIp`; `s3:*` on a bucket without a condition was told
// "keep them only if you use restrict-ip" (s3:PutBucketPolicy, s3:DeleteBucket* among them): a user
// of the feature was told to keep unconditional bucket-policy and delete rights. With the feature
// active, the same grant is a missing-condition finding.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { findingPart } from '../src/audit/findings.js';
import { loadCatalog } from '../src/policy/catalog.js';
import { renderText } from '../src/report/text.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-06');
const BUCKET = ['arn:aws:s3:::lightly-bucket', 'arn:aws:s3:::lightly-bucket/*'];
const IP = 'only under its condition (IpAddress aws:SourceIp = <placeholder>)';

async function audit(
  statement: Record<string, unknown>,
  opts: { baseline?: string; reference?: boolean; files?: Record<string, string> } = {},
): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'feature-condition-'));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(root, name), text);
  writeFileSync(join(root, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));
  return runAudit({
    root,
    paths: ['p.json'],
    baseline: (opts.baseline ?? 'lightly').replace('<root>', root),
    now: NOW,
    ...(opts.reference ? { reference: true } : {}),
  });
}

const allow = (action: string | string[], resource: string | string[], condition?: object) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

/** The findings other than missing-permission (informational). */
const excess = (r: Report) => r.findings.filter((f) => f.kind !== 'missing-permission');
const leftovers = (r: Report) => r.findings.filter((f) => f.kind === 'leftover-set');

describe("an inactive feature's actions granted without the feature's condition", () => {
  test('s3:* on a bucket without a condition (the review): the feature finding names the condition', async () => {
    const report = await audit(allow(['s3:*'], BUCKET));
    const [f, ...more] = leftovers(report);
    expect(more).toEqual([]);
    expect(f!.feature).toBe('restrict-ip');
    expect(f!.message).toBe(
      '61 actions (from s3:*) only in the optional feature "restrict-ip" of the Lightly baseline, which this policy does not grant in full: keep them only if you use restrict-ip, and then only under its condition (IpAddress aws:SourceIp = <placeholder>), which this statement does not have: s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketOwnershipControls, s3:PutBucketPublicAccessBlock and 56 more',
    );
    // Kind and severity as before; not approximate (the statement has no condition).
    expect(f!.severity).toBe('high');
    expect(f!.approximate).toBeUndefined();
    expect(f!.actions).toEqual(expect.arrayContaining(['s3:PutBucketPolicy', 's3:DeleteBucket']));
    expect(renderText(report)).toContain(`keep them only if you use restrict-ip, and then ${IP}`);
  });

  test("s3:* under the feature's condition: the feature is in use, no caveat anywhere", async () => {
    const report = await audit(allow(['s3:*'], BUCKET, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }));
    expect(leftovers(report)).toEqual([]);
    expect(report.findings.filter((f) => f.kind === 'missing-condition')).toEqual([]);
    for (const f of report.findings) expect(f.message).not.toContain('only under its condition');
  });

  test('with the feature active, the same grant is a missing-condition finding (as before)', async () => {
    const report = await audit(allow(['s3:*'], BUCKET), { baseline: 'lightly:minimum,restrict-ip' });
    expect(leftovers(report)).toEqual([]);
    const [m] = report.findings.filter((f) => f.kind === 'missing-condition');
    expect(m!.message).toContain(
      '61 actions granted without the condition the Lightly baseline requires (IpAddress aws:SourceIp = <placeholder>) for the optional feature "restrict-ip"',
    );
  });

  // Two bucket actions of the feature (not its s3:*: no evidence the feature is in use), so they
  // stay the inactive feature's leftover whatever the condition.
  const two = ['s3:PutBucketPolicy', 's3:DeleteBucket'];
  const leftoverOf = async (condition?: object) => {
    const [f, ...more] = excess(await audit(allow(two, BUCKET[0]!, condition)));
    expect(more).toEqual([]);
    expect(f!.kind).toBe('leftover-set');
    return f!;
  };

  test('no condition: the caveat, and the text report shows the message (two actions)', async () => {
    const report = await audit(allow(two, BUCKET[0]!));
    const [f] = excess(report);
    expect(f!.message).toBe(
      `2 actions only in the optional feature "restrict-ip" of the Lightly baseline, which this policy does not grant in full: keep them only if you use restrict-ip, and then ${IP}, which this statement does not have: s3:PutBucketPolicy, s3:DeleteBucket`,
    );
    expect(renderText(report)).toContain(`and then ${IP}, which this statement does not have`);
  });

  test("the feature's condition (any range: 21.21.21.0/24 is Lightly's example): no caveat", async () => {
    const f = await leftoverOf({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } });
    expect(f.feature).toBe('restrict-ip');
    expect(f.message).toBe(
      '2 actions only in the optional feature "restrict-ip" of the Lightly baseline, which this policy does not grant in full: keep them only if you use restrict-ip: s3:PutBucketPolicy, s3:DeleteBucket',
    );
  });

  test('the condition and another one (narrower): no caveat', async () => {
    const f = await leftoverOf({
      IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
      Bool: { 'aws:SecureTransport': 'true' },
    });
    expect(f.message).not.toContain('only under its condition');
  });

  test('another IP key (aws:VpcSourceIp): the caveat, said of a condition that does not keep to it', async () => {
    const f = await leftoverOf({ IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' } });
    expect(f.feature).toBe('restrict-ip');
    expect(f.message).toContain(
      `keep them only if you use restrict-ip, and then ${IP}, which this statement's condition does not keep to: s3:PutBucketPolicy`,
    );
    expect(f.approximate).toBeUndefined();
  });

  test('another operator on the key (NotIpAddress): the caveat, said to be approximate', async () => {
    const f = await leftoverOf({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    expect(f.message).toContain(
      `keep them only if you use restrict-ip, and then ${IP}, which this tool cannot tell this statement's condition keeps to: `,
    );
    expect(f.approximate).toBe(
      'the policy has a condition on the same key that this tool cannot compare exactly',
    );
  });

  test("the other feature's condition (aws:SourceVpc): that feature's leftover, no caveat", async () => {
    const f = await leftoverOf({ StringEquals: { 'aws:SourceVpc': 'vpc-0abc' } });
    expect(f.feature).toBe('restrict-vpc');
    expect(f.message).toBe(
      '2 actions only in the optional feature "restrict-vpc" of the Lightly baseline, which this policy does not grant in full: keep them only if you use restrict-vpc: s3:PutBucketPolicy, s3:DeleteBucket',
    );
  });

  test('on broader resources than the feature allows: the caveat after "on those resources"', async () => {
    const report = await audit(allow('s3:PutBucketPolicy', '*'));
    const [f] = leftovers(report);
    expect(f!.message).toBe(
      `1 action granted on *, broader than the optional feature "restrict-ip" of the Lightly baseline allows (arn:aws:s3:::<datalake>): keep them only if you use restrict-ip, on those resources and ${IP}, which this statement does not have: s3:PutBucketPolicy`,
    );
    const kept = await audit(
      allow('s3:PutBucketPolicy', '*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
    );
    expect(leftovers(kept)[0]!.message).toMatch(/, on those resources: s3:PutBucketPolicy$/);
    // Under the other feature's condition: that feature's, with no caveat.
    const vpc = await audit(
      allow('s3:PutBucketPolicy', '*', { StringEquals: { 'aws:SourceVpc': 'vpc-0abc' } }),
    );
    const [v] = leftovers(vpc);
    expect(v!.feature).toBe('restrict-vpc');
    expect(v!.message).toMatch(/"restrict-vpc" .*, on those resources: s3:PutBucketPolicy$/);
  });

  test('part of the finding (an ignore rule for some of its actions) keeps the caveat', async () => {
    const [f] = leftovers(await audit(allow(['s3:*'], BUCKET)));
    const part = findingPart(f!, ['s3:DeleteBucketPolicy', 's3:PutBucketPolicy'], loadCatalog());
    expect(part!.message).toBe(
      `2 actions (from s3:*) only in the optional feature "restrict-ip" of the Lightly baseline, which this policy does not grant in full: keep them only if you use restrict-ip, and then ${IP}, which this statement does not have: s3:PutBucketPolicy, s3:DeleteBucketPolicy`,
    );
  });
});

// The same for an inactive Setup set and another alternative, and per action: an action the set
// also grants without a condition on the resource gets no caveat.
const VENDOR = `id: my-vendor
name: My Vendor
default-sets: [plain]
sets:
  - name: boot
    kind: setup
    statements:
      - Effect: Allow
        Action: iam:CreateRole
        Resource: "*"
        Condition:
          StringEquals:
            aws:RequestedRegion: us-east-1
  - name: plain
    kind: ongoing
    choice: mode
    statements:
      - Effect: Allow
        Action: s3:GetObject
        Resource: "arn:aws:s3:::my-bucket/*"
  - name: guarded
    kind: ongoing
    choice: mode
    statements:
      - Effect: Allow
        Action: [s3:GetObject, s3:PutObject, s3:DeleteObject]
        Resource: "arn:aws:s3:::my-bucket/*"
        Condition:
          Bool:
            aws:SecureTransport: "true"
      - Effect: Allow
        Action: s3:DeleteObject
        Resource: "arn:aws:s3:::my-bucket/tmp/*"
`;

describe("an inactive set's actions granted without the set's condition", () => {
  const own = { baseline: '<root>/vendor.yml:plain', files: { 'vendor.yml': VENDOR } };

  test('an inactive Setup set', async () => {
    const [f] = excess(await audit(allow('iam:CreateRole', '*'), own));
    expect(f!.message).toBe(
      '1 action only in the inactive Setup set "boot" of the My Vendor baseline, and there only under its condition (StringEquals aws:RequestedRegion = us-east-1), which this statement does not have: iam:CreateRole',
    );
    const [g] = excess(
      await audit(
        allow('iam:CreateRole', '*', { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }),
        own,
      ),
    );
    expect(g!.message).toBe(
      '1 action only in the inactive Setup set "boot" of the My Vendor baseline: iam:CreateRole',
    );
  });

  test('another alternative, split by action where the set grants one of them without its condition', async () => {
    const report = await audit(
      allow(['s3:PutObject', 's3:DeleteObject', 's3:GetObject'], 'arn:aws:s3:::my-bucket/tmp/*'),
      own,
    );
    expect(excess(report).map((f) => f.message)).toEqual([
      '1 action only in "guarded", another alternative (mode) of the My Vendor baseline, not in "plain", the one this policy is held to: s3:DeleteObject',
      '1 action only in "guarded", another alternative (mode) of the My Vendor baseline, not in "plain", the one this policy is held to; "guarded" grants them only under its condition (Bool aws:SecureTransport = true), which this statement does not have: s3:PutObject',
    ]);
  });
});

describe('in a pull request', () => {
  test("a change that drops the feature's condition makes the grant new (before it, no caveat)", async () => {
    const two = ['s3:PutBucketPolicy', 's3:DeleteBucket'];
    const root = mkdtempSync(join(tmpdir(), 'feature-condition-pr-'));
    const doc = (condition?: object) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [allow(two, BUCKET[0]!, condition)] });
    const before = doc({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    writeFileSync(join(root, 'p.json'), doc());
    for (const reference of [false, true]) {
      const report = await runAudit({
        root,
        paths: ['p.json'],
        baseline: 'lightly',
        now: NOW,
        readBase: async () => before,
        ...(reference ? { reference: true } : {}),
      });
      // (the base's finding, without the caveat, is reported removed)
      const [f, ...more] = leftovers(report).filter((x) => !x.removed);
      expect(more).toEqual([]);
      expect(f!.message).toContain(`and then ${IP}, which this statement does not have`);
      expect(f!.new).toBe(true);
    }
    // The same grant at the base: not new.
    const same = await runAudit({
      root,
      paths: ['p.json'],
      baseline: 'lightly',
      now: NOW,
      readBase: async () => doc(),
    });
    expect(leftovers(same).map((f) => f.new)).toEqual([false]);
  });
});

describe('the reference path gives the same report', () => {
  test.each([
    ['no condition', undefined],
    ['the condition', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['another key', { IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/16' } }],
    ['another operator', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['the other feature', { StringEquals: { 'aws:SourceVpc': 'vpc-0abc' } }],
  ])('%s', async (_name, condition) => {
    for (const statement of [
      allow(['s3:*'], BUCKET, condition),
      allow(['s3:*'], '*', condition),
      allow(['s3:PutBucketPolicy', 's3:DeleteBucket', 's3:GetObject'], BUCKET, condition),
      allow(['s3:PutBucketPolicy', 's3:GetObject'], '*', condition),
    ]) {
      const shared = await audit(statement);
      const reference = await audit(statement, { reference: true });
      expect(JSON.stringify(reference)).toBe(JSON.stringify(shared));
    }
  });

  test('my vendor', async () => {
    const own = { baseline: '<root>/vendor.yml:plain', files: { 'vendor.yml': VENDOR } };
    for (const statement of [
      allow(['s3:PutObject', 's3:DeleteObject', 's3:GetObject'], 'arn:aws:s3:::my-bucket/tmp/*'),
      allow(['s3:*', 'iam:CreateRole'], '*'),
      allow(['s3:*'], 'arn:aws:s3:::my-bucket/*', { Bool: { 'aws:SecureTransport': 'true' } }),
    ]) {
      const shared = await audit(statement, own);
      const reference = await audit(statement, { ...own, reference: true });
      expect(JSON.stringify(reference)).toBe(JSON.stringify(shared));
    }
  });
});
