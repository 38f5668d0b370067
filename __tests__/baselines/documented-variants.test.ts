// Policies a vendor documents, in the variants its own sources write (an optional policy of its
// Terraform module, a partition of its data source, a managed policy it names), audit as
// documented: no "delete them" for what the vendor tells its users to grant, while what it does not
// document is still reported (a review compared the baselines with the vendors' sources).
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { builtinBaselines, findBaseline } from '../../src/baselines/load.js';
import type { Finding, Report } from '../../src/core/types.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

type Doc = { Version?: string; Statement: Record<string, unknown>[] };

function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-variants-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const vendor = (name: string): Doc => {
  const d = JSON.parse(readFileSync(join(FIXTURES, 'baselines', name), 'utf8')) as { Statement: unknown };
  return { ...d, Statement: (Array.isArray(d.Statement) ? d.Statement : [d.Statement]) as Doc['Statement'] };
};
const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

/** Findings that ask for a change (everything but the informational missing-permission). */
const excessLike = (r: Report) => r.findings.filter((f) => f.kind !== 'missing-permission');
const brief = (fs: Finding[]) => fs.map((f) => `${f.kind} ${f.set ?? ''} ${f.actions.join(',')}`);

async function audit(files: Record<string, unknown>, baseline?: string): Promise<Report> {
  return runAudit({ root: repo(files), paths: ['.'], baseline, now: NOW });
}

