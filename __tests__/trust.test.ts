// Trust policies held to the trust their vendor documents (src/audit/trust.ts): Datadog's own
// CloudFormation template (the role's trust: Datadog's account and the external ID) gives no
// finding; the same template without its condition, with `"AWS": "*"` or with another account
// gives one; the trust of a role that is not the vendor's (an instance role) is not audited.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runAudit } from '../src/audit/run.js';
import { runCommand } from '../src/cli-commands.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { updatePlan } from './helpers/plan.js';
import { expectInert, renderAll } from './hardening/inert.js';
import type { Finding, Report } from '../src/core/types.js';
import { ACCOUNT_PLACEHOLDER } from '../src/policy/arn.js';

const TEMPLATE = readFileSync(
  new URL('./fixtures/cloudformation/datadog__datadog_integration_role.yaml', import.meta.url),
  'utf8',
);
// The template's trust statement, as written there (checked below, so that a change of the fixture
// does not leave these tests comparing nothing).
const CONDITION = `            Condition:
              StringEquals:
                'sts:ExternalId': !Ref ExternalId
`;
const PRINCIPAL = `              AWS: !Sub
                - 'arn:aws:iam::\${DdAWSAccountId}:root'
                - { DdAWSAccountId: !Ref DdAWSAccountId }
`;

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'trust-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

async function audit(files: Record<string, string>, baseline?: string): Promise<Report> {
  const root = dir(files);
  return runAudit({ root, paths: Object.keys(files), ...(baseline ? { baseline } : {}) });
}

const trustOnes = (r: Report) =>
  r.findings.filter(
    (f) =>
      f.kind === 'broader-trust' || (f.kind === 'missing-condition' && f.actions.includes('sts:AssumeRole')),
  );
const brief = (f: Finding) => [f.kind, f.severity, f.statement, f.actions];

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const assume = (principal: unknown, condition?: object) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...(condition ? { Condition: condition } : {}),
});
const DATADOG = 'arn:aws:iam::464622532012:root';
const EXTERNAL_ID = { StringEquals: { 'sts:ExternalId': 'a1b2c3' } };

