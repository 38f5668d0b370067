// (an independent review, checked with @cloud-copilot/iam-simulate) A Deny of the policy that keeps
// principals out, ignored: a trust policy's `"AWS": "*"` narrowed by a Deny to the vendor's account
// was critical, an account denied outright was still reported, and a vendor's principal that no one
// lets in, or that a NotPrincipal Deny guards with the external ID, was reported without its
// condition; a bucket policy's public grant denied to everyone was critical. A Deny is credited only
// where what it does is known exactly (no condition, or one on aws:PrincipalAccount or
// aws:PrincipalArn that lets through some accounts, or the external ID's guard); one under another
// condition removes nothing, and the findings it may reach say they are approximate.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-07T00:00:00Z');
const LIGHTLY = 'arn:aws:iam::916419735646:root';
const OTHER = 'arn:aws:iam::111122223333:root';
const EXTERNAL_ID = { StringEquals: { 'sts:ExternalId': 'abc' } };

async function audit(name: string, text: string, baseline: string): Promise<Report> {
  const root = mkdtempSync(join(tmpdir(), 'trust-deny-'));
  writeFileSync(join(root, name), text);
  return runAudit({ root, paths: [name], baseline, now: NOW });
}

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (principal: unknown, condition?: object) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...(condition ? { Condition: condition } : {}),
});
const deny = (who: object, condition?: object) => ({
  Effect: 'Deny',
  ...who,
  Action: 'sts:AssumeRole',
  ...(condition ? { Condition: condition } : {}),
});

/** The trust findings of a Lightly role's trust policy: kind, severity, principals, approximate. */
async function trust(...statements: object[]) {
  const r = await audit('lightly-trust.json', doc(...statements), 'lightly');
  expect(r.policies.map((p) => [p.kind, p.status])).toEqual([['trust', 'audited']]);
  return r.findings
    .filter((f) => f.kind === 'broader-trust' || f.kind === 'missing-condition')
    .map((f) => [f.kind, f.severity, f.resources, f.approximate ?? null]);
}

