// A resource policy held to a baseline that names the vendor's principal (Databricks' root bucket
// policy: its account's root), whose statement grants the same actions to anyone (a review: a
// bucket policy with `"Principal": "*"`, with NotPrincipal, and the vendor's statement beside a
// public one, were audited clean; the simulator allows another account's PutObject there):
// `broader-principal`, critical. Under a condition, or beside a Deny for any principal, low and
// approximate; a statement for another principal is not the vendor's and is not held to it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { pullRequest } from '../helpers/pr.js';

const NOW = new Date('2026-12-07T00:00:00Z');
const ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetBucketLocation',
];
const RESOURCES = ['arn:aws:s3:::acme-dbx-root/*', 'arn:aws:s3:::acme-dbx-root'];
const VENDOR = {
  Sid: 'Grant Databricks Access',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::414351767826:root' },
  Action: ACTIONS,
  Resource: RESOURCES,
};
const policy = (...extra: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [VENDOR, ...extra] }, null, 2);

async function audit(text: string, baseline = 'databricks') {
  const root = mkdtempSync(join(tmpdir(), 'open-principals-'));
  writeFileSync(join(root, 'bucket-policy.json'), text);
  return runAudit({ root, paths: ['.'], baseline, now: NOW });
}
const open = (r: Awaited<ReturnType<typeof audit>>) =>
  r.findings
    .filter((f) => f.kind === 'broader-principal')
    .map((f) => [f.statement, f.severity, f.actions, f.resources, f.approximate ?? null]);

/** The `new` of each broader-principal finding of a pull request from `base` to `head`. */
async function newness(base: string, head: string): Promise<(boolean | undefined)[]> {
  const pr = pullRequest(
    'open-principals-pr-',
    { 'bucket-policy.json': base },
    { 'bucket-policy.json': head },
  );
  const r = await runAudit({
    root: pr.root,
    paths: ['.'],
    baseline: 'databricks',
    now: NOW,
    readBase: pr.readBase,
  });
  return r.findings.filter((f) => f.kind === 'broader-principal').map((f) => f.new);
}