describe("Datadog's own template", () => {
  it('has the trust statement these tests change', () => {
    expect(TEMPLATE).toContain(CONDITION);
    expect(TEMPLATE).toContain(PRINCIPAL);
  });

  it("as written: the role's trust policy is audited against Datadog's, with no finding", async () => {
    const r = await audit({ 'datadog.yaml': TEMPLATE });
    const trust = r.policies.find((p) => p.kind === 'trust')!;
    expect(trust).toMatchObject({ status: 'audited', baseline: 'datadog' });
    expect(trustOnes(r)).toEqual([]);
  });

  it('without its external ID: missing-condition, high, on the trust statement and its line', async () => {
    const r = await audit({ 'datadog.yaml': TEMPLATE.replace(CONDITION, '') });
    const found = trustOnes(r);
    expect(found.map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
    expect(found[0]!.message).toContain('StringEquals sts:ExternalId');
    expect(found[0]!.message).toContain('confused deputy');
    const line = TEMPLATE.slice(
      0,
      TEMPLATE.indexOf('          - Effect: Allow\n            Principal:'),
    ).split('\n').length;
    expect(found[0]!.line).toBe(line);
    expect(found[0]!.path).toBe('datadog.yaml');
  });

  it('with any AWS account as the principal: broader-trust, high (its ExternalId parameter has no default: approximate)', async () => {
    const r = await audit({ 'datadog.yaml': TEMPLATE.replace(PRINCIPAL, "              AWS: '*'\n") });
    expect(trustOnes(r).map(brief)).toEqual([['broader-trust', 'high', '#0', ['sts:AssumeRole']]]);
    expect(trustOnes(r)[0]!.approximate).toBe('parameter ExternalId has no default');
    expect(trustOnes(r)[0]!.message).toMatch(
      /any AWS account.*Datadog documents only its accounts 464622532012/,
    );
  });
});

describe('trust policies compared statement by statement', () => {
  it('another account beside the vendor: broader-trust, medium; the condition is there: nothing else', async () => {
    const r = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: [DATADOG, 'arn:aws:iam::111122223333:role/ops'] }, EXTERNAL_ID),
        ),
      },
      'datadog',
    );
    expect(trustOnes(r).map(brief)).toEqual([['broader-trust', 'medium', '#0', ['sts:AssumeRole']]]);
    expect(trustOnes(r)[0]!.message).toContain('arn:aws:iam::111122223333:role/ops');
  });

  it("the role's own account beside the vendor is yours: no finding", async () => {
    const own = `arn:aws:iam::${ACCOUNT_PLACEHOLDER}:root`;
    const r = await audit(
      { 'datadog-trust.json': doc(assume({ AWS: [DATADOG, own] }, EXTERNAL_ID)) },
      'datadog',
    );
    expect(trustOnes(r)).toEqual([]);
  });

  it("any principal restricted by a condition on the caller, on a role not tied to the vendor (an organisation's role): not audited", async () => {
    const r = await audit(
      {
        'org-trust.json': doc(
          assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }),
        ),
      },
      'datadog',
    );
    expect(r.policies.find((p) => p.id === 'org-trust.json')).toMatchObject({ status: 'not-matched' });
    expect(r.findings).toEqual([]);
  });

  it("NotPrincipal in an Allow, on Datadog's role: critical", async () => {
    const r = await audit({
      'datadog.yaml': TEMPLATE.replace(
        `            Principal:\n${PRINCIPAL}`,
        "            NotPrincipal:\n              AWS: 'arn:aws:iam::464622532012:root'\n",
      ),
    });
    expect(trustOnes(r).map(brief)).toEqual([['broader-trust', 'critical', '#0', ['sts:AssumeRole']]]);
  });

  it("any principal narrowed by aws:PrincipalOrgID, on Datadog's role: low, approximate", async () => {
    const r = await audit({
      'datadog.yaml': TEMPLATE.replace(PRINCIPAL, "              AWS: '*'\n").replace(
        CONDITION,
        "            Condition:\n              StringEquals:\n                'aws:PrincipalOrgID': o-a1b2c3d4e5\n                'sts:ExternalId': !Ref ExternalId\n",
      ),
    });
    expect(trustOnes(r).map(brief)).toEqual([['broader-trust', 'low', '#0', ['sts:AssumeRole']]]);
    expect(trustOnes(r)[0]!.approximate).toContain('aws:PrincipalOrgID');
  });

  // (a review) `arn:aws:iam::*:role/coiled`: any account can make a role of that name. It narrows
  // no account: critical, not a low "not compared".
  it('any principal "narrowed" by aws:PrincipalArn or aws:PrincipalAccount of any account: critical', async () => {
    for (const condition of [
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/datadog' }, ...EXTERNAL_ID },
      { StringLike: { 'aws:PrincipalAccount': '*' }, ...EXTERNAL_ID },
    ]) {
      const r = await audit({ 'datadog-trust.json': doc(assume({ AWS: '*' }, condition)) }, 'datadog');
      expect(trustOnes(r).map(brief)).toEqual([['broader-trust', 'critical', '#0', ['sts:AssumeRole']]]);
    }
    // (StringEquals reads `*` as the character: no one, not any account; a star after a whole
    // account is that account's: neither is critical)
    for (const condition of [
      { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/datadog', 'sts:ExternalId': 'a1b2c3' } },
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333*' }, ...EXTERNAL_ID },
    ]) {
      const r = await audit({ 'datadog-trust.json': doc(assume({ AWS: '*' }, condition)) }, 'datadog');
      expect(trustOnes(r).map((f) => f.severity)).not.toContain('critical');
    }
    // (one account's: still narrowed, low and approximate, as before)
    const one = await audit(
      {
        'datadog-trust.json': doc(
          assume(
            { AWS: '*' },
            { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' }, ...EXTERNAL_ID },
          ),
        ),
      },
      'datadog',
    );
    expect(trustOnes(one).map((f) => f.severity)).not.toContain('critical');
  });

  it('any principal narrowed by aws:PrincipalAccount to the vendor is the vendor: its external ID is checked', async () => {
    const vendorOnly = { StringEquals: { 'aws:PrincipalAccount': '464622532012' } };
    const without = await audit({ 'datadog-trust.json': doc(assume({ AWS: '*' }, vendorOnly)) }, 'datadog');
    expect(trustOnes(without).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
    const withId = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: '*' }, { StringEquals: { ...vendorOnly.StringEquals, 'sts:ExternalId': 'x1' } }),
        ),
      },
      'datadog',
    );
    expect(trustOnes(withId)).toEqual([]);
  });

  it('a Deny of every session without the external ID meets the condition; ForAllValues does not', async () => {
    const deny = {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
      Condition: { StringNotEquals: { 'sts:ExternalId': 'x1' } },
    };
    const r = await audit({ 'datadog-trust.json': doc(assume({ AWS: DATADOG }), deny) }, 'datadog');
    expect(trustOnes(r)).toEqual([]);
    const forAll = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: DATADOG }, { 'ForAllValues:StringEquals': { 'sts:ExternalId': 'x1' } }),
        ),
      },
      'datadog',
    );
    expect(trustOnes(forAll).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
  });

  it.each([
    ['a wildcard external ID', { StringLike: { 'sts:ExternalId': '*' } }],
    [
      'an IfExists operator (met without any external ID)',
      { StringEqualsIfExists: { 'sts:ExternalId': 'a1b2c3' } },
    ],
    ['a negated operator', { StringNotEquals: { 'sts:ExternalId': 'a1b2c3' } }],
    ['a condition on another key only', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }],
  ])("the vendor's principal with %s: missing-condition", async (_, condition) => {
    const r = await audit({ 'datadog-trust.json': doc(assume({ AWS: DATADOG }, condition)) }, 'datadog');
    expect(trustOnes(r).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
  });

  it.each([
    ['StringEquals', { StringEquals: { 'sts:ExternalId': 'a1b2c3' } }],
    ['StringLike without a wildcard', { StringLike: { 'sts:ExternalId': ['a1b2c3'] } }],
    ['the key in another case', { StringEquals: { 'STS:externalid': 'a1b2c3' } }],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'sts:ExternalId': 'A1B2C3' } }],
    ['a bare account ID as the principal', undefined],
  ])('the external ID as %s: no finding', async (name, condition) => {
    const principal = condition ? { AWS: DATADOG } : { AWS: '464622532012' };
    const r = await audit(
      { 'datadog-trust.json': doc(assume(principal, condition ?? EXTERNAL_ID)) },
      'datadog',
    );
    expect([name, trustOnes(r)]).toEqual([name, []]);
  });

  it("a vendor that documents no condition (Anyscale's client): its principal alone gives no finding", async () => {
    const r = await audit(
      { 'anyscale-trust.json': doc(assume({ AWS: 'arn:aws:iam::525325868955:root' })) },
      'anyscale',
    );
    expect(r.policies.find((p) => p.id === 'anyscale-trust.json')).toMatchObject({ status: 'audited' });
    expect(trustOnes(r)).toEqual([]);
  });

  it("another role's trust (an instance role's) is not held to the vendor's: not audited, as before", async () => {
    const r = await audit({ 'ec2-trust.json': doc(assume({ Service: 'ec2.amazonaws.com' })) }, 'datadog');
    expect(r.policies.find((p) => p.id === 'ec2-trust.json')).toMatchObject({ status: 'not-matched' });
    expect(r.findings).toEqual([]);
  });

  it("detected by the vendor's account alone (no vendor name in the file)", async () => {
    const r = await audit({ 'role-trust.json': doc(assume({ AWS: 'arn:aws:iam::922761411349:root' })) });
    expect(r.policies.find((p) => p.id === 'role-trust.json')).toMatchObject({
      status: 'audited',
      baseline: 'spot',
    });
    expect(trustOnes(r).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
  });
});

