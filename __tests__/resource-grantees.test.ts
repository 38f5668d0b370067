// A resource policy shared with a vendor also grants other principals (the account's own root,
// its roles, AWS services): only the statements that may grant the vendor are held to the
// vendor's baseline. The others are not findings, are named in a note, and are kept as written in
// the suggested policy (so `fix` never deletes a key's root statement).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { statementsForVendor } from '../src/audit/grantees.js';
import { parsePolicyDocument } from '../src/policy/document.js';
import { builtinBaselines } from '../src/baselines/load.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const DATADOG = 'arn:aws:iam::464622532012:root';

function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-grantees-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const audit = (files: Record<string, unknown>, baseline?: string): Promise<Report> =>
  runAudit({ root: repo(files), paths: ['.'], baseline, now: NOW });

const statementsOf = (r: Report) => [...new Set(r.findings.map((f) => f.statement))].sort();
const minimalSids = (r: Report) =>
  (r.suggestions[0]?.minimal as { Statement: { Sid?: string }[] } | undefined)?.Statement.map((s) => s.Sid);

// A key policy as AWS's console writes it for a key shared with another account: the account's
// root, then the other account's use of the key (here Datadog's, for a log archive).
const KEY_TF = `data "aws_caller_identity" "current" {}

resource "aws_kms_key" "archive" {
  description = "Datadog log archive"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIAMUserPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowDatadog"
        Effect    = "Allow"
        Principal = { AWS = "${DATADOG}" }
        Action    = ["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant"]
        Resource  = "*"
      }
    ]
  })
}
`;

describe("a resource policy's statements for other principals are not the vendor's", () => {
  it("a key policy's root statement is no finding; the vendor's statement is judged; the suggestion keeps the root", async () => {
    const r = await audit({ 'main.tf': KEY_TF });
    const key = r.policies.find((p) => p.address === 'aws_kms_key.archive')!;
    expect([key.status, key.baseline]).toEqual(['audited', 'datadog']);
    expect(statementsOf(r)).toEqual(['AllowDatadog']);
    expect(r.findings.flatMap((f) => f.actions).sort()).toEqual([
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:Encrypt',
    ]);
    expect(minimalSids(r)).toEqual(['EnableIAMUserPermissions']);
    const note = r.notes?.find((n) => n.startsWith('Resource policy statements'));
    expect(note).toMatch(
      /main\.tf aws_kms_key\.archive \(Datadog\): EnableIAMUserPermissions to arn:aws:iam::<account-ID-without-hyphens>:root\.$/,
    );
  });

  it('the same with a literal account, and a service principal beside it', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'Logs',
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
        { Sid: 'Datadog', Effect: 'Allow', Principal: { AWS: DATADOG }, Action: 'kms:*', Resource: '*' },
      ],
    };
    const r = await audit({ 'key-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(['Datadog']);
    expect(r.findings.some((f) => f.severity === 'critical')).toBe(true);
    expect(minimalSids(r)).toEqual(['Root', 'Logs']);
    expect(r.notes?.join('\n')).toMatch(
      /Root to 111122223333, Logs to Service: logs\.us-east-1\.amazonaws\.com\./,
    );
  });

  it('a statement that may reach the vendor is judged: *, NotPrincipal, the vendor among others, a value not known', async () => {
    const st = (Sid: string, extra: Record<string, unknown>) => ({
      Sid,
      Effect: 'Allow',
      Action: 's3:DeleteBucket',
      Resource: 'arn:aws:s3:::logs',
      ...extra,
    });
    const policy = {
      Statement: [
        st('Vendor', {
          Principal: { AWS: DATADOG },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::logs/*',
        }),
        st('Anyone', { Principal: '*' }),
        st('AnyAws', { Principal: { AWS: '*' } }),
        st('AllBut', { NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }),
        st('Both', { Principal: { AWS: ['arn:aws:iam::111122223333:root', '464622532012'] } }),
        st('NotKnown', { Principal: { AWS: '${var.reader}' } }),
        st('NamedRole', { Principal: { AWS: 'arn:aws:iam::111122223333:role/DatadogIntegrationRole' } }),
        st('Other', { Principal: { AWS: 'arn:aws:iam::111122223333:role/app' } }),
      ],
    };
    const r = await audit({ 'bucket-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(
      ['AllBut', 'Anyone', 'AnyAws', 'Both', 'NamedRole', 'NotKnown', 'Vendor'].sort(),
    );
    expect(r.notes?.join('\n')).toMatch(
      /bucket-policy\.json \(Datadog\): Other to arn:aws:iam::111122223333:role\/app\./,
    );
  });

  it("a Deny for another principal does not hide the vendor's excess; a Deny for everyone still does", async () => {
    const allow = {
      Sid: 'Vendor',
      Effect: 'Allow',
      Principal: { AWS: DATADOG },
      Action: 's3:*',
      Resource: 'arn:aws:s3:::logs/*',
    };
    const deny = (principal: unknown) => ({
      Sid: 'NoDelete',
      Effect: 'Deny',
      Principal: principal,
      Action: 's3:Delete*',
      Resource: 'arn:aws:s3:::logs/*',
    });
    const deleted = (r: Report) =>
      r.findings.flatMap((f) => f.actions).filter((a) => a.startsWith('s3:Delete'));
    const other = await audit({ 'p.json': { Statement: [allow, deny({ AWS: '111122223333' })] } }, 'datadog');
    expect(deleted(other).length).toBeGreaterThan(0);
    const everyone = await audit({ 'p.json': { Statement: [allow, deny('*')] } }, 'datadog');
    expect(deleted(everyone)).toEqual([]);
  });

  it('a resource policy that names no vendor principal is judged whole, as before', async () => {
    const policy = {
      Statement: [
        {
          Sid: 'App',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/app' },
          Action: 's3:*',
          Resource: 'arn:aws:s3:::logs/*',
        },
      ],
    };
    const r = await audit({ 'bucket-policy.json': policy }, 'datadog');
    expect(statementsOf(r)).toEqual(['App']);
    expect(r.notes?.some((n) => n.startsWith('Resource policy statements'))).toBe(false);
  });

  it('statementsForVendor: the statements judged and the others, with the principals they name', () => {
    const datadog = builtinBaselines().find((b) => b.id === 'datadog')!;
    const parsed = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: DATADOG }, Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:*', Resource: '*' },
      ],
    }).doc!;
    const split = statementsForVendor(parsed, datadog)!;
    expect(split.judged.statements.map((s) => s.index)).toEqual([0]);
    expect(split.others.map((o) => [o.statement.index, o.principals])).toEqual([[1, ['111122223333']]]);
  });
});