describe("a trust policy's Deny statements that keep principals out", () => {
  // (before: broader-trust critical `*`, "lets any AWS account assume the role")
  it('`*` with the external ID, denied to every account but the vendor by aws:PrincipalAccount: no finding', async () => {
    expect(
      await trust(
        allow({ AWS: '*' }, EXTERNAL_ID),
        deny({ Principal: { AWS: '*' } }, { StringNotEquals: { 'aws:PrincipalAccount': '916419735646' } }),
      ),
    ).toEqual([]);
  });

  // (a review of the above) `"Principal": "*"` lets in federated callers, who start sessions with
  // AssumeRoleWithWebIdentity, unsigned: a Deny of AssumeRole alone leaves them in; one of every
  // start the statement allows keeps the role to the vendor.
  it('`*` allowed AssumeRole and AssumeRoleWithWebIdentity, denied AssumeRole only: still critical', async () => {
    const both = { ...allow('*', EXTERNAL_ID), Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'] };
    const onAccount = { StringNotEquals: { 'aws:PrincipalAccount': '916419735646' } };
    expect(await trust(both, deny({ Principal: '*' }, onAccount))).toEqual([
      ['broader-trust', 'critical', ['*'], null],
    ]);
    expect(await trust(both, deny({ Principal: '*' }))).toEqual([['broader-trust', 'critical', ['*'], null]]);
    const denyBoth = {
      ...deny({ Principal: '*' }),
      Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'],
    };
    expect(await trust(both, denyBoth)).toEqual([]);
  });

  // (before: broader-trust critical `*`)
  it("`*` with the external ID, denied by a NotPrincipal of the vendor's account: no finding", async () => {
    expect(await trust(allow({ AWS: '*' }, EXTERNAL_ID), deny({ NotPrincipal: { AWS: [LIGHTLY] } }))).toEqual(
      [],
    );
  });

  // (before: broader-trust medium for 111122223333)
  it('another account beside the vendor, denied outright: no finding', async () => {
    expect(
      await trust(allow({ AWS: [LIGHTLY, OTHER] }, EXTERNAL_ID), deny({ Principal: { AWS: OTHER } })),
    ).toEqual([]);
  });

  // (before: missing-condition high: "lets Lightly's principal assume the role without the condition")
  it('the vendor without the external ID, where a Deny for everyone lets no one in: no finding', async () => {
    expect(await trust(allow({ AWS: LIGHTLY }), deny({ Principal: { AWS: '*' } }))).toEqual([]);
  });

  // (before: missing-condition high; a Deny guard with NotPrincipal was not read at all)
  it('the vendor without the external ID, guarded by a NotPrincipal Deny that applies to the vendor: no finding', async () => {
    expect(
      await trust(
        allow({ AWS: LIGHTLY }),
        deny({ NotPrincipal: { AWS: OTHER } }, { StringNotEquals: { 'sts:ExternalId': 'abc' } }),
      ),
    ).toEqual([]);
    // (a NotPrincipal that names the vendor's account leaves the vendor unguarded: still reported)
    expect(
      await trust(
        allow({ AWS: LIGHTLY }),
        deny({ NotPrincipal: { AWS: LIGHTLY } }, { StringNotEquals: { 'sts:ExternalId': 'abc' } }),
      ),
    ).toEqual([['missing-condition', 'high', [LIGHTLY], null]]);
  });

  // (before: broader-trust critical `*`)
  it('`*` narrowed by the Deny statements to the vendor and another account: the other account, medium', async () => {
    expect(
      await trust(allow({ AWS: '*' }, EXTERNAL_ID), deny({ NotPrincipal: { AWS: [LIGHTLY, OTHER] } })),
    ).toEqual([['broader-trust', 'medium', [OTHER], null]]);
    expect(
      await trust(
        allow({ AWS: '*' }, EXTERNAL_ID),
        deny({ Principal: '*' }, { StringNotEquals: { 'aws:PrincipalAccount': '111122223333' } }),
      ),
    ).toEqual([['broader-trust', 'medium', ['111122223333'], null]]);
    // (a Deny that lets through a role of the vendor's account does not keep the vendor out)
    expect(
      await trust(
        allow({ AWS: LIGHTLY }),
        deny(
          { Principal: { AWS: LIGHTLY } },
          { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::916419735646:role/x' } },
        ),
      ),
    ).toEqual([['missing-condition', 'high', [LIGHTLY], null]]);
  });

  // (before: the same findings, not marked approximate)
  it('a Deny under a condition not read here removes nothing: the finding stands, approximate', async () => {
    expect(
      await trust(
        allow({ AWS: '*' }, EXTERNAL_ID),
        deny({ Principal: '*' }, { StringNotEquals: { 'aws:PrincipalOrgID': 'o-123' } }),
      ),
    ).toEqual([
      [
        'broader-trust',
        'critical',
        ['*'],
        "the policy's Deny #1 may deny some of these sessions: its condition on aws:PrincipalOrgID is not read here",
      ],
    ]);
    // (a wildcard in the accounts it lets through: not read)
    expect(
      await trust(
        allow({ AWS: '*' }, EXTERNAL_ID),
        deny({ Principal: { AWS: '*' } }, { StringNotLike: { 'aws:PrincipalAccount': '9164*' } }),
      ),
    ).toEqual([
      [
        'broader-trust',
        'critical',
        ['*'],
        "the policy's Deny #1 may deny some of these sessions: its condition on aws:PrincipalAccount is not read here",
      ],
    ]);
    // (a guard of the external ID under a second key: it lets through the sessions without the ID
    // that the second key does not match)
    expect(
      await trust(
        allow({ AWS: LIGHTLY }),
        deny(
          { Principal: { AWS: '*' } },
          { StringNotEquals: { 'sts:ExternalId': 'abc' }, Bool: { 'aws:SecureTransport': 'true' } },
        ),
      ),
    ).toEqual([
      [
        'missing-condition',
        'high',
        [LIGHTLY],
        "the policy's Deny #1 may deny some of these sessions: its condition on sts:ExternalId and aws:SecureTransport is not read here",
      ],
    ]);
  });

  // (before: broader-trust medium, not approximate, in both)
  it('a service: kept out by an unconditional Deny for everyone; a Deny on aws:PrincipalAccount is not read for it', async () => {
    const service = allow({ Service: 'ec2.amazonaws.com' });
    expect(await trust(allow({ AWS: LIGHTLY }, EXTERNAL_ID), service, deny({ Principal: '*' }))).toEqual([]);
    expect(
      await trust(
        allow({ AWS: LIGHTLY }, EXTERNAL_ID),
        service,
        deny({ Principal: '*' }, { StringNotEquals: { 'aws:PrincipalAccount': '916419735646' } }),
      ),
    ).toEqual([
      [
        'broader-trust',
        'medium',
        ['ec2.amazonaws.com'],
        "the policy's Deny #2 may deny these sessions to ec2.amazonaws.com: its condition on aws:PrincipalAccount is read here only for AWS principals",
      ],
    ]);
  });
});

describe("a resource policy's Deny for everyone", () => {
  const ACTIONS = [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:DeleteObject',
    's3:ListBucket',
    's3:GetBucketLocation',
  ];
  const VENDOR = {
    Sid: 'G',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::414351767826:root' },
    Action: ACTIONS,
    Resource: ['arn:aws:s3:::root-b/*', 'arn:aws:s3:::root-b'],
  };
  const open = (action: string | string[]) => ({
    Sid: 'P',
    Effect: 'Allow',
    Principal: '*',
    Action: action,
    Resource: 'arn:aws:s3:::root-b/*',
  });
  const denyAll = (action: string, resource = 'arn:aws:s3:::root-b/*', condition?: object) => ({
    Sid: 'D',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  });
  async function findings(...statements: object[]) {
    const r = await audit('bucket-policy.json', doc(VENDOR, ...statements), 'databricks:root-bucket');
    return r.findings.map((f) => [f.kind, f.severity, f.statement ?? null, f.actions]);
  }

  // (before: broader-principal critical P s3:GetObject)
  it('a public grant denied to everyone, unconditionally, on its resources: no broader-principal', async () => {
    expect(await findings(open('s3:GetObject'), denyAll('s3:GetObject'))).toEqual([
      // (the Deny takes the vendor's GetObject too: reported missing, as before)
      ['missing-permission', 'info', null, ['s3:GetObject']],
    ]);
  });

  // (before: broader-principal critical with both actions)
  it('denied some of its actions: the others, critical; on other resources, or under a condition: all', async () => {
    const both = ['s3:GetObject', 's3:PutObject'];
    expect(
      (await findings(open(both), denyAll('s3:GetObject'))).filter((f) => f[0] === 'broader-principal'),
    ).toEqual([['broader-principal', 'critical', 'P', ['s3:PutObject']]]);
    expect(
      (await findings(open(both), denyAll('s3:GetObject', 'arn:aws:s3:::root-b/private/*'))).filter(
        (f) => f[0] === 'broader-principal',
      ),
    ).toEqual([['broader-principal', 'critical', 'P', both]]);
    expect(
      (
        await findings(
          open(both),
          denyAll('s3:GetObject', 'arn:aws:s3:::root-b/*', { Bool: { 'aws:SecureTransport': 'false' } }),
        )
      ).filter((f) => f[0] === 'broader-principal'),
    ).toEqual([['broader-principal', 'critical', 'P', both]]);
  });
});