describe('new in a pull request', () => {
  async function pr(base: string, head: string): Promise<Report> {
    const root = dir({ 'datadog-trust.json': head });
    return runAudit({ root, paths: ['datadog-trust.json'], baseline: 'datadog', readBase: async () => base });
  }

  it('a change that drops the external ID: the finding is new', async () => {
    const r = await pr(doc(assume({ AWS: DATADOG }, EXTERNAL_ID)), doc(assume({ AWS: DATADOG })));
    expect(trustOnes(r).map((f) => [f.kind, f.new])).toEqual([['missing-condition', true]]);
  });

  it('a change elsewhere in a policy that already lacked it: not new', async () => {
    const r = await pr(doc(assume({ AWS: DATADOG })), doc({ Sid: 'Renamed', ...assume({ AWS: DATADOG }) }));
    expect(trustOnes(r).map((f) => [f.kind, f.new])).toEqual([['missing-condition', false]]);
  });

  it('a trust policy the change adds: new', async () => {
    const root = dir({ 'datadog-trust.json': doc(assume({ AWS: DATADOG })) });
    const r = await runAudit({
      root,
      paths: ['datadog-trust.json'],
      baseline: 'datadog',
      readBase: async () => undefined,
    });
    expect(trustOnes(r).map((f) => [f.kind, f.severity, f.new])).toEqual([
      ['missing-condition', 'high', true],
    ]);
  });

  const three = (accounts: string[]) => doc(assume({ AWS: [DATADOG, ...accounts] }, EXTERNAL_ID));
  it('a change that removes one of the other accounts, or reorders them: not new', async () => {
    const base = three(['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root']);
    const removed = await pr(base, three(['arn:aws:iam::111111111111:root']));
    expect(trustOnes(removed).map((f) => [f.kind, f.resources, f.new])).toEqual([
      ['broader-trust', ['arn:aws:iam::111111111111:root'], false],
    ]);
    const reordered = await pr(
      base,
      three(['arn:aws:iam::222222222222:root', 'arn:aws:iam::111111111111:root']),
    );
    expect(trustOnes(reordered).map((f) => f.new)).toEqual([false]);
  });

  it('a change that adds an account: new', async () => {
    const r = await pr(
      three(['arn:aws:iam::111111111111:root']),
      three(['arn:aws:iam::111111111111:root', 'arn:aws:iam::333333333333:root']),
    );
    expect(trustOnes(r).map((f) => [f.kind, f.new])).toEqual([['broader-trust', true]]);
  });

  it("a second statement of another of the vendor's accounts without the external ID: new", async () => {
    const r = await pr(
      doc(assume({ AWS: DATADOG })),
      doc(assume({ AWS: DATADOG }), assume({ AWS: 'arn:aws:iam::417141415827:root' })),
    );
    expect(trustOnes(r).map((f) => [f.resources, f.new])).toEqual([
      [[DATADOG], false],
      [['arn:aws:iam::417141415827:root'], true],
    ]);
  });
});