describe("Anyscale's Terraform module: its S3 bucket policy and the ECR managed policy", () => {
  /** The module (modules/aws-anyscale-iam, see fixtures/README.md) with a bucket given. */
  const moduleRepo = () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-anyscale-'));
    cpSync(join(FIXTURES, 'hcl/anyscale-aws-anyscale-iam'), root, { recursive: true });
    writeFileSync(
      join(root, 'terraform.tfvars'),
      'anyscale_s3_bucket_arn = "arn:aws:s3:::ml-platform-data"\n',
    );
    return root;
  };

  it('audits clean: S3BucketAccess is the optional s3-bucket-access set, AmazonEC2ContainerRegistryReadOnly documented', async () => {
    const r = await runAudit({ root: moduleRepo(), paths: ['.'], now: NOW });
    expect(brief(excessLike(r))).toEqual([]);
    const s3 = r.policies.find((p) => p.address === 'aws_iam_policy.anyscale_s3_access_policy[0]')!;
    expect([s3.status, s3.baseline]).toEqual(['audited', 'anyscale']);
    expect(s3.features ?? []).toContain('s3-bucket-access');
    const ecr = r.policies.find(
      (p) => p.address === 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
    )!;
    expect(ecr.status).toBe('not-matched');
    expect(ecr.reason).toMatch(/^an AWS managed policy that Anyscale documents attaching \(pulling images/);
    // The cluster node role's own CloudWatch policy, beside the S3 policy the module attaches to that
    // (EC2) role too, is not taken for the cross-account role's.
    const cw = r.policies.find(
      (p) => p.address === 'aws_iam_policy.anyscale_cluster_node_cloudwatch_policy',
    )!;
    expect(cw.status).toBe('not-matched');
  });

  it('the same statement on every bucket is still broader than the baseline', async () => {
    const tmpl = JSON.parse(
      readFileSync(join(FIXTURES, 'hcl/anyscale-aws-anyscale-iam/s3-bucket-access.tmpl'), 'utf8'),
    ) as Doc;
    const [st] = tmpl.Statement;
    const r = await audit(
      { 's3.json': doc([{ ...st, Resource: ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'] }]) },
      'anyscale:steady-state,s3-bucket-access',
    );
    expect(
      r.findings
        .filter((f) => f.kind === 'broader-resource')
        .flatMap((f) => f.actions)
        .sort(),
    ).toEqual((st!.Action as string[]).slice().sort());
  });
});

describe("SkyPilot: the skypilot-v1 role's policy, and the role-creation block the page calls Optional", () => {
  const minimal = () => vendor('skypilot-aws-minimal-34478f4.json');
  const ec2Trust = doc([
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ]);

  it.each(['skypilot', 'skypilot@2024', 'skypilot@2023'])(
    '%s describes the skypilot-v1 role\'s policy too (trusted entity EC2, "the IAM policy from step 1")',
    (id) => {
      expect(findBaseline(id, builtinBaselines())!.principals).toEqual(['user', 'instance-role']);
    },
  );

  it("without a configuration: the excess on the skypilot-v1 role is reported, not left out as an instance role's", async () => {
    const policy = {
      ...minimal(),
      Statement: [...minimal().Statement, { Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    };
    const r = await audit({
      'main.tf.json': {
        resource: {
          aws_iam_role: { skypilot: { name: 'skypilot-v1', assume_role_policy: JSON.stringify(ec2Trust) } },
          aws_iam_role_policy: {
            minimal: {
              name: 'minimal-skypilot-policy',
              role: '${aws_iam_role.skypilot.id}',
              policy: JSON.stringify(policy),
            },
          },
        },
      },
    });
    const p = r.policies.find((x) => x.address === 'aws_iam_role_policy.minimal')!;
    expect([p.status, p.baseline]).toEqual(['audited', 'skypilot']);
    expect(excessLike(r).length).toBeGreaterThan(0);
  });

  it.each([
    ['skypilot', () => vendor('skypilot-aws-optional-auto-create-role-34478f4.json').Statement],
    [
      'skypilot@2024',
      () =>
        (
          JSON.parse(
            readFileSync(join(FIXTURES, 'baselines/skypilot-optional-statements.json'), 'utf8'),
          ) as Record<string, unknown[]>
        ).auto_create_iam_role_replaces_last_two_rules!,
    ],
  ] as const)(
    '%s: the minimal policy with its last two rules replaced by the Optional block is a feature in use, not a leftover',
    async (id, block) => {
      const base = id === 'skypilot' ? minimal() : vendor('skypilot-minimal.json');
      const policy = { ...base, Statement: [...base.Statement.slice(0, -2), ...block()] };
      const r = await audit({ 'skypilot.json': policy }, id);
      expect(brief(excessLike(r))).toEqual([]);
      expect(r.policies[0]!.features ?? []).toContain('auto-create-role');
    },
  );
});

describe("Databricks: the data source's partitions and its pass_roles statement", () => {
  const customer = () => vendor('databricks-crossaccount-policy-customer.json');

  it.each(['managed', 'customer', 'restricted'])(
    'the %s policy written for GovCloud (aws_partition aws-us-gov) audits clean',
    async (type) => {
      const text = JSON.stringify(vendor(`databricks-crossaccount-policy-${type}.json`)).replaceAll(
        'arn:aws:',
        'arn:aws-us-gov:',
      );
      expect(text).toContain('arn:aws-us-gov:');
      const r = await audit({ 'databricks-cross-account.json': JSON.parse(text) as unknown });
      expect([r.policies[0]!.baseline, r.policies[0]!.sets]).toEqual(['databricks', [type]]);
      expect(brief(excessLike(r))).toEqual([]);
    },
  );

  it('with pass_roles, the appended iam:PassRole statement is the optional pass-roles set', async () => {
    // data_aws_crossaccount_policy.go lines 164-172: Effect Allow, Actions iam:PassRole, Resources pass_roles.
    const passRole = {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: ['arn:aws:iam::123456789012:role/databricks-s3-access'],
    };
    const policy = { ...customer(), Statement: [...customer().Statement, passRole] };
    const r = await audit({ 'databricks-cross-account.json': policy });
    expect(r.policies[0]!.baseline).toBe('databricks');
    expect(brief(excessLike(r))).toEqual([]);
    expect(r.policies[0]!.features).toEqual(['pass-roles']);
    // PassRole on every role is not what pass_roles writes.
    const any = { ...customer(), Statement: [...customer().Statement, { ...passRole, Resource: '*' }] };
    const broad = await audit({ 'databricks-cross-account.json': any }, 'databricks');
    expect(
      excessLike(broad)
        .filter((f) => f.actions.includes('iam:PassRole'))
        .map((f) => f.kind),
    ).toEqual(['broader-resource']);
  });
});

describe("Coiled's Terraform template: DeleteSecurityGroup under its ec2:Vpc condition", () => {
  const template = () => vendor('coiled-terraform-template-ongoing.json');
  /** The kinds of finding on each of the template's destructive actions (a review: all HIGH missing-condition). */
  const destructive = (fs: Finding[]) =>
    ['ec2:DeleteSecurityGroup', 'ec2:DeleteLaunchTemplate', 'ec2:DeleteLaunchTemplateVersions'].map((a) => [
      a,
      fs.filter((f) => f.kind !== 'missing-permission' && f.actions.includes(a)).map((f) => f.kind),
    ]);
  // DeleteLaunchTemplate* by ARN, with no tag condition: every launch template of the account, what
  // `*` grants; documenting it would let an unconditioned one pass for every Coiled policy (coiled.yml).
  const expected = [
    ['ec2:DeleteSecurityGroup', []],
    ['ec2:DeleteLaunchTemplate', ['missing-condition']],
    ['ec2:DeleteLaunchTemplateVersions', ['missing-condition']],
  ];

  it('the policy document: its Network statement is documented', async () => {
    const r = await audit({ 'coiled-ongoing.json': template() });
    expect([r.policies[0]!.baseline, r.policies[0]!.sets]).toEqual(['coiled', ['ongoing']]);
    expect(destructive(r.findings)).toEqual(expected);
  });

  it('the template itself (iam.tf): its Network statement is documented', async () => {
    const root = mkdtempSync(join(tmpdir(), 'iba-coiled-'));
    cpSync(join(FIXTURES, 'hcl/coiled-terraform-template'), root, { recursive: true });
    const r = await runAudit({ root, paths: ['.'], now: NOW });
    const p = r.policies.find((x) => x.address === 'aws_iam_policy.ongoing')!;
    expect([p.status, p.baseline]).toEqual(['audited', 'coiled']);
    expect(destructive(r.findings.filter((f) => f.policy === p.id))).toEqual(expected);
  });

  it('DeleteSecurityGroup without its ec2:Vpc condition is still reported (missing-condition)', async () => {
    const open = template();
    open.Statement = open.Statement.map((s) =>
      s.Sid === 'Network' ? Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'Condition')) : s,
    );
    const r = await audit({ 'coiled-ongoing.json': open });
    expect(destructive(r.findings)[0]).toEqual(['ec2:DeleteSecurityGroup', ['missing-condition']]);
  });

  it("the client's ongoing policy still audits clean", async () => {
    const r = await audit({ 'coiled-ongoing.json': vendor('coiled-ongoing-policy.json') });
    expect(r.policies[0]!.sets).toEqual(['ongoing']);
    expect(brief(r.findings)).toEqual([]);
  });
});
