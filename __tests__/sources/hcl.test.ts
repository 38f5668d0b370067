// Terraform `.tf` modules read offline (src/sources/hcl): real public modules (fixtures/hcl, see
// the fixtures README), the evaluator on small configurations written for these tests, and the
// acceptance checks through runAudit.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { discover } from '../../src/sources/discover.js';
import { fsHost, initHcl, readHclModules, type HclFile } from '../../src/sources/hcl/index.js';
import type { InputResult, PolicyRecord } from '../../src/core/types.js';

const TF4 = `
variable "use" {}
data "aws_iam_policy_document" "deny" {
  statement {
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "narrow" {
  statement {
    sid       = "Main"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "a" {
  source_policy_documents = [var.use ? data.aws_iam_policy_document.deny.json : ""]
  statement {
    actions   = ["sqs:*", "kms:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "b" {
  override_policy_documents = [var.use ? data.aws_iam_policy_document.narrow.json : ""]
  statement {
    sid       = "Main"
    actions   = ["kms:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "c" {
  source_policy_documents = [var.use ? data.aws_iam_policy_document.narrow.json : jsonencode({ Statement = [{ Effect = "Allow", Action = "ecr:*", Resource = "*" }] })]
}
resource "aws_iam_policy" "a" {
  policy = data.aws_iam_policy_document.a.json
}
resource "aws_iam_policy" "b" {
  policy = data.aws_iam_policy_document.b.json
}
resource "aws_iam_policy" "c" {
  policy = data.aws_iam_policy_document.c.json
}
`;

const FIX = join(new URL('../fixtures/hcl/', import.meta.url).pathname);
const NOW = new Date('2026-11-22T00:00:00Z');

beforeAll(async () => {
  await initHcl();
});

function filesOf(root: string, dir: string): HclFile[] {
  const out: HclFile[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = dir === '.' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...filesOf(root, p));
    else if (/\.(tf|tfvars)$/.test(e.name)) out.push({ path: p, text: readFileSync(join(root, p), 'utf8') });
  }
  return out;
}

function readFixture(name: string): InputResult[] {
  return readHclModules(filesOf(FIX, name), fsHost(FIX));
}

function policies(results: InputResult[]): PolicyRecord[] {
  return results.flatMap((r) => r.policies);
}