describe("Databricks' optional statement that lets the role assume itself", () => {
  it('another account narrowed by aws:PrincipalArn: low and approximate, not medium', async () => {
    const self = {
      Sid: 'ExplicitSelfRoleAssumption',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/databricks-cross-account' },
      },
    };
    const r = await audit(
      {
        'databricks-trust.json': doc(
          assume({ AWS: 'arn:aws:iam::414351767826:root' }, { StringEquals: { 'sts:ExternalId': 'acct-1' } }),
          self,
        ),
      },
      'databricks',
    );
    expect(trustOnes(r).map(brief)).toEqual([
      ['broader-trust', 'low', 'ExplicitSelfRoleAssumption', ['sts:AssumeRole']],
    ]);
    expect(trustOnes(r)[0]!.approximate).toContain('aws:PrincipalArn');
  });
});

describe('values not known', () => {
  it('an account read as a wildcard (`arn:aws:iam::*:root`, which IAM refuses) is not any account: named, low and approximate', async () => {
    const r = await audit(
      { 'coiled-trust.json': doc(assume({ AWS: 'arn:aws:iam::*:root' }, EXTERNAL_ID)) },
      'coiled',
    );
    // (held to Coiled's trust, the baseline named and its external ID there: the principal named,
    // low and approximate, never "any AWS account")
    expect(r.policies.find((p) => p.id === 'coiled-trust.json')).toMatchObject({ status: 'audited' });
    expect(r.findings.map((f) => [f.kind, f.severity, f.resources, !!f.approximate])).toEqual([
      ['broader-trust', 'low', ['arn:aws:iam::*:root'], true],
    ]);
  });

  it("Coiled's Terraform template with its account variable not known: its trust is not reported open", async () => {
    const tf = `variable "coiled_account_id" {}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::\${var.coiled_account_id}:root"]
    }
  }
}
resource "aws_iam_role" "coiled" {
  name               = "coiled-control-plane"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
`;
    const r = await audit({ 'main.tf': tf }, 'coiled');
    expect(r.findings.filter((f) => f.actions.includes('sts:AssumeRole'))).toEqual([]);
  });
});

