// Two inputs with the same Terraform address (dev/ and prod/ each defining `aws_iam_role.r`, the
// usual layout), through the same runAudit() the CLI and the action call: a configuration that
// selects `terraform:aws_iam_role.r` audits each role on its own. Before, the principals were
// keyed by address alone: of two states or two *.tf.json files, only the last input's role was
// audited (the other role's policy fell to detection, "not-matched", and prod's CRITICAL
// iam:CreateUser was lost with the order `prod dev`); of two .tf directories, the ids got the
// directory (`a/aws_iam_role.r`), no `terraform:` selector of the address matched, and the audit
// selected nothing, 0 findings.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/core/types.js';

const NOW = new Date('2026-12-05T00:00:00Z');
const CONFIG = '.github/iam-baseline-audit.yml';

function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-same-address-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const doc = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const BASE = doc('sts:GetCallerIdentity');
const config = (...selectors: string[]) =>
  `version: 1\naudits:\n  - baseline: ./base.json\n    policies: ${JSON.stringify(selectors)}\n`;

/** A raw state (`terraform.tfstate`) of a role and its inline policy granting `action`. */
function rawState(env: string, action: string) {
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  return {
    version: 4,
    terraform_version: '1.9.5',
    serial: 3,
    lineage: `l-${env}`,
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'aws_iam_role',
        name: 'r',
        provider,
        instances: [
          {
            schema_version: 0,
            attributes: {
              arn: `arn:aws:iam::123456789012:role/r-${env}`,
              name: `r-${env}`,
              assume_role_policy: JSON.stringify(TRUST),
            },
            sensitive_attributes: [],
          },
        ],
      },
      {
        mode: 'managed',
        type: 'aws_iam_role_policy',
        name: 'p',
        provider,
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: `r-${env}:p`,
              role: `r-${env}`,
              name: 'p',
              policy: JSON.stringify(doc(action)),
            },
            sensitive_attributes: [],
          },
        ],
      },
    ],
  };
}

const tfJson = (env: string, action: string) => ({
  resource: {
    aws_iam_role: { r: { name: `r-${env}`, assume_role_policy: JSON.stringify(TRUST) } },
    aws_iam_role_policy: {
      p: { name: 'p', role: '${aws_iam_role.r.name}', policy: JSON.stringify(doc(action)) },
    },
  },
});

const tf = (env: string, action: string) => `resource "aws_iam_role" "r" {
  name               = "r-${env}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_role_policy" "p" {
  name   = "p"
  role   = aws_iam_role.r.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "${action}", Resource = "*" }] })
}
`;

const LAYOUTS = {
  'raw state files': { file: 'terraform.tfstate', make: rawState },
  '*.tf.json files': { file: 'main.tf.json', make: tfJson },
  '.tf directories': { file: 'main.tf', make: tf },
} as const;

async function auditBoth(layout: keyof typeof LAYOUTS, paths: string[], cfg: string): Promise<Report> {
  const { file, make } = LAYOUTS[layout];
  const root = repo({
    'base.json': BASE,
    [CONFIG]: cfg,
    [`dev/${file}`]: make('dev', 's3:GetObject'),
    [`prod/${file}`]: make('prod', 'iam:CreateUser'),
  });
  return runAudit({ root, paths, now: NOW });
}

/** The role policies (`aws_iam_role_policy.p`) of the report, by directory: status and baseline. */
const rolePolicies = (r: Report) =>
  Object.fromEntries(
    r.policies
      .filter((p) => p.address === 'aws_iam_role_policy.p')
      .map((p) => [p.path.split('/')[0], `${p.status} ${p.baseline ?? ''}`.trim()]),
  );