/** A temporary module: files by relative path. */
function moduleOf(files: Record<string, string>): { root: string; results: InputResult[] } {
  const root = mkdtempSync(join(tmpdir(), 'iba-hcl-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  const hcl = Object.keys(files)
    .filter((p) => /\.(tf|tfvars)$/.test(p) && !p.startsWith('modules/'))
    .map((p) => ({ path: p, text: files[p]! }));
  return { root, results: readHclModules(hcl, fsHost(root)) };
}

function doc(rec: PolicyRecord | undefined): { Statement: Record<string, unknown>[] } {
  expect(rec?.status).toBe('resolved');
  return rec!.document as { Statement: Record<string, unknown>[] };
}

// Every IAM policy each fixture holds: [file, address, kind, status, reason (a part of it)].
type Row = [string, string, string, string, string?];
const EXPECTED: Record<string, Row[]> = {
  'anyscale-aws-anyscale-iam': [
    ['main.tf', 'aws_iam_role.anyscale_access_role[0]', 'trust', 'resolved'],
    ['main.tf', 'aws_iam_policy.anyscale_steadystate_policy[0]', 'identity', 'resolved'],
    ['main.tf', 'aws_iam_policy.anyscale_servicesv2_policy[0]', 'identity', 'resolved'],
    ['main.tf', 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly', 'identity', 'resolved'],
    ['main.tf', 'aws_iam_role.anyscale_cluster_node_role[0]', 'trust', 'resolved'],
    // The fixture's variables.tf is an older version that does not declare the secrets variables.
    [
      'main.tf',
      'aws_iam_policy.anyscale_cluster_node_secretsmanager_policy',
      'identity',
      'unresolved',
      'source_policy_documents depends on ${try(length(var.anyscale_cluster_node_byod_custom_secrets_policy)',
    ],
    ['main.tf', 'aws_iam_policy.anyscale_cluster_node_cloudwatch_policy', 'identity', 'resolved'],
    ['main.tf', 'aws_iam_policy.anyscale_s3_access_policy[0]', 'identity', 'resolved'],
  ],
  'coiled-terraform-template': [
    ['iam.tf', 'aws_iam_policy.cloudwatch_agent', 'identity', 'resolved'],
    ['iam.tf', 'aws_iam_role.coiled_cluster_role', 'trust', 'resolved'],
    ['iam.tf', 'aws_iam_policy.ongoing', 'identity', 'resolved'],
    ['iam.tf', 'aws_iam_policy.setup', 'identity', 'resolved'],
    ['iam.tf', 'aws_iam_role.coiled_control_plane_role', 'trust', 'resolved'],
  ],
  'databricks-aws-databricks-unity-catalog': [
    ['uc_cross_account_role.tf', 'aws_iam_policy.unity_metastore', 'identity', 'resolved'],
    ['uc_cross_account_role.tf', 'aws_iam_policy.sample_data', 'identity', 'resolved'],
    ['uc_cross_account_role.tf', 'aws_iam_role.metastore_data_access', 'trust', 'resolved'],
  ],
  'datadog-aws-cspm': [
    ['aws.tf', 'aws_iam_role.datadog-role', 'trust', 'resolved'],
    ['aws.tf', 'arn:aws:iam::aws:policy/SecurityAudit', 'identity', 'resolved'],
    ['aws.tf', 'aws_iam_policy.additional-permissions', 'identity', 'resolved'],
  ],
  // create_role defaults to false: count = 0, no role; the two trust documents only it uses are
  // not audited on their own (NO_INSTANCE).
  'terraform-aws-iam-assumable-role': [],
  'terraform-aws-iam-group-with-policies': [
    ['main.tf', 'aws_iam_policy.iam_self_management[0]', 'identity', 'resolved'],
  ],
  // Terraform 0.11: data "template_file" with `template = "${file(...)}"` and a `vars { }` block,
  // rendered here (its templates are then skipped as rendered: hcl-template-file.test.ts).
  'qubole-customer-success-aws': [
    ['policies.tf', 'aws_iam_policy.computepolicy', 'identity', 'resolved'],
    ['policies.tf', 'aws_iam_policy.s3policy', 'identity', 'resolved'],
    ['role/iam.tf', 'aws_iam_policy.qubole-crossaccount-policy', 'identity', 'resolved'],
    ['role/iam.tf', 'aws_iam_role.qdsrole', 'trust', 'resolved'],
  ],

  'tf-datadog-labs': [
    ['main.tf', 'aws_iam_policy.datadog_aws_integration', 'identity', 'resolved'],
    ['main.tf', 'aws_iam_role.datadog_aws_integration', 'trust', 'resolved'],
  ],
};

/** Per fixture module: its resources that hold a policy and have no instance (count 0 by default). */
const NO_INSTANCE: Record<string, string[]> = {
  'anyscale-aws-anyscale-iam': [
    'main.tf#aws_iam_policy.anyscale_cluster_node_custom_policy',
    'main.tf#aws_iam_policy.anyscale_iam_custom_policy',
  ],
  'terraform-aws-iam-assumable-role': [
    'main.tf#aws_iam_role.this',
    'main.tf#data.aws_iam_policy_document.assume_role',
    'main.tf#data.aws_iam_policy_document.assume_role_with_mfa',
  ],
  'terraform-aws-iam-group-with-policies': ['main.tf#aws_iam_policy.custom'],
};

describe('real public modules', () => {
  it('has a listing for every fixture module', () => {
    expect(readdirSync(FIX).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, rows] of Object.entries(EXPECTED)) {
    it(`lists every IAM policy of ${name} with its address, kind and status`, () => {
      const results = readFixture(name);
      // Resources with a policy and no instance under the module's defaults are listed, skipped,
      // and so are the policy documents only they use.
      expect(results.filter((r) => r.status !== 'audited').map((r) => r.path.slice(name.length + 1))).toEqual(
        NO_INSTANCE[name] ?? [],
      );
      for (const r of results.filter((x) => x.status !== 'audited'))
        expect(r.reason).toMatch(
          / (has no instance: its count is 0|is used only by aws_iam_role\.this, which has no instance) with the variables as read/,
        );
      const got = policies(results).map((p) => [p.path.slice(name.length + 1), p.address, p.kind, p.status]);
      expect(got).toEqual(rows.map((r) => r.slice(0, 4)));
      for (const [i, p] of policies(results).entries()) {
        expect(p.line).toBeGreaterThan(0);
        if (p.status === 'unresolved') {
          expect(p.reason).toContain(rows[i]![4]);
          expect(p.reason).not.toMatch(/\n/);
        }
      }
    });
  }

  it('reads at least 90% of the permission policies of all the fixtures', () => {
    const all = Object.keys(EXPECTED).flatMap((n) => policies(readFixture(n)));
    const permission = all.filter((p) => p.kind !== 'trust');
    const read = permission.filter((p) => p.status === 'resolved');
    expect(permission.length).toBe(18);
    expect(read.length / permission.length).toBeGreaterThanOrEqual(0.9);
  });

  it("resolves Coiled's PassRole to its own role name pattern, with the statement's line", () => {
    const ongoing = policies(readFixture('coiled-terraform-template')).find(
      (p) => p.address === 'aws_iam_policy.ongoing',
    )!;
    const statements = doc(ongoing).Statement;
    const i = statements.findIndex((s) => s.Sid === 'Passrole');
    // The role's name is `coiled-${var.coiled_workspace_name}`: one role, so one value there (a
    // placeholder), not every role named `coiled-*`; the account, the account placeholder.
    expect(statements[i]!.Resource).toBe(
      'arn:aws:iam::<account-ID-without-hyphens>:role/coiled-<var.coiled_workspace_name>',
    );
    const text = readFileSync(join(FIX, 'coiled-terraform-template/iam.tf'), 'utf8').split('\n');
    expect(text[ongoing.statementLines![i]! - 1]).toMatch(/statement \{/);
    expect(text[ongoing.statementLines![i]!]).toContain('sid = "Passrole"');
    expect(ongoing.approximate?.join(' ')).not.toContain('coiled_workspace_name');
  });

  it('links roles to the policies attached to them', () => {
    const results = readFixture('coiled-terraform-template');
    const principals = results.flatMap((r) => r.principals ?? []);
    const control = principals.find((p) => p.id.endsWith('aws_iam_role.coiled_control_plane_role'))!;
    expect(control.policyIds).toEqual([
      'coiled-terraform-template/iam.tf#aws_iam_policy.ongoing',
      'coiled-terraform-template/iam.tf#aws_iam_policy.setup',
    ]);
    expect(control.line).toBe(273);
  });

  it('reads a policy from file() of a JSON file in the module', () => {
    const rec = policies(readFixture('datadog-aws-cspm')).find(
      (p) => p.address === 'aws_iam_policy.additional-permissions',
    );
    expect(doc(rec).Statement[0]!.Action).toContain('xray:GetTraceSummaries');
  });

  it('keeps escaped policy variables ($${aws:username}) as written', () => {
    const rec = policies(readFixture('terraform-aws-iam-group-with-policies'))[0];
    expect(doc(rec).Statement[0]!.Resource).toContain('arn:aws:iam::*:user/${aws:username}');
  });

  it('expands a dynamic block whose for_each is known', () => {
    const rec = policies(readFixture('anyscale-aws-anyscale-iam')).find(
      (p) => p.address === 'aws_iam_policy.anyscale_steadystate_policy[0]',
    );
    const sids = doc(rec).Statement.map((s) => s.Sid);
    // anyscale_cloud_id defaults to null: the unrestricted statements, not the cloud-id ones.
    expect(sids.length).toBe(9);
  });
});

describe('the evaluator', () => {
  // (a review) Each loop had its bound, their product none: 300 bytes of nested `for` ran 12
  // minutes and out of memory. A module's expressions share one budget; past it, the policies that
  // need them are unresolved, saying so.
  it.each([
    [
      'loops within loops',
      'locals {\n  r = range(1000)\n  prod = flatten([for a in local.r : [for b in local.r : "s3:GetObject"]])\n}\n',
      'local.prod',
    ],
    [
      'a string doubled from local to local',
      `locals {\n  a0 = "s3:GetObject"\n${Array.from({ length: 40 }, (_, i) => `  a${i + 1} = "\${local.a${i}}\${local.a${i}}"`).join('\n')}\n}\n`,
      '[substr(local.a40, 0, 12)]',
    ],
  ])('%s: bounded, the policy unresolved with the reason', (_what, locals, actions) => {
    const { results } = moduleOf({
      'main.tf': `${locals}resource "aws_iam_policy" "big" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ${actions}, Resource = "*" }] })
}
resource "aws_iam_policy" "small" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`,
    });
    const recs = policies(results);
    const big = recs.find((r) => r.address === 'aws_iam_policy.big')!;
    expect(big.status).toBe('unresolved');
    expect(big.reason).toMatch(/the module's expressions take more than 1,000,000 steps/);
    // (the budget is the module's: what it evaluates once it is spent is unresolved too, each
    // policy accounted for with the reason; another module has its own)
    const small = recs.find((r) => r.address === 'aws_iam_policy.small')!;
    if (small.status !== 'resolved') expect(small.reason).toMatch(/take more than 1,000,000 steps/);
  });

  it('gives one record per for_each key, none for count = 0 (listed as skipped), and reads jsonencode with its lines', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "buckets" {
  default = { logs = "acme-logs", data = "acme-data" }
}
resource "aws_iam_policy" "read" {
  for_each = var.buckets
  name     = "read-\${each.key}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "arn:aws:s3:::\${each.value}/*"
      },
    ]
  })
}
resource "aws_iam_policy" "never" {
  count  = 0
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
`,
    });
    const recs = policies(results);
    expect(recs.map((p) => p.address)).toEqual([
      'aws_iam_policy.read["data"]',
      'aws_iam_policy.read["logs"]',
    ]);
    expect(doc(recs[1]).Statement[0]!.Resource).toBe('arn:aws:s3:::acme-logs/*');
    expect(recs[1]!.line).toBe(8);
    expect(recs[1]!.statementLines).toEqual([11]);
    expect(recs[1]!.approximate).toBeUndefined();
    // The policy with no instance is accounted for, with the reason, not left out.
    expect(results.filter((r) => r.status === 'skipped').map((r) => [r.path, r.reason])).toEqual([
      [
        'main.tf#aws_iam_policy.never',
        'aws_iam_policy.never (line 19) has no instance: its count is 0 with the variables as read (their defaults, terraform.tfvars and *.auto.tfvars), so it grants nothing',
      ],
    ]);
  });

  it('reads heredocs (<<- strips the indentation), locals across files, tfvars and common functions', () => {
    const { results } = moduleOf({
      'a.tf': `
resource "aws_iam_role_policy" "p" {
  name   = local.name
  role   = "app"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": \${jsonencode(local.actions)}, "Resource": "\${local.arn}"}]
    }
  EOT
}
`,
      'b.tf': `
variable "env" { default = "dev" }
variable "extra" { default = [] }
locals {
  name    = format("%s-%s", "app", var.env)
  actions = distinct(compact(concat(["s3:GetObject", ""], var.extra, flatten([["s3:GetObject"]]))))
  arn     = join(":", ["arn", data.aws_partition.current.partition, "s3", "", "", lookup({ prod = "p", dev = "d" }, var.env, "x")])
}
data "aws_partition" "current" {}
`,
      'terraform.tfvars': 'env = "prod"\nextra = ["s3:PutObject"]\n',
    });
    const rec = policies(results)[0]!;
    expect(rec.name).toBe('app-prod');
    expect(doc(rec).Statement[0]).toEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: 'arn:aws:s3:::p',
    });
    expect(rec.path).toBe('a.tf');
    expect(rec.line).toBe(5);
    // The statement's line inside the heredoc.
    expect(rec.statementLines).toEqual([8]);
  });

  it('reads aws_iam_policy_document with dynamic statements, source and override documents', () => {
    const { results } = moduleOf({
      'main.tf': `
locals {
  grants = { read = ["s3:GetObject"], list = ["s3:ListBucket"] }
}
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Base"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "over" {
  statement {
    sid       = "read"
    actions   = ["s3:GetObjectVersion"]
    resources = [aws_s3_bucket.b.arn]
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.over.json]
  dynamic "statement" {
    for_each = local.grants
    content {
      sid       = statement.key
      actions   = statement.value
      resources = ["\${aws_s3_bucket.b.arn}/*"]
    }
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "acme-\${terraform.workspace}"
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
`,
    });
    const rec = policies(results).find((p) => p.address === 'aws_iam_policy.p')!;
    const st = doc(rec).Statement;
    expect(st.map((s) => s.Sid)).toEqual(['Base', 'list', 'read']);
    // One bucket: its name's unknown part is one value, not a wildcard.
    expect(st[1]!.Resource).toBe('arn:aws:s3:::acme-<terraform.workspace>/*');
    expect(st[2]).toMatchObject({
      Action: 's3:GetObjectVersion',
      Resource: 'arn:aws:s3:::acme-<terraform.workspace>',
    });
  });

  it('follows local modules with their arguments bound, and lists registry modules as not followed', () => {
    const { results } = moduleOf({
      'main.tf': `
module "vendor" {
  source = "./modules/vendor-role"
  name   = "coiled-prod"
}
module "other" {
  source  = "terraform-aws-modules/iam/aws"
  version = "5.0.0"
}
`,
      'modules/vendor-role/main.tf': `
variable "name" {}
resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "pass" {
  role   = aws_iam_role.this.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.this.arn }] })
}
`,
    });
    const recs = policies(results);
    const pass = recs.find((p) => p.address === 'module.vendor.aws_iam_role_policy.pass')!;
    expect(pass.path).toBe('modules/vendor-role/main.tf');
    expect(doc(pass).Statement[0]!.Resource).toBe(
      'arn:aws:iam::<account-ID-without-hyphens>:role/coiled-prod',
    );
    const skipped = results.find((r) => r.status === 'skipped')!;
    expect(skipped.path).toBe('main.tf#module.other');
    expect(skipped.reason).toContain('not a local path');
    const role = results
      .flatMap((r) => r.principals ?? [])
      .find((p) => p.id === 'module.vendor.aws_iam_role.this')!;
    expect(role.policyIds).toContain('modules/vendor-role/main.tf#module.vendor.aws_iam_role_policy.pass');
  });

  it("reads a caller's policy document passed to a module as an argument, and a module's passed out as an output", () => {
    // The common way to hand a policy to a module (terraform-aws-modules' iam-policy takes
    // `policy = data.aws_iam_policy_document.x.json`). It was unresolved ("references
    // module.role.data.aws_iam_policy_document.this, which is not in this file"), and the caller's
    // document audited on its own instead. Names are those a review found mixed up: a module's own
    // `this` beside its caller's, two modules' `this` passed out, an instance of a counted one.
    const block = (name: string, sid: string, action: string, extra = '') => `
data "aws_iam_policy_document" "${name}" {
  ${extra}
  statement {
    sid       = "${sid}"
    actions   = ["${action}"]
    resources = ["*"]
  }
}
`;
    const { results } = moduleOf({
      'main.tf': `${block('this', 'Caller', 'ec2:RunInstances')}
${block('x', 'Doc${count.index}', 'ec2:StopInstances', 'count = 2')}
module "role" {
  source  = "./modules/policy"
  policy  = data.aws_iam_policy_document.this.json
  indexed = data.aws_iam_policy_document.x[1].json
}
module "sky" {
  source = "./modules/docs"
  sid    = "Sky"
}
module "dd" {
  source = "./modules/docs"
  sid    = "Datadog"
}
resource "aws_iam_policy" "sky" {
  policy = module.sky.json
}
resource "aws_iam_policy" "dd" {
  policy = module.dd.json
}
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = module.role.own_arn
}
`,
      'modules/policy/main.tf': `
variable "policy" {}
variable "indexed" {}
${block('this', 'Own', 's3:GetObject')}
resource "aws_iam_policy" "passed" {
  policy = var.policy
}
resource "aws_iam_policy" "indexed" {
  policy = var.indexed
}
resource "aws_iam_policy" "own" {
  policy = data.aws_iam_policy_document.this.json
}
output "own_arn" {
  value = aws_iam_policy.own.arn
}
`,
      'modules/docs/main.tf': `
variable "sid" {}
data "aws_iam_policy_document" "this" {
  statement {
    sid       = var.sid
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
  }
}
output "json" {
  value = data.aws_iam_policy_document.this.json
}
`,
    });
    const recs = policies(results);
    const sids = (address: string) =>
      doc(recs.find((r) => r.address === address)).Statement.map((x) => x.Sid);
    expect(
      recs.filter((r) => r.kind !== 'trust').map((r) => [r.address, r.status, sids(r.address!)]),
    ).toEqual([
      // (the instance no policy uses: audited as a document of its own)
      ['data.aws_iam_policy_document.x[0]', 'resolved', ['Doc0']],
      ['aws_iam_policy.sky', 'resolved', ['Sky']],
      ['aws_iam_policy.dd', 'resolved', ['Datadog']],
      ['module.role.aws_iam_policy.passed', 'resolved', ['Caller']],
      ['module.role.aws_iam_policy.indexed', 'resolved', ['Doc1']],
      ['module.role.aws_iam_policy.own', 'resolved', ['Own']],
    ]);
    // Each statement where it is written.
    const passed = recs.find((r) => r.address === 'module.role.aws_iam_policy.passed')!;
    expect(passed.path).toBe('modules/policy/main.tf');
    expect(passed.statementFiles?.[0] ?? passed.path).toBe('main.tf');
    // The attachment through the module's output names the module's policy (no record of its own).
    const role = results.flatMap((r) => r.principals ?? []).find((p) => p.id === 'aws_iam_role.r')!;
    expect(role.policyIds).toEqual([recs.find((r) => r.address === 'module.role.aws_iam_policy.own')!.id]);
  });

  it('reads a module two root modules call with their own arguments once per root, named after it', () => {
    const root = (sid: string, action: string) => `
data "aws_iam_policy_document" "skypilot" {
  statement {
    sid       = "${sid}"
    actions   = ["${action}"]
    resources = ["*"]
  }
}
module "skypilot" {
  source = "../../modules/skypilot"
  policy = data.aws_iam_policy_document.skypilot.json
}
`;
    const attached = `
resource "aws_iam_role" "dd" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::464622532012:root" } }] })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.dd.name
  policy_arn = module.skypilot.arn
}
`;
    const { results } = moduleOf({
      'envs/a-prod/main.tf': root('Prod', 'ec2:RunInstances'),
      'envs/b-staging/main.tf': root('Staging', 'ec2:StopInstances'),
      // the same as a-prod's: read once, and its role names the one kept (a review found it
      // naming an id no record had, so the role's trust was lost)
      'envs/c-dev/main.tf': root('Prod', 'ec2:RunInstances') + attached,
      'modules/skypilot/main.tf': `
variable "policy" {}
resource "aws_iam_policy" "this" {
  policy = var.policy
}
output "arn" {
  value = aws_iam_policy.this.arn
}
`,
    });
    const recs = policies(results).filter((r) => r.kind !== 'trust');
    expect(recs.map((r) => [r.id, r.status, doc(r).Statement.map((x) => x.Sid)])).toEqual([
      ['modules/skypilot/main.tf#module.skypilot.aws_iam_policy.this#from envs/a-prod', 'resolved', ['Prod']],
      [
        'modules/skypilot/main.tf#module.skypilot.aws_iam_policy.this#from envs/b-staging',
        'resolved',
        ['Staging'],
      ],
    ]);
    const role = results.flatMap((r) => r.principals ?? []).find((p) => p.id.endsWith('aws_iam_role.dd'))!;
    expect(role.policyIds).toEqual([recs[0]!.id]);
  });

  it('leaves out action values that are wholly unknown, rather than reading them as every action (a policy with nothing else is unresolved)', () => {
    // Datadog's documented Terraform setup (docs.datadoghq.com/integrations/guide/aws-terraform-setup)
    // takes the actions from its provider's data source. Read as `*`, the policy was reported as
    // granting 20,629 excess actions (critical, exit 1).
    const { results } = moduleOf({
      'main.tf': `
variable "extra_actions" {
  type = list(string)
}
data "datadog_integration_aws_iam_permissions" "this" {}
resource "aws_iam_policy" "datadog_integration" {
  name = "DatadogAWSIntegrationPolicy"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = data.datadog_integration_aws_iam_permissions.this.iam_permissions, Resource = "*" }]
  })
}
data "aws_iam_policy_document" "extra" {
  statement {
    actions   = var.extra_actions
    resources = ["*"]
  }
}
resource "aws_iam_policy" "extra" {
  policy = data.aws_iam_policy_document.extra.json
}
data "aws_iam_policy_document" "item" {
  statement {
    actions   = ["s3:GetObject", var.one_more]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "item" {
  policy = data.aws_iam_policy_document.item.json
}
resource "aws_iam_policy" "two" {
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = ["iam:*"], Resource = "*" },
      { Effect = "Allow", Action = var.extra_actions, Resource = "*" },
    ]
  })
}
# A part of an action unknown: read as a wildcard, approximate, as before.
data "aws_iam_policy_document" "part" {
  statement {
    actions   = ["s3:Get\${var.what}"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "part" {
  policy = data.aws_iam_policy_document.part.json
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    expect(byAddress('aws_iam_policy.datadog_integration')).toMatchObject({
      status: 'unresolved',
      reason:
        'policy has actions that its provider computes when Terraform runs (${data.datadog_integration_aws_iam_permissions.this.iam_permissions})',
    });
    expect(byAddress('aws_iam_policy.extra').status).toBe('unresolved');
    expect(byAddress('aws_iam_policy.extra').reason).toMatch(
      /data\.aws_iam_policy_document\.extra, which has actions that are not known in this file \(\$\{var\.extra_actions\}\)$/,
    );
    // A known action beside an unknown one is audited: the unknown one is left out, and said so
    // (a review found `iam:*` hidden behind another statement's `var.extra_actions`).
    const item = byAddress('aws_iam_policy.item');
    expect(doc(item).Statement).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    expect(item.approximate?.join(' ')).toContain(
      "left out: actions that are not known in this file (${var.one_more}); the statements' other actions are audited",
    );
    const two = byAddress('aws_iam_policy.two');
    expect(doc(two).Statement.map((x) => x.Action)).toEqual([['iam:*']]);
    expect(two.approximate?.join(' ')).toContain('${var.extra_actions}');
    const part = byAddress('aws_iam_policy.part');
    expect(doc(part).Statement[0]!.Action).toBe('s3:Get*');
    expect(part.approximate?.join(' ')).toMatch(/var\.what/);
  });

  it('keeps the known actions of concat(), flatten(), distinct(), toset() and setunion() of known and unknown lists', () => {
    // A review found `concat(["iam:*"], var.extra_actions)` read as wholly unknown: the policy was
    // unresolved and its iam:* never reported (0 findings).
    const { results } = moduleOf({
      'main.tf': `
variable "more" {}
data "aws_iam_policy_document" "p" {
  statement {
    actions   = concat(["iam:*", "s3:GetObject"], var.more)
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.p.json
}
resource "aws_iam_policy" "q" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = distinct(concat(var.more, ["iam:*", "iam:*"])), Resource = "*" }]
  })
}
resource "aws_iam_policy" "r" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = toset(flatten([["ec2:RunInstances"], var.more, [["kms:Decrypt"]]])), Resource = "*" }]
  })
}
resource "aws_iam_policy" "s" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = setunion(["sts:AssumeRole"], var.more), Resource = "*" }]
  })
}
resource "aws_iam_role" "r" {
  name               = "app"
  assume_role_policy = "{}"
}
# A reference that stands for an ARN is known enough: kept.
resource "aws_iam_policy" "v" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = concat([aws_iam_role.r.arn], var.more) }]
  })
}
# Nothing known: unresolved, as before.
resource "aws_iam_policy" "t" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = concat(var.more, var.more), Resource = "*" }]
  })
}
# What needs the list's items one by one stays unknown (here its length).
resource "aws_iam_policy" "u" {
  count  = length(concat(["a"], var.more))
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    const note =
      "left out: actions that are not known in this file (${var.more}); the statements' other actions are audited";
    const p = byAddress('aws_iam_policy.p');
    expect(p.status).toBe('resolved');
    expect(doc(p).Statement).toEqual([{ Effect: 'Allow', Action: ['iam:*', 's3:GetObject'], Resource: '*' }]);
    // The left-out list is said once, and not also as an interpolation read as a wildcard.
    expect(p.approximate).toEqual([note]);
    expect(doc(byAddress('aws_iam_policy.q')).Statement[0]!.Action).toEqual(['iam:*']);
    expect(doc(byAddress('aws_iam_policy.r')).Statement[0]!.Action).toEqual([
      'ec2:RunInstances',
      'kms:Decrypt',
    ]);
    expect(doc(byAddress('aws_iam_policy.s')).Statement[0]!.Action).toEqual(['sts:AssumeRole']);
    for (const a of ['q', 'r', 's']) expect(byAddress(`aws_iam_policy.${a}`).approximate).toEqual([note]);
    expect(doc(byAddress('aws_iam_policy.v')).Statement[0]!.Resource).toEqual([
      'arn:aws:iam::<account-ID-without-hyphens>:role/app',
      '*',
    ]);
    expect(byAddress('aws_iam_policy.t')).toMatchObject({
      status: 'unresolved',
      reason: 'policy has actions that are not known in this file (${concat(var.more, var.more)})',
    });
    const u = recs.filter((r) => r.address?.startsWith('aws_iam_policy.u'));
    expect(u.map((r) => r.approximate)).toEqual([
      ['its count (length(concat(["a"], var.more))) is not known: read as one instance'],
    ]);
  });

  it('never reads a wildcard as one value, nor an unknown Deny value as a wildcard (cases a review found)', () => {
    const tp =
      'jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })';
    const { root, results } = moduleOf({
      'main.tf': `
variable "create_role" {
  default = false
}
variable "names" {}
variable "teams" {}
variable "team" {}
variable "extra" {}
data "aws_caller_identity" "c" {}
resource "aws_iam_role" "r" {
  count              = var.create_role ? 1 : 0
  name_prefix        = "app-"
  assume_role_policy = ${tp}
}
resource "aws_iam_role" "w" {
  count              = length(var.names)
  name               = "worker-\${count.index}"
  assume_role_policy = ${tp}
}
resource "aws_iam_role" "team" {
  for_each           = var.teams
  name               = each.value
  assume_role_policy = ${tp}
}
provider "aws" {
  alias = "prod"
  assume_role {
    role_arn = "arn:aws:iam::999999999999:role/deploy"
  }
}
module "roles" {
  source    = "./roles"
  providers = { aws = aws.prod }
}
locals {
  role_arn = try(aws_iam_role.r[0].arn, "arn:aws:iam::\${data.aws_caller_identity.c.account_id}:role/app-*")
}
# a role no configuration creates (count 0): try() takes the wildcard
resource "aws_iam_policy" "try" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = local.role_arn }] })
}
# every worker, however many
resource "aws_iam_policy" "splat" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.w[*].arn }] })
}
# a team not known: any team's role
resource "aws_iam_policy" "team" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.team[var.team].arn }] })
}
# a module given another aws provider (maybe another account)
resource "aws_iam_policy" "prod" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = [module.roles.role_arn, "arn:aws:iam::\${module.roles.account}:role/x"] }] })
}
# a Deny's unknown resources are left out, not read as *; the statements after one left out keep their lines
resource "aws_iam_policy" "deny" {
  policy = jsonencode({
    Statement = [
      { Effect = "Deny", Action = "iam:PassRole", Resource = var.extra },
      { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
      { Effect = "Deny", Action = "iam:PassRole", Resource = concat(["arn:aws:iam::*:role/admin"], var.extra) },
    ]
  })
}
data "aws_iam_policy_document" "deny" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::*:role/\${var.team}"]
  }
}
resource "aws_iam_policy" "deny_doc" {
  policy = data.aws_iam_policy_document.deny.json
}
data "aws_iam_policy_document" "dyn" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = concat(["arn:aws:iam::*:role/admin"], var.extra)
    content {
      effect    = "Deny"
      actions   = ["iam:PassRole"]
      resources = [statement.value]
    }
  }
}
resource "aws_iam_policy" "dyn" {
  policy = data.aws_iam_policy_document.dyn.json
}
`,
      'roles/main.tf': `
data "aws_caller_identity" "c" {}
resource "aws_iam_role" "r" {
  name               = "app-worker"
  assume_role_policy = ${tp}
}
output "role_arn" { value = aws_iam_role.r.arn }
output "account" { value = data.aws_caller_identity.c.account_id }
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    const resources = (a: string) => doc(byAddress(a)).Statement.map((s) => s.Resource);
    expect(resources('aws_iam_policy.try')).toEqual(['arn:aws:iam::<account-ID-without-hyphens>:role/app-*']);
    expect(resources('aws_iam_policy.splat')).toEqual([
      ['arn:aws:iam::<account-ID-without-hyphens>:role/worker-*'],
    ]);
    expect(byAddress('aws_iam_policy.splat').approximate?.join(' ')).toContain('read as one instance');
    expect(resources('aws_iam_policy.team')).toEqual(['arn:aws:iam::<account-ID-without-hyphens>:role/*']);
    expect(resources('aws_iam_policy.prod')).toEqual([
      ['arn:aws:iam::*:role/app-worker', 'arn:aws:iam::*:role/x'],
    ]);
    // The jsonencode() policy: the first Deny left out (nothing known), the second keeps its known resource.
    const deny = byAddress('aws_iam_policy.deny');
    expect(doc(deny).Statement).toEqual([
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:PassRole', Resource: ['arn:aws:iam::*:role/admin'] },
    ]);
    expect(deny.approximate?.join(' ')).toContain("left out: a Deny's resources that are not known");
    expect(deny.statementNumbers).toEqual([1, 2]);
    const text = readFileSync(join(root, 'main.tf'), 'utf8').split('\n');
    const lineOf = (t: string) => text.findIndex((l) => l.includes(t)) + 1;
    expect(deny.statementLines).toEqual([
      lineOf('{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }'),
      lineOf('Resource = concat(['),
    ]);
    // The data source: its Deny of a partly unknown role left out, said so.
    const denyDoc = byAddress('aws_iam_policy.deny_doc');
    expect(doc(denyDoc).Statement).toEqual([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]);
    expect(denyDoc.approximate?.join(' ')).toContain("left out: a Deny's resources that are not known");
    // A dynamic block over a partly known list: a block for each known item, and the unknown
    // item's Deny left out (not a Deny of \`*\`), said so.
    const dyn = byAddress('aws_iam_policy.dyn');
    expect(doc(dyn).Statement).toEqual([
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/admin' },
    ]);
    expect(dyn.approximate?.join(' ')).toContain("left out: a Deny's resources that are not known");
  });

  it('keeps a policy that names an instance no configuration creates, a written key, and each made-up name apart (a second review)', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "roles" {
  default = {}
}
variable "lst" {}
resource "aws_iam_role" "r" {
  for_each           = var.roles
  name               = "svc-\${each.key}"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "s" {
  for_each           = toset(concat(["x"], var.lst))
  name               = each.value
  assume_role_policy = "{}"
}
resource "aws_s3_bucket" "b" {
  count = 2
}
# an instance that does not exist with the variables as read
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.r["worker"].arn },
    { Effect = "Allow", Action = "s3:*", Resource = "*" },
  ] })
}
resource "aws_iam_policy" "t" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = try(lower(aws_iam_role.r["worker"].arn), "arn:aws:iam::123456789012:role/fallback") }] })
}
# a key written: that instance (its key known, its value one value)
resource "aws_iam_policy" "q" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.s["y"].arn }] })
}
# two buckets named by Terraform: two values, a Deny of one keeps the other
resource "aws_iam_policy" "b" {
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "s3:*", Resource = aws_s3_bucket.b[0].arn },
    { Effect = "Deny", Action = "s3:*", Resource = aws_s3_bucket.b[1].arn },
  ] })
}
data "aws_iam_policy_document" "src" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::\${var.lst}/*"]
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.src.json]
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "d" {
  policy = data.aws_iam_policy_document.d.json
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    // Outside try(), an instance the variables as read do not create is the one the key names
    // (other variables may): the rest of the policy is read.
    const p = byAddress('aws_iam_policy.p');
    expect(p.status).toBe('resolved');
    expect(doc(p).Statement.map((s) => s.Resource)).toEqual([
      'arn:aws:iam::<account-ID-without-hyphens>:role/svc-worker',
      '*',
    ]);
    // Inside try(), such an instance anywhere in an argument (under a function too) is an error.
    expect(doc(byAddress('aws_iam_policy.t')).Statement[0]!.Resource).toBe(
      'arn:aws:iam::123456789012:role/fallback',
    );
    expect(doc(byAddress('aws_iam_policy.q')).Statement[0]!.Resource).toBe(
      'arn:aws:iam::<account-ID-without-hyphens>:role/<each.value of aws_iam_role.s[y]>',
    );
    expect(doc(byAddress('aws_iam_policy.b')).Statement.map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::<aws_s3_bucket.b[0].bucket>',
      'arn:aws:s3:::<aws_s3_bucket.b[1].bucket>',
    ]);
    // The source document's Deny, left out there, is said on the policy that reads it.
    expect(byAddress('aws_iam_policy.d').approximate?.join(' ')).toContain(
      "left out: a Deny's resources that are not known",
    );
  });

  it('leaves out a Deny whose condition would be lost, or of principals not known', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "op" {}
variable "who" {}
data "aws_iam_policy_document" "c" {
  statement {
    actions   = ["iam:*"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = ["iam:*"]
    resources = ["*"]
    condition {
      test     = var.op
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }
  }
}
resource "aws_iam_policy" "c" {
  policy = data.aws_iam_policy_document.c.json
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "s3:*", Resource = "arn:aws:s3:::b/*" },
    { Effect = "Deny", Principal = { AWS = var.who }, Action = "s3:*", Resource = "arn:aws:s3:::b/*" },
    { Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "arn:aws:s3:::b/*", Condition = { StringEquals = { "aws:PrincipalAccount" = var.who } } },
  ] })
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    const c = byAddress('aws_iam_policy.c');
    expect(doc(c).Statement.map((s) => s.Effect)).toEqual(['Allow']);
    expect(c.approximate?.join(' ')).toContain("left out: a Deny's condition that is not known");
    const b = byAddress('aws_s3_bucket_policy.b');
    // (the third statement's condition, of an unknown value, stays a condition: kept; a Deny
    // under a condition never removes a grant)
    expect(doc(b).Statement.map((s) => s.Effect)).toEqual(['Allow', 'Deny']);
    expect(b.approximate?.join(' ')).toContain("left out: a Deny's principals that are not known");
  });

  it('leaves out statements, conditions and source documents that are not known, said so, never an invalid-policy finding', async () => {
    const { root, results } = moduleOf({
      'main.tf': `
variable "extra" {}
variable "stmts" {}
variable "cond" {}
variable "vals" {}
variable "op" {}
variable "more_docs" {}
resource "aws_iam_policy" "extra" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(var.extra, [
      { Effect = "Allow", Action = "iam:*", Resource = "*" },
    ])
  })
}
resource "aws_iam_policy" "stmts" {
  policy = jsonencode({ Version = "2012-10-17", Statement = var.stmts })
}
resource "aws_iam_policy" "cond" {
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "s3:*", Resource = "*", Condition = var.cond },
    { Effect = "Allow", Action = "sqs:*", Resource = "*", Condition = { StringEquals = var.vals, Bool = { "aws:SecureTransport" = "true" } } },
    { Effect = "Allow", Action = "sns:*", Resource = "*", Condition = { (var.op) = { "aws:SourceVpc" = "vpc-1" } } },
  ] })
}
resource "aws_iam_policy" "deny" {
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "iam:*", Resource = "*" },
    { Effect = "Deny", Action = "*", Resource = "*", Condition = var.cond },
    { Effect = "Deny", Action = "*", Resource = "*", Condition = { (var.op) = { "aws:SourceVpc" = "vpc-1" } } },
  ] })
}
data "aws_iam_policy_document" "base" {
  statement {
    actions   = ["ec2:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents = concat([data.aws_iam_policy_document.base.json], var.more_docs)
  statement {
    actions   = ["sqs:*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "merged" {
  policy = data.aws_iam_policy_document.merged.json
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    // concat() of an unknown list of statements and a known one: the known one read, at its line.
    const extra = byAddress('aws_iam_policy.extra');
    expect(doc(extra).Statement).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(extra.approximate).toEqual([
      "left out: statements that are not known (${var.extra}); the policy's other statements are audited",
    ]);
    const text = readFileSync(join(root, 'main.tf'), 'utf8').split('\n');
    expect(extra.statementLines).toEqual([
      text.findIndex((l) => l.includes('{ Effect = "Allow", Action = "iam:*", Resource = "*" },')) + 1,
    ]);
    // ... and its findings name it as the list does (the unknown list first): statement #1.
    expect(extra.statementNumbers).toEqual([1]);
    const report = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    const labels = report.findings.filter(
      (f) => f.address === 'aws_iam_policy.extra' && f.kind !== 'missing-permission',
    );
    expect(labels.length).toBeGreaterThan(0);
    expect(new Set(labels.map((f) => f.statement))).toEqual(new Set(['#1']));
    // Statements wholly unknown: unresolved, with the reason.
    const stmts = byAddress('aws_iam_policy.stmts');
    expect(stmts.status).toBe('unresolved');
    expect(stmts.reason).toContain('has statements that are not known (${var.stmts})');
    // An Allow's unknown condition, operator value or operator: left out (read broader), said so;
    // what is known of the condition stays.
    const cond = byAddress('aws_iam_policy.cond');
    expect(doc(cond).Statement).toEqual([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'sqs:*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      },
      { Effect: 'Allow', Action: 'sns:*', Resource: '*' },
    ]);
    expect(cond.approximate).toEqual([
      'left out: conditions that are not known (${var.cond}, ${var.vals}, ${var.op}); their statements are audited as granted without them',
    ]);
    // A Deny under a condition not known would read as unconditional: left out.
    const deny = byAddress('aws_iam_policy.deny');
    expect(doc(deny).Statement).toEqual([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]);
    expect(deny.approximate?.join(' ')).toContain("left out: a Deny's condition that is not known");
    // source_policy_documents: the data source named is read, the variable's documents noted.
    const merged = byAddress('aws_iam_policy.merged');
    expect(doc(merged).Statement.map((s) => s.Action)).toEqual(['ec2:*', 'sqs:*']);
    expect(merged.approximate?.join(' ')).toContain(
      'left out: documents that are not known (${concat([data.aws_iam_policy_document.base.json], var.more_docs)} in source_policy_documents',
    );
  });

  it('reads an Effect not known as Allow, and an Allow NotAction without its values not known (a review found them lost)', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "extra" {}
variable "locked" {}
variable "name" {}
variable "doc" {}
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "s3:GetObject", Resource = "*" },
    { Effect = "Allow", NotAction = ["iam:*", var.extra], Resource = "*" },
    { Effect = "Allow", NotAction = var.extra, Resource = "*" },
    { Effect = var.locked ? "Deny" : "Allow", Action = "iam:DeleteUser", Resource = "*" },
    { Effect = "Deny", Action = [var.extra], Resource = "*" },
    { Effect = "Allow", Action = "s3:PutObject", Resource = "*", Condition = { StringLike = { "$\${aws:username}" = "x" } } },
  ] })
}
data "aws_iam_policy_document" "d" {
  statement {
    not_actions = ["iam:*", var.extra]
    resources   = ["*"]
  }
  statement {
    effect    = var.locked ? "Deny" : "Allow"
    actions   = ["iam:DeleteUser"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "d" {
  policy = data.aws_iam_policy_document.d.json
}
# an object with a key not known keeps its entries (one instance each)
locals { pols = { "\${var.name}" = ["iam:CreateUser"], other = ["iam:DeleteUser"] } }
resource "aws_iam_policy" "each" {
  for_each = local.pols
  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = each.value, Resource = "*" }] })
}
# documents listed beside a data source: the ones not known are noted, never dropped in silence
data "aws_iam_policy_document" "base" {
  statement {
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "listed" {
  override_policy_documents = [data.aws_iam_policy_document.base.json, var.doc]
}
resource "aws_iam_policy" "listed" {
  policy = data.aws_iam_policy_document.listed.json
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    const p = byAddress('aws_iam_policy.p');
    expect(doc(p).Statement).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:DeleteUser', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: '*',
        Condition: { StringLike: { '${aws:username}': 'x' } },
      },
    ]);
    expect(p.statementNumbers).toEqual([0, 1, 2, 3, 5]);
    expect(p.approximate).toEqual([
      "left out: a Deny's actions that are not known (a Deny is never read broader than written: that would hide what the policy grants); findings it might remove are still reported",
      "read as Allow: Effects that are not known (${var.locked ? 'Deny' : 'Allow'}), so that what the statements may grant is audited",
      'left out of NotAction: values that are not known (${var.extra}); the statements are audited as granting those actions too (every action where none is known)',
    ]);
    const d = byAddress('aws_iam_policy.d');
    expect(doc(d).Statement).toEqual([
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:DeleteUser', Resource: '*' },
    ]);
    expect(d.approximate?.join(' ')).toContain(
      'left out of NotAction: values that are not known (${var.extra})',
    );
    expect(d.approximate?.join(' ')).toContain('read as Allow: Effects that are not known');
    expect(
      recs.filter((r) => r.address?.startsWith('aws_iam_policy.each')).map((r) => [r.address, r.status]),
    ).toEqual([
      ['aws_iam_policy.each["${var.name}"]', 'resolved'],
      ['aws_iam_policy.each["other"]', 'resolved'],
    ]);
    const listed = byAddress('aws_iam_policy.listed');
    expect(doc(listed).Statement.map((s) => s.Action)).toEqual(['iam:CreateUser']);
    expect(listed.approximate).toEqual([
      'left out: documents that are not known (${var.doc} in override_policy_documents); what they would add or override is not audited',
    ]);
  });

  it('a policy a condition not known chooses among documents written out: every branch read (a review: unresolved)', () => {
    const FULL = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
    });
    const READ =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"arn:aws:ec2:*:*:${kind}/*"}]}';
    const { results } = moduleOf({
      'full.json': FULL,
      'read.json.tftpl': READ,
      'main.tf': `
variable "use" {}
variable "policy_file" {
  default = null
}
resource "aws_iam_policy" "file_branch" {
  policy = var.use ? file("\${path.module}/full.json") : ""
}
resource "aws_iam_policy" "jsonencode_branch" {
  policy = var.use ? jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] }) : ""
}
resource "aws_iam_policy" "two" {
  policy = var.use ? file("\${path.module}/full.json") : templatefile("\${path.module}/read.json.tftpl", { kind = "volume" })
}
resource "aws_iam_policy" "override" {
  policy = var.use == null ? templatefile("\${path.module}/read.json.tftpl", { kind = "instance" }) : var.use
}
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    expect(doc(byAddress('aws_iam_policy.file_branch')).Statement).toEqual([
      { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
    ]);
    expect(doc(byAddress('aws_iam_policy.jsonencode_branch')).Statement).toEqual([
      { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
    ]);
    expect(doc(byAddress('aws_iam_policy.two')).Statement).toEqual([
      { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: 'arn:aws:ec2:*:*:volume/*' },
    ]);
    expect(byAddress('aws_iam_policy.two').approximate?.[0]).toMatch(
      /^read as every branch: a policy document that a condition not known chooses/,
    );
    const override = byAddress('aws_iam_policy.override');
    expect(doc(override).Statement).toEqual([
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: 'arn:aws:ec2:*:*:instance/*' },
    ]);
    expect(override.approximate).toContain(
      'left out: documents that are not known (var.use); what they would add or override is not audited',
    );
  });

  it('a source document a condition not known chooses among documents written out is read, not left out (a review)', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "x" {}
data "aws_iam_policy_document" "src" {
  source_policy_documents = [var.x ? jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] }) : ""]
  statement {
    actions   = ["ec2:DescribeRegions"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "over" {
  override_policy_documents = [var.x ? jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] }) : ""]
  statement {
    actions   = ["ec2:DescribeRegions"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "src" { policy = data.aws_iam_policy_document.src.json }
resource "aws_iam_policy" "over" { policy = data.aws_iam_policy_document.over.json }
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    expect(doc(byAddress('aws_iam_policy.src')).Statement).toEqual([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' },
    ]);
    // (an override chosen so is not applied: it could replace what is audited; said so)
    expect(doc(byAddress('aws_iam_policy.over')).Statement).toEqual([
      { Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' },
    ]);
    expect(byAddress('aws_iam_policy.over').approximate?.join(' ')).toContain(
      'override_policy_documents chosen by a conditional, not applied',
    );
  });

  it('two directories that call each other: both policies read, the call back not followed (a review: both were lost)', () => {
    const { results } = moduleOf({
      'a/main.tf': `
module "b" {
  source = "../b"
}
resource "aws_iam_policy" "pa" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
`,
      'b/main.tf': `
module "a" {
  source = "../a"
}
resource "aws_iam_policy" "pb" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }] })
}
`,
    });
    const recs = policies(results);
    expect(recs.map((r) => [r.path, r.address, r.status])).toEqual([
      ['a/main.tf', 'aws_iam_policy.pa', 'resolved'],
      ['b/main.tf', 'module.b.aws_iam_policy.pb', 'resolved'],
    ]);
    expect(results.filter((r) => r.status === 'skipped').map((r) => r.reason)).toEqual([
      'module module.b.module.a (line 2) is not followed: it calls a, which is already being read above it (a cycle)',
    ]);
  });

  it("a source or override that is only a value not known leaves the data source's own statements audited, noted (a review)", () => {
    const { results } = moduleOf({
      'main.tf': `
variable "extra" {}
data "aws_iam_policy_document" "a" {
  source_policy_documents = [var.extra]
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "c" {
  override_policy_documents = [var.extra]
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "none" {
  source_policy_documents = [var.extra]
}
resource "aws_iam_policy" "a" { policy = data.aws_iam_policy_document.a.json }
resource "aws_iam_policy" "c" { policy = data.aws_iam_policy_document.c.json }
resource "aws_iam_policy" "none" { policy = data.aws_iam_policy_document.none.json }
`,
    });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    for (const [address, attr] of [
      ['aws_iam_policy.a', 'source_policy_documents'],
      ['aws_iam_policy.c', 'override_policy_documents'],
    ] as const) {
      const p = byAddress(address);
      expect(p.status).toBe('resolved');
      expect(doc(p).Statement).toEqual([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]);
      expect(p.approximate).toEqual([
        `left out: documents that are not known (\${var.extra} in ${attr}); what they would add or override is not audited`,
      ]);
    }
    // With nothing of its own, there is nothing known to audit: unresolved, with the reason.
    expect(byAddress('aws_iam_policy.none').status).toBe('unresolved');
  });

  it('a conditional between a document and a value not known is noted; one between documents and "" is not (a review\'s case)', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "prod" {}
variable "use" {}
variable "extra_json" {}
data "aws_iam_policy_document" "b" {
  statement {
    actions   = ["iam:CreateUser"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "either" {
  source_policy_documents = [var.prod ? data.aws_iam_policy_document.b.json : var.extra_json]
}
data "aws_iam_policy_document" "maybe" {
  source_policy_documents = [var.use ? data.aws_iam_policy_document.b.json : ""]
}
resource "aws_iam_policy" "either" {
  policy = data.aws_iam_policy_document.either.json
}
resource "aws_iam_policy" "maybe" {
  policy = data.aws_iam_policy_document.maybe.json
}
`,
    });
    const recs = policies(results);
    const either = recs.find((r) => r.address === 'aws_iam_policy.either')!;
    expect(doc(either).Statement.map((s) => s.Action)).toEqual(['iam:CreateUser']);
    expect(either.approximate?.join(' ')).toContain('left out: documents that are not known');
    const maybe = recs.find((r) => r.address === 'aws_iam_policy.maybe')!;
    expect(doc(maybe).Statement.map((s) => s.Action)).toEqual(['iam:CreateUser']);
    expect(maybe.approximate?.join(' ') ?? '').not.toContain('documents that are not known');
  });

  it('a document chosen by a conditional: its grants read, its Denies left out, an override not applied, another branch noted (a fourth review)', () => {
    const { results } = moduleOf({ 'main.tf': TF4 });
    const recs = policies(results);
    const byAddress = (a: string) => recs.find((r) => r.address === a)!;
    const a = byAddress('aws_iam_policy.a');
    expect(doc(a).Statement).toEqual([{ Effect: 'Allow', Action: ['sqs:*', 'kms:*'], Resource: '*' }]);
    expect(a.approximate?.join(' ')).toContain('left out: a Deny of a document chosen by a conditional');
    const b = byAddress('aws_iam_policy.b');
    expect(doc(b).Statement).toEqual([{ Sid: 'Main', Effect: 'Allow', Action: 'kms:*', Resource: '*' }]);
    expect(b.approximate?.join(' ')).toContain(
      'override_policy_documents chosen by a conditional, not applied',
    );
    const c = byAddress('aws_iam_policy.c');
    expect(c.approximate?.join(' ')).toContain('left out: documents that are not known');
  });

  it("reads Anyscale's S3 bucket policy module: coalesce() of a null variable and a document, a dynamic statement turned on by value", () => {
    // anyscale/terraform-aws-anyscale-cloudfoundation-modules modules/aws-anyscale-s3-policy, in
    // short: both were unresolved ("coalesce(...), which is not evaluated"; "iterates over
    // ${local.create_default_policy ? [1] : [0]}, which is not known").
    const { results } = moduleOf({
      'main.tf': `
variable "custom_s3_policy" {
  default = null
}
variable "create_default_policy" {}
data "aws_iam_policy_document" "managed" {
  dynamic "statement" {
    for_each = var.create_default_policy ? [1] : [0]
    content {
      sid       = "AllowRoleAccess"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:aws:s3:::anyscale-bucket/*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = coalesce(var.custom_s3_policy, data.aws_iam_policy_document.managed.json)
}
resource "aws_iam_policy" "q" {
  policy = coalesce(var.create_default_policy, data.aws_iam_policy_document.managed.json)
}
`,
    });
    const recs = policies(results);
    const p = recs.find((r) => r.address === 'aws_iam_policy.p')!;
    expect(doc(p).Statement).toEqual([
      {
        Sid: 'AllowRoleAccess',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::anyscale-bucket/*',
      },
    ]);
    // A first argument that is not known may be the one: still not evaluated.
    expect(recs.find((r) => r.address === 'aws_iam_policy.q')!.status).toBe('unresolved');
  });

  it('reads a local the module does not define (a file copied alone) as unknown where it is used', () => {
    // Coiled's Terraform template, copied out of its module, uses locals defined in another file.
    const { results } = moduleOf({
      'iam.tf': `
data "aws_iam_policy_document" "ongoing" {
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["arn:aws:ec2:\${local.region}:\${local.account}:instance/*", "arn:aws:ec2:\${local.region}::image/*"]
  }
}
resource "aws_iam_policy" "ongoing" {
  policy = data.aws_iam_policy_document.ongoing.json
}
`,
    });
    const rec = policies(results).find((p) => p.address === 'aws_iam_policy.ongoing');
    // Only the fields that use the locals are unknown, not the whole list: each one value (a
    // string interpolated beside known text), read as a placeholder.
    expect(doc(rec).Statement[0]!.Resource).toEqual([
      'arn:aws:ec2:<local.region>:<local.account>:instance/*',
      'arn:aws:ec2:<local.region>::image/*',
    ]);
    const note = rec!.approximate!.join('; ');
    expect(note).toContain(
      'read as one value each (a resource of yours, not every one; a value with a wildcard would grant more): ${local.region}, ${local.account}',
    );
    expect(note).toContain('local.region is not defined in this module: read as unknown');
  });

  it('reads try(length(null), 0) as 0, coalesce() of a template with literal text, and a jsonencode() source document', () => {
    // As anyscale/terraform-aws-anyscale-cloudfoundation-modules writes its optional policies.
    const { results } = moduleOf({
      'main.tf': `
variable "custom" {
  type    = string
  default = null
}
data "aws_caller_identity" "current" {}
locals {
  body = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = ["arn:aws:secretsmanager:us-west-2:111122223333:secret:x"] }] })
  doc  = try(length(var.custom), 0) > 0 ? var.custom : local.body
  a    = null
  arn  = coalesce(local.a, "arn:aws:logs:*:\${data.aws_caller_identity.current.account_id}:log-group:/anyscale*")
}
data "aws_iam_policy_document" "secrets" {
  source_policy_documents = [local.doc]
}
resource "aws_iam_policy" "secrets" { policy = data.aws_iam_policy_document.secrets.json }
resource "aws_iam_policy" "logs" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = ["\${local.arn}:*"] }] })
}
`,
    });
    const recs = policies(results);
    const secrets = recs.find((p) => p.address === 'aws_iam_policy.secrets');
    // The source document (jsonencode() in a local) is read, not dropped.
    expect(doc(secrets).Statement[0]!.Action).toEqual(['secretsmanager:GetSecretValue']);
    const logs = recs.find((p) => p.address === 'aws_iam_policy.logs');
    // The account Terraform runs in (data.aws_caller_identity) is the account placeholder.
    expect(doc(logs).Statement[0]!.Resource).toEqual([
      'arn:aws:logs:*:<account-ID-without-hyphens>:log-group:/anyscale*:*',
    ]);
  });

  it("writes a created resource's account as the account placeholder, and the parts Terraform makes up as one value each", () => {
    // Anyscale's own module passed its node role (name_prefix "anyscale-cluster-node-") as
    // `…:role/anyscale-cluster-node-*` and got a HIGH "approximate" PassRole finding against its
    // own baseline: a role made from a prefix is one role, not every role of that prefix.
    const { results } = moduleOf({
      'main.tf': `
provider "aws" {
  alias = "other"
  assume_role {
    role_arn = "arn:aws:iam::999999999999:role/deploy"
  }
}
# only another region: the same account
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
data "aws_caller_identity" "current" {}
data "aws_caller_identity" "other" {
  provider = aws.other
}
resource "aws_iam_role" "cluster" {
  name               = "coiled-cluster"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "prefixed" {
  name_prefix        = "anyscale-cluster-node-"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "elsewhere" {
  provider           = aws.other
  name               = "coiled-cluster"
  assume_role_policy = "{}"
}
resource "aws_iam_role" "regional" {
  provider           = aws.us_east_1
  name               = "edge"
  assume_role_policy = "{}"
}
resource "aws_kms_key" "k" {}
resource "aws_iam_policy" "pass" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = [aws_iam_role.cluster.arn, aws_iam_role.prefixed.arn, aws_iam_role.regional.arn] }] })
}
resource "aws_iam_policy" "other" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = [aws_iam_role.elsewhere.arn, "arn:aws:iam::\${data.aws_caller_identity.other.account_id}:role/x"] }] })
}
resource "aws_iam_policy" "key" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = [aws_kms_key.k.arn, "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/x"] }] })
}
`,
    });
    const byAddress = (a: string) => policies(results).find((p) => p.address === a);
    const pass = byAddress('aws_iam_policy.pass');
    expect(doc(pass).Statement[0]!.Resource).toEqual([
      'arn:aws:iam::<account-ID-without-hyphens>:role/coiled-cluster',
      'arn:aws:iam::<account-ID-without-hyphens>:role/anyscale-cluster-node-<aws_iam_role.prefixed.name>',
      'arn:aws:iam::<account-ID-without-hyphens>:role/edge',
    ]);
    // Nothing read as a wildcard: not approximate.
    expect(pass!.approximate ?? []).toEqual([]);
    // A provider configuration that assumes a role may be another account: unknown there, named
    // after the reference written, in the note (not a data source the configuration never wrote).
    const other = byAddress('aws_iam_policy.other');
    expect(doc(other).Statement[0]!.Resource).toEqual([
      'arn:aws:iam::*:role/coiled-cluster',
      'arn:aws:iam::*:role/x',
    ]);
    const note = other!.approximate!.join('; ');
    expect(note).toContain("${aws_iam_role.elsewhere.arn's account}");
    expect(note).toContain('${data.aws_caller_identity.other.account_id}');
    expect(doc(byAddress('aws_iam_policy.key')).Statement[0]!.Resource).toEqual([
      'arn:aws:kms:*:<account-ID-without-hyphens>:key/<aws_kms_key.k.key_id>',
      'arn:aws:iam::<account-ID-without-hyphens>:role/x',
    ]);
  });

  it('names principals by address, with the directory only when two root modules share one', () => {
    const role = 'resource "aws_iam_role" "this" {\n  name = "r"\n  assume_role_policy = "{}"\n}\n';
    const two = moduleOf({ 'a/main.tf': role, 'b/main.tf': role }).results.flatMap((r) => r.principals ?? []);
    expect(two.map((p) => p.id).sort()).toEqual(['a/aws_iam_role.this', 'b/aws_iam_role.this']);
    const one = moduleOf({ 'a/main.tf': role }).results.flatMap((r) => r.principals ?? []);
    expect(one.map((p) => p.id)).toEqual(['aws_iam_role.this']);
  });

  it('renders templatefile() and marks what is not known as unresolved with a one-line reason', () => {
    const { results } = moduleOf({
      'main.tf': `
variable "bucket" {}
resource "aws_iam_policy" "t" {
  policy = templatefile("\${path.module}/policy.tpl", { bucket = "acme", actions = ["s3:GetObject", "s3:PutObject"] })
}
resource "aws_iam_policy" "u" {
  policy = var.policy_json
}
resource "aws_iam_policy" "w" {
  policy = sha256(var.bucket)
}
`,
      'policy.tpl': `{"Version": "2012-10-17", "Statement": [
%{ for a in actions ~}
  {"Effect": "Allow", "Action": "\${a}", "Resource": "arn:aws:s3:::\${bucket}/*"},
%{ endfor ~}
  {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
]}
`,
    });
    const recs = policies(results);
    expect(doc(recs[0]).Statement.map((s) => s.Action)).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:DeleteBucket',
    ]);
    expect(recs[1]).toMatchObject({
      status: 'unresolved',
      reason:
        'policy is the value of var.policy_json, which has no value in the files read (its value is given when Terraform runs: by -var, -var-file or the calling module)',
    });
    expect(recs[2]!.status).toBe('unresolved');
    expect(recs[2]!.reason).toContain('sha256(...)');
  });

  it("says that another provider's data source is computed by it, not that the file lacks it", () => {
    // As databricks/terraform-databricks-sra's credential.tf writes its cross-account trust.
    const { results } = moduleOf({
      'main.tf': `
data "databricks_aws_assume_role_policy" "this" {
  external_id = "abc"
}
resource "aws_iam_role" "cross_account" {
  name               = "databricks-cross-account"
  assume_role_policy = data.databricks_aws_assume_role_policy.this.json
}
`,
    });
    expect(policies(results).map((p) => [p.status, p.reason])).toEqual([
      [
        'unresolved',
        'assume_role_policy is the value of data.databricks_aws_assume_role_policy.this.json, which its provider computes when Terraform runs (only aws_iam_policy_document data sources are evaluated here): audit a plan (terraform show -json), which holds the policy it computed',
      ],
    ]);
  });

  // (a review: the reason named `data.databricks_aws_assume_role_policy.this--from-root.json`, the
  // reader's own alias of a reference passed in from another module)
  it("names a data source passed in from the calling module as it is written, not the reader's alias", () => {
    const { results } = moduleOf({
      'main.tf': `
data "databricks_aws_assume_role_policy" "this" {
  external_id = "abc"
}
module "infra" {
  source      = "./modules/infra"
  assume_role = data.databricks_aws_assume_role_policy.this.json
}
`,
      'modules/infra/main.tf': `
variable "assume_role" {}
resource "aws_iam_role" "cross_account" {
  name               = "databricks-cross-account"
  assume_role_policy = var.assume_role
}
`,
    });
    const reasons = policies(results).map((p) => p.reason ?? '');
    expect(reasons).toEqual([
      'assume_role_policy is the value of data.databricks_aws_assume_role_policy.this.json (of the root module), which its provider computes when Terraform runs (only aws_iam_policy_document data sources are evaluated here): audit a plan (terraform show -json), which holds the policy it computed',
    ]);
  });

  it('says that aws_iam_policy_document declared as a resource is a data source (a review: maheshforce/rapyder_test_project)', () => {
    const { results } = moduleOf({
      'main.tf': `
resource "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "karpenter"
  assume_role_policy = aws_iam_policy_document.trust.json
}
`,
    });
    expect(policies(results).map((p) => [p.status, p.reason])).toEqual([
      [
        'unresolved',
        'assume_role_policy is the value of aws_iam_policy_document.trust.json: aws_iam_policy_document is a data source, which Terraform reads only as data.aws_iam_policy_document.trust.json (declared with data "aws_iam_policy_document", not resource): fix the declaration and the reference',
      ],
    ]);
  });
});

describe('hostile or broken configurations', () => {
  it('survives deep nesting, self-references, module cycles and huge counts, saying why', () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const { results } = moduleOf({
      'main.tf': `
locals {
  deep = ${deep}
  a    = local.b
  b    = local.a
}
resource "aws_iam_policy" "deep" {
  policy = jsonencode({ Statement = local.deep })
}
resource "aws_iam_policy" "loop" {
  policy = local.a
}
resource "aws_iam_policy" "many" {
  count  = 100000
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
module "self" {
  source = "./"
}
`,
    });
    const recs = policies(results);
    const many = recs.filter((p) => p.address?.startsWith('aws_iam_policy.many['));
    expect(many.length).toBe(1000);
    expect(many[0]!.approximate).toContain('its count is 100000: only the first 1000 instances are read');
    const loop = recs.find((p) => p.address === 'aws_iam_policy.loop')!;
    expect(loop.status).toBe('unresolved');
    expect(loop.reason).toContain('refers to itself');
    // Too deep to evaluate: read as an unknown value (a wildcard), and said so.
    const deepRec = recs.find((p) => p.address === 'aws_iam_policy.deep')!;
    expect(JSON.stringify(deepRec)).toContain('nested too deeply');
    const self = results.find((r) => r.path === 'main.tf#module.self')!;
    expect(self.reason).toContain('a cycle');
  });
});

describe('through runAudit', () => {
  it('audits a policy file a .tf module reads with file() once, through the module (and a template every templatefile() of which renders, as rendered)', async () => {
    // A review found each such policy counted twice (the file on its own, and the .tf policy).
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-read-'));
    const policy = (action: string, resource: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
      });
    writeFileSync(join(root, 'coiled-permissions.json'), policy('iam:CreateUser', '*'));
    writeFileSync(
      join(root, 'coiled-template.json'),
      policy('iam:CreateRole', 'arn:aws:iam::${account}:role/*'),
    );
    // read by no .tf file: audited on its own
    writeFileSync(join(root, 'coiled-other.json'), policy('iam:DeleteUser', '*'));
    writeFileSync(
      join(root, 'main.tf'),
      [
        'resource "aws_iam_policy" "p" {',
        '  name   = "coiled-p"',
        '  policy = file("coiled-permissions.json")',
        '}',
        'resource "aws_iam_policy" "t" {',
        '  name   = "coiled-t"',
        '  policy = templatefile("${path.module}/coiled-template.json", { account = "123456789012" })',
        '}',
        '',
      ].join('\n'),
    );
    const report = await runAudit({ root, paths: [], baseline: 'coiled', now: NOW });
    expect(report.policies.map((p) => p.id).sort()).toEqual([
      'coiled-other.json',
      'main.tf#aws_iam_policy.p',
      'main.tf#aws_iam_policy.t',
    ]);
    const input = (path: string) => report.inputs.find((i) => i.path === path)!;
    expect(input('coiled-permissions.json')).toMatchObject({
      status: 'skipped',
      reason: 'read by main.tf aws_iam_policy.p with file(): its policy is audited there',
    });
    expect(input('coiled-template.json')).toMatchObject({
      status: 'skipped',
      reason:
        'rendered by main.tf aws_iam_policy.t with templatefile(): its policy is audited there, as rendered',
    });
  });

  it("points a finding at its statement's own file when the policy document is in another file", async () => {
    // As anyscale's module: the resource in main.tf, its aws_iam_policy_document in data.tf.
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-files-'));
    writeFileSync(
      join(root, 'main.tf'),
      'resource "aws_iam_policy" "p" {\n  name   = "coiled-p"\n  policy = data.aws_iam_policy_document.d.json\n}\n',
    );
    writeFileSync(
      join(root, 'data.tf'),
      [
        'data "aws_iam_policy_document" "d" {',
        '  statement {',
        '    actions   = ["ec2:DescribeInstances"]',
        '    resources = ["*"]',
        '  }',
        '  statement {',
        '    sid       = "Extra"',
        '    actions   = ["iam:CreateUser"]',
        '    resources = ["*"]',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const report = await runAudit({ root, paths: [], baseline: 'coiled', now: NOW });
    const extra = report.findings.find((f) => f.statement === 'Extra')!;
    expect(extra).toMatchObject({
      kind: 'excess-action',
      path: 'data.tf',
      line: 6,
      address: 'aws_iam_policy.p',
    });
    expect(report.policies.find((p) => p.address === 'aws_iam_policy.p')).toMatchObject({ path: 'main.tf' });
  });

  it('points a statement of a source or override document at its own statement block, in its own file', async () => {
    // Before, a statement merged in from source_policy_documents pointed at the resource's line.
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-source-'));
    const block = (name: string, sid: string, action: string) =>
      `data "aws_iam_policy_document" "${name}" {\n  statement {\n    sid       = "${sid}"\n    actions   = ["${action}"]\n    resources = ["*"]\n  }\n}\n`;
    writeFileSync(
      join(root, 'shared.tf'),
      block('base', 'Base', 'iam:CreateUser') + block('late', 'Late', 'iam:DeleteRole'),
    );
    writeFileSync(
      join(root, 'main.tf'),
      [
        'data "aws_iam_policy_document" "p" {',
        '  source_policy_documents   = [data.aws_iam_policy_document.base.json]',
        '  override_policy_documents = [data.aws_iam_policy_document.late.json]',
        '  statement {',
        '    sid       = "Own"',
        '    actions   = ["iam:DeleteUser"]',
        '    resources = ["*"]',
        '  }',
        '}',
        'resource "aws_iam_policy" "p" {',
        '  name   = "coiled-p"',
        '  policy = data.aws_iam_policy_document.p.json',
        '}',
        '',
      ].join('\n'),
    );
    const report = await runAudit({ root, paths: [], baseline: 'coiled', now: NOW });
    const at = (sid: string) => {
      const f = report.findings.find((x) => x.statement === sid)!;
      return [f.path, f.line];
    };
    expect([at('Base'), at('Own'), at('Late')]).toEqual([
      ['shared.tf', 2],
      ['main.tf', 4],
      ['shared.tf', 9],
    ]);
  });

  it("audits Coiled's Terraform template against coiled with no CRITICAL iam:PassRole on *", async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-coiled-'));
    for (const f of readdirSync(join(FIX, 'coiled-terraform-template')))
      writeFileSync(join(root, f), readFileSync(join(FIX, 'coiled-terraform-template', f)));
    const report = await runAudit({ root, paths: [], baseline: 'coiled', now: NOW });
    expect(report.inputs.filter((i) => i.kind === 'terraform-hcl').length).toBe(4);
    const passRole = report.findings.filter((f) => f.actions.some((a) => /^iam:passrole$/i.test(a)));
    expect(passRole.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(passRole.filter((f) => f.resources.includes('*'))).toEqual([]);
    const critical = report.findings.filter((f) => f.severity === 'critical');
    expect(critical).toEqual([]);
    // Findings point at the .tf file and the statement's line (statement EverythingElse: its
    // iam:GetInstanceProfile on *; its sts:GetCallerIdentity needs no permission, so is no finding).
    const broader = report.findings.find(
      (f) => f.kind === 'broader-resource' && f.statement === 'EverythingElse',
    )!;
    expect(broader).toMatchObject({ path: 'iam.tf', line: 210, actions: ['iam:GetInstanceProfile'] });
    expect(report.findings.filter((f) => f.kind === 'excess-action')).toEqual([]);
    expect(report.notes?.some((n) => n.startsWith('sts:GetCallerIdentity needs no IAM permission'))).toBe(
      true,
    );
  });

  it("audits Anyscale's own module clean against its own baseline, and still reports PassRole on more roles", async () => {
    // The module passes its node role, made from a name_prefix, and its instance profile: before,
    // read as `…:role/anyscale-cluster-node-*`, a HIGH approximate PassRole finding.
    const copy = (edit?: (text: string) => string) => {
      const root = mkdtempSync(join(tmpdir(), 'iba-hcl-anyscale-'));
      for (const f of readdirSync(join(FIX, 'anyscale-aws-anyscale-iam'))) {
        const text = readFileSync(join(FIX, 'anyscale-aws-anyscale-iam', f), 'utf8');
        writeFileSync(join(root, f), edit && f === 'iam-policies-data.tf' ? edit(text) : text);
      }
      return root;
    };
    const steady = (r: Awaited<ReturnType<typeof runAudit>>) =>
      r.findings.filter((f) => f.address === 'aws_iam_policy.anyscale_steadystate_policy[0]');
    const own = await runAudit({ root: copy(), paths: [], now: NOW });
    expect(
      own.policies.find((p) => p.address === 'aws_iam_policy.anyscale_steadystate_policy[0]'),
    ).toMatchObject({
      status: 'audited',
      baseline: 'anyscale',
    });
    expect(steady(own)).toEqual([]);
    // Every role of the account, or every role of the prefix: reported.
    for (const resource of ['role/*', 'role/anyscale-cluster-node-*']) {
      const wide = await runAudit({
        root: copy((t) =>
          t.replace(
            '      local.anyscale_cluster_role_arn,',
            `      "arn:aws:iam::\${local.account_id}:${resource}",`,
          ),
        ),
        paths: [],
        now: NOW,
      });
      const found = steady(wide);
      expect(found.map((f) => [f.actions, f.resources, f.approximate])).toEqual([
        [['iam:PassRole'], [`arn:aws:iam::<account-ID-without-hyphens>:${resource}`], undefined],
      ]);
    }
  });

  it('reports a .tf that does not parse with its file and line, and audits the rest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-bad-'));
    writeFileSync(
      join(root, 'good.tf'),
      'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })\n}\n',
    );
    writeFileSync(join(root, 'bad.tf'), 'resource "aws_iam_policy" "q" {\n  policy = \n}\n\nlocals {\n');
    const report = await runAudit({ root, paths: [], now: NOW });
    const bad = report.inputs.find((i) => i.path === 'bad.tf')!;
    expect(bad.status).toBe('error');
    expect(bad.reason).toMatch(/^not valid HCL at line 3, column \d+/);
    const finding = report.findings.find((f) => f.path === 'bad.tf')!;
    expect(finding).toMatchObject({ kind: 'invalid-policy', line: 3 });
    expect(report.inputs.find((i) => i.path === 'good.tf')!.status).toBe('audited');
    expect(report.policies.map((p) => p.id)).toContain('good.tf#aws_iam_policy.p');
  });

  it('marks what a pull request adds to a .tf policy as new, against the base version of the module', async () => {
    const policy = (actions: string) =>
      `resource "aws_iam_role_policy" "p" {\n  role = "coiled-x"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = [${actions}], Resource = "*" }] })\n}\n`;
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-pr-'));
    writeFileSync(join(root, 'main.tf'), policy('"sqs:SendMessage", "dynamodb:DeleteTable"'));
    const base = policy('"sqs:SendMessage"');
    const report = await runAudit({
      root,
      paths: [],
      baseline: 'coiled',
      now: NOW,
      readBase: async (p) => (p === 'main.tf' ? base : undefined),
    });
    const excess = report.findings.filter((f) => f.kind === 'excess-action');
    expect(excess.find((f) => f.actions.includes('dynamodb:DeleteTable'))?.new).toBe(true);
    expect(excess.find((f) => f.actions.includes('sqs:SendMessage'))?.new).toBe(false);
  });

  it('reads the rest of the module when one .tf file is named on the command line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-one-'));
    const policy =
      'resource "aws_iam_policy" "p" {\n  name   = local.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })\n}\n';
    writeFileSync(join(root, 'policy.tf'), policy);
    writeFileSync(join(root, 'locals.tf'), 'locals {\n  name = "coiled-bucket-reader"\n}\n');
    const results = readHclModules(
      [{ path: 'policy.tf', text: policy }],
      fsHost(root),
      new Set(['policy.tf']),
    );
    expect(policies(results).map((p) => [p.id, p.name])).toEqual([
      ['policy.tf#aws_iam_policy.p', 'coiled-bucket-reader'],
    ]);
    const report = await runAudit({ root, paths: ['policy.tf'], now: NOW });
    expect(report.policies.map((p) => p.id)).toEqual(['policy.tf#aws_iam_policy.p']);
  });

  it("reads the directory's terraform.tfvars and *.auto.tfvars when one .tf file is named, as its audit does, listing each .tf file read (a review's case)", async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-one-vars-'));
    writeFileSync(
      join(root, 'main.tf'),
      'resource "aws_iam_policy" "p" {\n  name = "p"\n  policy = jsonencode({\n    Version   = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = var.actions, Resource = var.resource }]\n  })\n}\n',
    );
    writeFileSync(
      join(root, 'variables.tf'),
      'variable "actions" {\n  default = ["s3:GetObject"]\n}\nvariable "resource" {\n  default = "*"\n}\n',
    );
    writeFileSync(join(root, 'terraform.tfvars'), 'actions = ["iam:*"]\n');
    writeFileSync(join(root, 'z.auto.tfvars'), 'resource = "arn:aws:s3:::b/*"\n');
    const text = readFileSync(join(root, 'main.tf'), 'utf8');
    const read = readHclModules([{ path: 'main.tf', text }], fsHost(root), new Set(['main.tf']));
    expect(policies(read).map((p) => [p.id, p.document])).toEqual([
      [
        'main.tf#aws_iam_policy.p',
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['iam:*'], Resource: 'arn:aws:s3:::b/*' }],
        },
      ],
    ]);
    const named = await runAudit({ root, paths: ['main.tf'], baseline: 'skypilot:minimal', now: NOW });
    const whole = await runAudit({ root, paths: ['.'], baseline: 'skypilot:minimal', now: NOW });
    expect(named.findings.length).toBeGreaterThan(0);
    expect(named.findings).toEqual(whole.findings);
    // The .tf files read are the inputs, as a directory's audit lists them.
    expect(named.inputs.map((i) => [i.path, i.status])).toEqual(whole.inputs.map((i) => [i.path, i.status]));
    expect(named.inputs.map((i) => i.path)).toEqual(['main.tf', 'variables.tf']);
  });

  it("points a plan's findings at the .tf block and statement lines when the repository has the configuration", async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-plan-'));
    const fixtures = join(FIX, '..');
    mkdirSync(join(root, 'infra'));
    writeFileSync(
      join(root, 'infra/test.tf'),
      readFileSync(join(fixtures, 'hcl-plan/awslabs-tipv__iam_policy__test.tf')),
    );
    writeFileSync(
      join(root, 'plan.json'),
      readFileSync(join(fixtures, 'tf-plan/awslabs-tipv__iam_policy__test_plan.json')),
    );
    const report = await runAudit({ root, paths: ['plan.json'], baseline: 'coiled', now: NOW });
    const policy = report.policies.find((p) => p.address === 'aws_iam_policy.demo_policy')!;
    expect(policy).toMatchObject({
      id: 'plan.json#aws_iam_policy.demo_policy',
      path: 'infra/test.tf',
      line: 57,
    });
    const findings = report.findings.filter((f) => f.policy === policy.id);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.path).toBe('infra/test.tf');
    // The lambda statement (ViewAndConfigureFunctions) starts at line 34 of the .tf.
    expect(findings.find((f) => f.statement === 'ViewAndConfigureFunctions')?.line).toBe(34);
  });

  it('discovers .tf and .tfvars files in a directory walk', () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-hcl-disc-'));
    writeFileSync(join(root, 'main.tf'), '');
    writeFileSync(join(root, 'terraform.tfvars'), '');
    writeFileSync(join(root, 'notes.txt'), '');
    expect(discover(root, []).files.map((f) => f.path)).toEqual(['main.tf', 'terraform.tfvars']);
  });
});