describe('baselines show', () => {
  it("prints the vendor's documented trust", async () => {
    const written: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    try {
      expect(await runCommand('baselines', ['show', 'databricks'])).toBe(0);
    } finally {
      out.mockRestore();
    }
    expect(written.join('')).toContain(
      '  trust: arn:aws:iam::414351767826:root, arn:aws-us-gov:iam::044793339203:root, arn:aws-us-gov:iam::170661010020:root (condition: StringEquals sts:ExternalId = ${databricks_account_id})',
    );
  });
});

describe('new in a Terraform plan (its `before`)', () => {
  const plan = (before: string, after: string) =>
    JSON.stringify(
      updatePlan(
        'aws_iam_role',
        'dd',
        { name: 'datadog-integration', assume_role_policy: before },
        { name: 'datadog-integration', assume_role_policy: after },
        '1.5.7',
      ),
    );
  const withId = doc(assume({ AWS: DATADOG }, EXTERNAL_ID));
  const without = doc(assume({ AWS: DATADOG }));

  it('the plan drops the external ID: new', async () => {
    const r = await audit({ 'plan.json': plan(withId, without) }, 'datadog');
    expect(trustOnes(r).map((f) => [f.kind, f.new])).toEqual([['missing-condition', true]]);
  });

  it('the role lacked it before: not new', async () => {
    const r = await audit({ 'plan.json': plan(without, without) }, 'datadog');
    expect(trustOnes(r).map((f) => [f.kind, f.new])).toEqual([['missing-condition', false]]);
  });
});

describe("Databricks' Unity Catalog role, which trusts itself (databricks/terraform-databricks-sra iam_unity_catalog.tf)", () => {
  it('its own ARN as a principal, and `*` narrowed by aws:PrincipalArn to it: no finding', async () => {
    const tf = `resource "aws_iam_role" "uc" {
  name = "acme-unitycatalog"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL", "arn:aws:iam::123456789012:role/acme-unitycatalog"] }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "sts:ExternalId" = "databricks-account-id" } }
      },
      {
        Sid       = "ExplicitSelfRoleAssumption"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "sts:AssumeRole"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::123456789012:role/acme-unitycatalog" } }
      }
    ]
  })
}
`;
    const r = await audit({ 'main.tf': tf }, 'databricks');
    expect(r.policies.find((p) => p.kind === 'trust')).toMatchObject({
      status: 'audited',
      baseline: 'databricks',
    });
    expect(trustOnes(r)).toEqual([]);
  });
});