describe('broader-principal: a resource policy that grants to anyone what the baseline grants the vendor', () => {
  it("the vendor's statement alone: no finding", async () => {
    const r = await audit(policy());
    expect(r.policies.map((p) => [p.status, p.sets])).toEqual([['audited', ['root-bucket']]]);
    expect(r.findings).toEqual([]);
  });

  it.each([
    ['"Principal": "*"', { Principal: '*' }],
    ['{"AWS": "*"}', { Principal: { AWS: ['arn:aws:iam::414351767826:root', '*'] } }],
    ['NotPrincipal', { NotPrincipal: { AWS: 'arn:aws:iam::999999999999:root' } }],
  ])('%s beside it: critical, naming the actions it opens', async (_name, who) => {
    const r = await audit(
      policy({
        Sid: 'Open',
        Effect: 'Allow',
        ...who,
        Action: ['s3:GetObject', 's3:PutObject', 'ec2:RunInstances'],
        Resource: 'arn:aws:s3:::acme-dbx-root/*',
      }),
    );
    // (ec2:RunInstances: not what a bucket policy can grant)
    expect(open(r)).toEqual([['Open', 'critical', ['s3:GetObject', 's3:PutObject'], ['*'], null]]);
    expect(r.findings.find((f) => f.kind === 'broader-principal')!.message).toMatch(
      /^grants (any AWS account and anonymous callers|every principal but the ones its NotPrincipal names).*; Databricks documents only its account 414351767826$/,
    );
  });

  it('under a condition (a VPC endpoint), or beside a Deny for any principal: low and approximate', async () => {
    const cond = await audit(
      policy({
        Sid: 'Vpce',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: RESOURCES[0],
        Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b' } },
      }),
    );
    expect(open(cond)).toEqual([
      [
        'Vpce',
        'low',
        ['s3:GetObject'],
        ['*'],
        "the condition (aws:SourceVpce) is not compared with Databricks' principal",
      ],
    ]);
    const denied = await audit(
      policy(
        { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: RESOURCES[0] },
        {
          Sid: 'OnlyDatabricks',
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::414351767826:root' },
          Action: 's3:*',
          Resource: RESOURCES,
        },
      ),
    );
    expect(open(denied)).toEqual([
      [
        'Open',
        'low',
        ['s3:GetObject'],
        ['*'],
        "the policy's Deny OnlyDatabricks may keep it to Databricks' principal: not compared",
      ],
    ]);
  });

  // (a second review) The TLS-only Deny of most hardened bucket policies, and a condition anyone
  // meets (aws:SecureTransport), narrow nothing of whom: still critical.
  it('beside the TLS-only Deny, or under aws:SecureTransport: still critical', async () => {
    const tls = {
      Sid: 'TlsOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: RESOURCES,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const open1 = {
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: RESOURCES[0],
    };
    const open2 = { ...open1, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    for (const extra of [[open1, tls], [open2]]) {
      const r = await audit(policy(...extra));
      expect(open(r).map((f) => f.slice(0, 2))).toEqual([['Open', 'critical']]);
    }
  });

  // (a third review) Conditions an anonymous caller meets, or that narrow nothing, and a Deny of
  // something else, left a public bucket low; `*` kept to the vendor's account is the vendor's.
  it('a condition an anonymous caller meets, or a Deny of other actions: critical; kept to the vendor: none', async () => {
    const openWith = (condition: object) => ({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: RESOURCES[0],
      Condition: condition,
    });
    for (const condition of [
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
      { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } },
      { Null: { 'aws:SourceVpce': 'true' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
      { StringLike: { 'aws:PrincipalAccount': '*' } },
    ]) {
      const r = await audit(policy(openWith(condition)));
      expect([condition, open(r).map((f) => f[1])]).toEqual([condition, ['critical']]);
    }
    const otherDeny = {
      Sid: 'NoPolicyChanges',
      Effect: 'Deny',
      NotPrincipal: { AWS: 'arn:aws:iam::414351767826:root' },
      Action: 's3:PutBucketPolicy',
      Resource: RESOURCES[1],
    };
    const open1 = {
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: RESOURCES[0],
    };
    expect(open(await audit(policy(open1, otherDeny))).map((f) => f[1])).toEqual(['critical']);
    const vendorOnly = await audit(
      policy(openWith({ StringEquals: { 'aws:PrincipalAccount': '414351767826' } })),
    );
    expect(open(vendorOnly)).toEqual([]);
  });

  it("a public bucket policy that grants the vendor nothing (a website's, audited with --baseline databricks): not the root bucket's", async () => {
    const website = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Website',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::www/*',
        },
      ],
    });
    const r = await audit(website);
    expect(open(r)).toEqual([]);
    // (held to the root-bucket set by name, it is)
    const named = await audit(website, 'databricks:root-bucket');
    expect(open(named).map((f) => f.slice(0, 2))).toEqual([['Website', 'critical']]);
  });

  it("a statement for another account is not the vendor's: not held to the baseline, no finding", async () => {
    const r = await audit(
      policy({
        Sid: 'Other',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:root' },
        Action: 's3:GetObject',
        Resource: RESOURCES[0],
      }),
    );
    expect(r.findings).toEqual([]);
  });

  it('a statement that grants the resource nothing, or a baseline that names no principal: none', async () => {
    // (RunInstances on a bucket's objects grants nothing)
    const r = await audit(
      policy({
        Sid: 'Open',
        Effect: 'Allow',
        Principal: '*',
        Action: 'ec2:RunInstances',
        Resource: RESOURCES[0],
      }),
    );
    expect(open(r)).toEqual([]);
    // Lightly's sets name no principal: whom a bucket policy grants is not Lightly's to say.
    const lightly = await audit(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:ListBucket'], Resource: RESOURCES },
        ],
      }),
      'lightly:delegated-access',
    );
    expect(lightly.policies.map((p) => p.status)).toEqual(['audited']);
    expect(open(lightly)).toEqual([]);
  });

  it('a pull request that inserts a statement before the open one, or adds a condition to it: not new', async () => {
    const openStmt = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: RESOURCES[0] };
    const deny = {
      Effect: 'Deny',
      Principal: { AWS: 'arn:aws:iam::999999999999:root' },
      Action: 's3:*',
      Resource: RESOURCES,
    };
    const base = JSON.stringify({ Version: '2012-10-17', Statement: [VENDOR, openStmt] });
    for (const head of [
      JSON.stringify({ Version: '2012-10-17', Statement: [deny, VENDOR, openStmt] }),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [VENDOR, { ...openStmt, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }],
      }),
    ]) {
      expect(await newness(base, head)).toEqual([false]);
    }
  });

  it('a pull request that opens the bucket: new; one that keeps it open: not new', async () => {
    const opened = policy({
      Sid: 'Open',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: RESOURCES[0],
    });
    for (const [base, isNew] of [
      [policy(), true],
      [opened, false],
    ] as const) {
      expect(await newness(base, opened)).toEqual([isNew]);
    }
  });
});
