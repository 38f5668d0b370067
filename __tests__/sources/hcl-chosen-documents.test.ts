// source_policy_documents that a condition not known chooses (`[var.admin ? data.x.json :
// data.y.json]`, `var.admin ? [data.x.json] : [data.y.json]`): every branch's documents are read,
// as an Allow's actions chosen so are, said so. Before, the conditional's text was cut short at 80
// characters, so only the documents named before the cut were read, and the note said only
// documents "beyond" those named were left out, as if the others had been read.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fsHost, initHcl, readHclModules } from '../../src/sources/hcl/index.js';
import type { PolicyRecord } from '../../src/core/types.js';

beforeAll(async () => {
  await initHcl();
});

function read(files: Record<string, string>): PolicyRecord[] {
  const root = mkdtempSync(join(tmpdir(), 'chosen-documents-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return readHclModules([{ path: 'main.tf', text: files['main.tf']! }], fsHost(root)).flatMap(
    (r) => r.policies,
  );
}

function policy(recs: PolicyRecord[], address: string): PolicyRecord {
  const rec = recs.find((r) => r.address === address);
  if (!rec) throw new Error(`no ${address}: ${recs.map((r) => r.address).join(', ')}`);
  expect(rec.status).toBe('resolved');
  return rec;
}

const statements = (r: PolicyRecord) => (r.document as { Statement: Record<string, unknown>[] }).Statement;

const DOCS = `
variable "admin" {
  type = bool
}
data "aws_iam_policy_document" "a" {
  statement {
    sid       = "S"
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "b" {
  statement {
    sid       = "S"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
  }
}
`;

const POLICY = `
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.src.json
}
`;

describe('source_policy_documents chosen by a condition not known', () => {
  test.each([
    ['an item', '[var.admin ? data.aws_iam_policy_document.a.json : data.aws_iam_policy_document.b.json]'],
    ['the list', 'var.admin ? [data.aws_iam_policy_document.a.json] : [data.aws_iam_policy_document.b.json]'],
  ])(
    "%s: every branch's Allow statements are read, Sids shared or not; a Deny of one branch left out, noted",
    (_, value) => {
      const recs = read({
        'main.tf': `${DOCS}
data "aws_iam_policy_document" "src" {
  source_policy_documents = ${value}
}
${POLICY}`,
      });
      const p = policy(recs, 'aws_iam_policy.p');
      expect(statements(p)).toEqual([
        { Sid: 'S', Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' },
        { Sid: 'S', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      ]);
      const notes = (p.approximate ?? []).join('\n');
      expect(notes).toContain(
        'read as every branch: source documents that a condition not known chooses (${var.admin ?',
      );
      expect(notes).toContain('left out: a Deny of a document chosen by a conditional');
      // Nothing but the documents named: no note that others were left out.
      expect(notes).not.toContain('documents that are not known');
      // Both documents are used by the policy, none a policy of its own.
      expect(recs.map((r) => r.address)).toEqual(['aws_iam_policy.p']);
    },
  );

  test("the data source's own statement with a Sid both branches hold replaces both", () => {
    const recs = read({
      'main.tf': `${DOCS}
data "aws_iam_policy_document" "src" {
  source_policy_documents = [var.admin ? data.aws_iam_policy_document.a.json : data.aws_iam_policy_document.b.json]
  statement {
    sid       = "S"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
}
${POLICY}`,
    });
    expect(statements(policy(recs, 'aws_iam_policy.p'))).toEqual([
      { Sid: 'S', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
    ]);
  });

  test("passed to a module: the caller's documents are read, not the module's of the same name", () => {
    const recs = read({
      'main.tf': `${DOCS}
module "m" {
  source = "./modules/m"
  docs   = var.admin ? [data.aws_iam_policy_document.a.json] : [data.aws_iam_policy_document.b.json]
}
`,
      'modules/m/main.tf': `
variable "docs" {
  type = list(string)
}
data "aws_iam_policy_document" "a" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "src" {
  source_policy_documents = var.docs
}
${POLICY}`,
    });
    expect(statements(policy(recs, 'module.m.aws_iam_policy.p')).map((s) => s.Action)).toEqual([
      'iam:CreateUser',
      's3:GetObject',
    ]);
  });

  test('override_policy_documents chosen so is still not applied, noted', () => {
    const recs = read({
      'main.tf': `${DOCS}
data "aws_iam_policy_document" "src" {
  source_policy_documents   = [data.aws_iam_policy_document.a.json]
  override_policy_documents = var.admin ? [] : [data.aws_iam_policy_document.b.json]
}
${POLICY}`,
    });
    const p = policy(recs, 'aws_iam_policy.p');
    expect(statements(p).map((s) => s.Action)).toEqual(['iam:CreateUser']);
    expect((p.approximate ?? []).join('\n')).toContain(
      'override_policy_documents chosen by a conditional, not applied',
    );
  });
});

// As a public module's group policy (`policy = var.group_effect == "Allow" ? data.….allow_policy.json
// : data.….deny_policy.json`): the policy itself chosen by a condition not known. Before, it was
// unresolved, though the README says a document chosen by a conditional is read.
describe('a policy chosen by a condition not known', () => {
  const chosen = (value: string) =>
    read({
      'main.tf': `${DOCS}
data "aws_iam_policy_document" "deny" {
  statement {
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "deny_s3" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = ${value}
}`,
    });

  test("every branch's Allow statements are read; a Deny of one left out; noted", () => {
    const p = policy(
      chosen('var.admin ? data.aws_iam_policy_document.a.json : data.aws_iam_policy_document.b.json'),
      'aws_iam_policy.p',
    );
    expect(statements(p).map((s) => s.Action)).toEqual(['iam:CreateUser', 's3:GetObject']);
    const notes = (p.approximate ?? []).join('\n');
    expect(notes).toContain('read as every branch: a policy document that a condition not known chooses');
    expect(notes).toContain('left out: a Deny of a document chosen by a conditional');
  });

  test('one document or nothing: the document is read, its Denies too (a review: they were left out)', () => {
    for (const value of [
      'var.admin ? data.aws_iam_policy_document.a.json : ""',
      'var.admin ? data.aws_iam_policy_document.a.json : null',
    ]) {
      const p = policy(chosen(value), 'aws_iam_policy.p');
      expect(statements(p).map((s) => s.Action)).toEqual(['iam:CreateUser']);
    }
    const b = policy(chosen('var.admin ? data.aws_iam_policy_document.b.json : ""'), 'aws_iam_policy.p');
    expect(statements(b).map((s) => [s.Effect, s.Action])).toEqual([
      ['Allow', 's3:GetObject'],
      ['Deny', 's3:DeleteObject'],
    ]);
    expect((b.approximate ?? []).join('\n')).not.toContain('left out');
  });

  test('a branch that is something else, or documents that only deny: unresolved, with the reason', () => {
    const other = chosen('var.admin ? data.aws_iam_policy_document.a.json : var.policy').find(
      (r) => r.address === 'aws_iam_policy.p',
    );
    expect(other?.status).toBe('unresolved');
    expect(other?.reason).toContain('not evaluated');
    const denies = chosen(
      'var.admin ? data.aws_iam_policy_document.deny.json : data.aws_iam_policy_document.deny_s3.json',
    ).find((r) => r.address === 'aws_iam_policy.p');
    expect(denies?.status).toBe('unresolved');
    expect(denies?.reason).toContain('documents that only deny');
  });
});