describe("ignore rules on a role's trust policy", () => {
  const CONFIG = '.github/iam-baseline-audit.yml';
  const trust = (...accounts: string[]) => doc(assume({ AWS: [DATADOG, ...accounts] }));
  async function withRules(rules: string, policy: string): Promise<Report> {
    const root = dir({});
    mkdirSync(join(root, '.github'), { recursive: true });
    writeFileSync(join(root, CONFIG), `version: 1\nignore:\n${rules}`);
    writeFileSync(join(root, 'datadog-trust.json'), policy);
    return runAudit({ root, paths: ['.'], baseline: 'datadog', now: new Date('2026-12-06T00:00:00Z') });
  }
  const shown = (r: Report) =>
    trustOnes(r)
      .filter((f) => !f.ignored)
      .map((f) => [f.kind, f.resources])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  it('a rule for the action alone hides none of them, and says so', async () => {
    const r = await withRules(
      '  - action: sts:AssumeRole\n    reason: accepted\n',
      trust('arn:aws:iam::111122223333:root'),
    );
    expect(shown(r)).toEqual([
      ['broader-trust', ['arn:aws:iam::111122223333:root']],
      ['missing-condition', [DATADOG]],
    ]);
    expect(r.notes?.join('\n')).toMatch(
      /does not hide the findings of a role's trust policy .*name the principal/,
    );
  });

  it('a rule that names the principal hides that one only: not a later `*`, nor the missing external ID', async () => {
    const rule =
      '  - action: sts:AssumeRole\n    principal: "arn:aws:iam::111122223333:*"\n    reason: our audit role\n';
    const accepted = await withRules(rule, trust('arn:aws:iam::111122223333:root'));
    expect(shown(accepted)).toEqual([['missing-condition', [DATADOG]]]);
    expect(trustOnes(accepted).find((f) => f.ignored)?.resources).toEqual(['arn:aws:iam::111122223333:root']);
    const later = await withRules(rule, trust('arn:aws:iam::111122223333:root', '*'));
    expect(shown(later)).toEqual([
      ['broader-trust', ['*']],
      ['missing-condition', [DATADOG]],
    ]);
  });

  it('a rule with a principal hides no permission finding', async () => {
    const root = dir({});
    mkdirSync(join(root, '.github'), { recursive: true });
    writeFileSync(
      join(root, CONFIG),
      'version: 1\nignore:\n  - action: "*"\n    principal: "*"\n    reason: everything\n',
    );
    writeFileSync(
      join(root, 'datadog-policy.json'),
      doc({ Effect: 'Allow', Action: ['iam:CreateUser'], Resource: '*' }),
    );
    const r = await runAudit({ root, paths: ['.'], baseline: 'datadog' });
    expect(r.findings.filter((f) => f.kind === 'excess-action' && !f.ignored).length).toBe(1);
  });
});

describe('the Markdown verdict', () => {
  it('says trust when every finding is a trust policy’s', async () => {
    const r = await audit({ 'datadog-trust.json': doc(assume({ AWS: DATADOG })) }, 'datadog');
    expect(renderMarkdown(r, { mode: 'comment' })).toContain(
      '❌ **1 finding** in 1 policy: trust beyond what the vendors document',
    );
  });
});