describe.each(Object.keys(LAYOUTS) as (keyof typeof LAYOUTS)[])('the same role address in %s', (layout) => {
  it.each([
    [['dev', 'prod'], 'terraform:aws_iam_role.r'],
    [['prod', 'dev'], 'terraform:aws_iam_role.r'],
    [['dev', 'prod'], 'terraform:aws_iam_role.*'],
  ])('audits each role on its own (inputs %j, %s)', async (paths, selector) => {
    const report = await auditBoth(layout, paths, config(selector));
    // Both roles' policies held to the configured baseline, none left to detection.
    expect(rolePolicies(report)).toEqual({ dev: 'audited ./base.json', prod: 'audited ./base.json' });
    const excess = report.findings.filter((f) => f.kind === 'excess-action');
    expect(excess.map((f) => [f.path.split('/')[0], f.actions.join()]).sort()).toEqual([
      ['dev', 's3:GetObject'],
      ['prod', 'iam:CreateUser'],
    ]);
    expect(excess.find((f) => f.actions.includes('iam:CreateUser'))!.severity).toBe('critical');
    // One unit per role: two distinct, readable ids, each naming its address.
    const ids = [...new Set(excess.map((f) => f.policy))];
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^(dev|prod)\/.*aws_iam_role\.r$/);
    expect(report.notes ?? []).not.toEqual(
      expect.arrayContaining([expect.stringContaining('selects no policy')]),
    );
    // The text report heads each role's findings with its file and address.
    const text = renderText(report, { color: false });
    expect(text).toMatch(
      new RegExp(`prod/${LAYOUTS[layout].file.replace(/\./g, '\\.')} \\S*aws_iam_role\\.r `),
    );
  });

  it('a selector of one principal id selects that role only', async () => {
    const dir = layout === '.tf directories' ? 'prod/' : `prod/${LAYOUTS[layout].file}#`;
    const report = await auditBoth(layout, ['dev', 'prod'], config(`terraform:${dir}aws_iam_role.r`));
    expect(rolePolicies(report)).toEqual({
      dev: expect.stringMatching(/^not-matched/),
      prod: 'audited ./base.json',
    });
  });

  it("an ignore rule naming the address reaches both roles' findings", async () => {
    const cfg = `${config('terraform:aws_iam_role.r')}ignore:\n  - action: "*"\n    policies: ["terraform:aws_iam_role.r"]\n    reason: "needed"\n`;
    const report = await auditBoth(layout, ['prod', 'dev'], cfg);
    const excess = report.findings.filter((f) => f.kind === 'excess-action');
    expect(excess.map((f) => `${f.actions.join()} ${f.ignored?.reason}`).sort()).toEqual([
      'iam:CreateUser needed',
      's3:GetObject needed',
    ]);
  });
});

it('detection reads the trust of a role named after its directory (its policy in another file)', async () => {
  // Two root modules with `aws_iam_role.r` (ids `a/aws_iam_role.r`, `b/aws_iam_role.r`): the
  // role's trust policy (only EC2 may assume it) is found by its address, so its Coiled-named
  // policy is an instance role's, not the user's or cross-account role's policy Coiled describes.
  // (SkyPilot's page describes its skypilot-v1 instance role's policy too: not an example.)
  const role = `resource "aws_iam_role" "r" {
  name               = "coiled-worker"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
`;
  const policy = `resource "aws_iam_role_policy" "p" {
  name   = "coiled-worker"
  role   = aws_iam_role.r.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ec2:RunInstances", "ec2:DescribeInstances", "ec2:CreateFleet"], Resource = "*" }] })
}
`;
  const root = repo({ 'a/role.tf': role, 'a/policy.tf': policy, 'b/role.tf': role, 'b/policy.tf': policy });
  const report = await runAudit({ root, paths: ['a', 'b'], now: NOW });
  const reasons = report.policies.filter((p) => p.address === 'aws_iam_role_policy.p').map((p) => p.reason);
  expect(reasons).toEqual([
    expect.stringContaining("its role's trust policy lets only ec2.amazonaws.com assume the role"),
    expect.stringContaining("its role's trust policy lets only ec2.amazonaws.com assume the role"),
  ]);
});