// (a review, checked with @cloud-copilot/iam-simulate) Statements that only add to a session, Deny
// guards in their other forms, and conditions on the caller that always hold for AssumeRole.
describe('what starts a session, and the other forms of a Deny guard', () => {
  const tagOnly = (principal: unknown, ...actions: string[]) => ({
    Effect: 'Allow',
    Principal: principal,
    Action: actions,
  });
  const denyWithout = (principal: unknown, condition: object) => ({
    Effect: 'Deny',
    Principal: principal,
    Action: 'sts:AssumeRole',
    Condition: condition,
  });

  it('a statement that lets any account only tag sessions lets no one assume the role: no finding', async () => {
    const r = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: DATADOG }, EXTERNAL_ID),
          tagOnly({ AWS: '*' }, 'sts:TagSession'),
        ),
      },
      'datadog',
    );
    expect(trustOnes(r)).toEqual([]);
  });

  it("the vendor's tag and source-identity statement without the external ID: no finding; with AssumeRole: one", async () => {
    const extra = tagOnly({ AWS: DATADOG }, 'sts:TagSession', 'sts:SetSourceIdentity');
    const r = await audit(
      { 'datadog-trust.json': doc(assume({ AWS: DATADOG }, EXTERNAL_ID), extra) },
      'datadog',
    );
    expect(trustOnes(r)).toEqual([]);
    const both = tagOnly({ AWS: DATADOG }, 'sts:AssumeRole', 'sts:TagSession');
    const r2 = await audit(
      { 'datadog-trust.json': doc(assume({ AWS: DATADOG }, EXTERNAL_ID), both) },
      'datadog',
    );
    expect(trustOnes(r2).map(brief)).toEqual([
      ['missing-condition', 'high', '#1', ['sts:AssumeRole', 'sts:TagSession']],
    ]);
  });

  it('a trust policy that only lets the vendor tag sessions is not one to audit against it', async () => {
    const r = await audit({ 'role-trust.json': doc(tagOnly({ AWS: DATADOG }, 'sts:TagSession')) }, 'datadog');
    expect(r.policies.find((p) => p.id === 'role-trust.json')!.status).not.toBe('audited');
    expect(trustOnes(r)).toEqual([]);
  });

  it('a Deny of sessions without any external ID (Null) lets an attacker-chosen one through: missing-condition', async () => {
    const r = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: DATADOG }),
          denyWithout({ AWS: '*' }, { Null: { 'sts:ExternalId': 'true' } }),
        ),
      },
      'datadog',
    );
    expect(trustOnes(r).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
  });

  it.each([
    [
      'StringNotEqualsIfExists (a negated operator holds without the key)',
      { AWS: '*' },
      'StringNotEqualsIfExists',
    ],
    ["naming the vendor's account rather than any principal", { AWS: DATADOG }, 'StringNotEquals'],
    ["naming the vendor's account by its ID", { AWS: '464622532012' }, 'StringNotLike'],
  ])('a Deny guard %s meets the condition', async (_, principal, op) => {
    const r = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: DATADOG }),
          denyWithout(principal, { [op]: { 'sts:ExternalId': 'x1' } }),
        ),
      },
      'datadog',
    );
    expect(trustOnes(r)).toEqual([]);
  });

  // (a second review) sts:* to the vendor's account with a Deny of AssumeRole without the external
  // ID: the SAML and web-identity forms are not an AWS principal's, so the Deny guards all it can do.
  it.each(['sts:*', 'sts:Assume*'])(
    "%s to the vendor's account, with a Deny guard of AssumeRole: no finding",
    async (action) => {
      const r = await audit(
        {
          'datadog-trust.json': doc(
            { Effect: 'Allow', Principal: { AWS: DATADOG }, Action: action },
            denyWithout({ AWS: '*' }, { StringNotEquals: { 'sts:ExternalId': 'x1' } }),
          ),
        },
        'datadog',
      );
      expect(trustOnes(r)).toEqual([]);
    },
  );

  it('`*` narrowed by StringEqualsIfExists aws:PrincipalAccount for web identity (unsigned): any account', async () => {
    const r = await audit(
      {
        'datadog-trust.json': doc(assume({ AWS: DATADOG }, EXTERNAL_ID), {
          Effect: 'Allow',
          Principal: '*',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEqualsIfExists: { 'aws:PrincipalAccount': '464622532012' } },
        }),
      },
      'datadog',
    );
    expect(trustOnes(r).map((f) => [f.kind, f.severity, f.resources])).toEqual([
      ['broader-trust', 'critical', ['*']],
    ]);
  });

  it("a Deny guard of another account, or of TagSession only, does not cover the vendor's sessions", async () => {
    const other = await audit(
      {
        'datadog-trust.json': doc(
          assume({ AWS: DATADOG }),
          denyWithout(
            { AWS: 'arn:aws:iam::111122223333:root' },
            { StringNotEquals: { 'sts:ExternalId': 'x1' } },
          ),
        ),
      },
      'datadog',
    );
    expect(trustOnes(other).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
    const tagDeny = {
      ...denyWithout({ AWS: '*' }, { StringNotEquals: { 'sts:ExternalId': 'x1' } }),
      Action: 'sts:TagSession',
    };
    const tags = await audit({ 'datadog-trust.json': doc(assume({ AWS: DATADOG }), tagDeny) }, 'datadog');
    expect(trustOnes(tags).map(brief)).toEqual([['missing-condition', 'high', '#0', ['sts:AssumeRole']]]);
  });

  it.each([
    ['StringEqualsIfExists', { StringEqualsIfExists: { 'aws:PrincipalAccount': '464622532012' } }],
    [
      'ForAllValues:StringEquals',
      { 'ForAllValues:StringEquals': { 'aws:PrincipalAccount': '464622532012' } },
    ],
  ])(
    '`*` narrowed by %s aws:PrincipalAccount to the vendor (always there for AssumeRole) is the vendor',
    async (_, narrow) => {
      const r = await audit(
        {
          'datadog-trust.json': doc(
            assume({ AWS: '*' }, { ...narrow, StringEquals: { 'sts:ExternalId': 'x1' } }),
          ),
        },
        'datadog',
      );
      expect(trustOnes(r)).toEqual([]);
      const without = await audit({ 'datadog-trust.json': doc(assume({ AWS: '*' }, narrow)) }, 'datadog');
      expect(trustOnes(without).map(brief)).toEqual([
        ['missing-condition', 'high', '#0', ['sts:AssumeRole']],
      ]);
    },
  );
});

describe('conditions on the caller that do not narrow', () => {
  it.each([
    [
      'StringNotEquals aws:PrincipalArn',
      { StringNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/x' } },
    ],
    [
      'StringEqualsIfExists aws:PrincipalOrgID',
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    ],
    [
      'ForAllValues:StringLike aws:PrincipalOrgPaths',
      { 'ForAllValues:StringLike': { 'aws:PrincipalOrgPaths': ['o-a/*'] } },
    ],
  ])("`*` with %s, on Datadog's role: still any account, critical", async (_, condition) => {
    const yaml = Object.entries(condition)
      .map(
        ([op, keys]) =>
          `              ${op}:\n${Object.entries(keys)
            .map(([k, v]) => `                '${k}': ${JSON.stringify(v)}\n`)
            .join('')}`,
      )
      .join('');
    const template = TEMPLATE.replace(PRINCIPAL, "              AWS: '*'\n").replace(
      CONDITION,
      `            Condition:\n${yaml}`,
    );
    const r = await audit({ 'datadog.yaml': template });
    expect(
      trustOnes(r)
        .filter((f) => f.kind === 'broader-trust')
        .map((f) => [f.severity, f.resources]),
    ).toEqual([['critical', ['*']]]);
  });
});

describe('hostile principals render inert', () => {
  const HOSTILE_PRINCIPALS = [
    'a\n::error::pwned',
    '::add-mask::hunter2',
    '</details><details open><summary>pwned</summary>',
    '[link](http://evil.example)',
    '\u001B[31mred\u001B[0m',
    'user\u202Etxt.exe',
    'x`y``z```',
  ];

  it('in every output, while the JSON report keeps each whole', async () => {
    const trustDoc = doc(
      assume(
        { AWS: [DATADOG, ...HOSTILE_PRINCIPALS.map((h) => `arn:aws:iam::111122223333:role/${h}`)] },
        EXTERNAL_ID,
      ),
    );
    const r = await audit({ 'datadog-trust.json': trustDoc }, 'datadog');
    const found = trustOnes(r);
    expect(found.map((f) => [f.kind, f.resources.length])).toEqual([
      ['broader-trust', HOSTILE_PRINCIPALS.length],
    ]);
    expectInert(r);
    const json = renderAll(r).json;
    for (const h of HOSTILE_PRINCIPALS) expect(json).toContain(JSON.stringify(h).slice(1, -1));
  });
});

describe('principals not known here', () => {
  it("beside the vendor's: named, low and approximate, never dropped", async () => {
    const r = await audit(
      { 'datadog-trust.json': doc(assume({ AWS: [DATADOG, 'not-a-principal'] }, EXTERNAL_ID)) },
      'datadog',
    );
    expect(trustOnes(r).map((f) => [f.kind, f.severity, f.resources])).toEqual([
      ['broader-trust', 'low', ['not-a-principal']],
    ]);
    expect(trustOnes(r)[0]!.approximate).toMatch(/not known here/);
  });
});
