// CloudFormation templates through runAudit: Datadog's integration role against the datadog
// baseline (selected by a `cloudformation:` selector, and by detection), findings at template
// lines, SARIF locations, the JSON report, and new-vs-base in a pull request.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/audit/run.js';
import { matchesSelector } from '../src/config/select.js';
import { renderJson } from '../src/report/json.js';
import { renderSarif } from '../src/report/sarif.js';
import { parseReportJson } from '../src/report/validate.js';

const FIX = new URL('./fixtures/cloudformation/', import.meta.url).pathname;
const NOW = new Date('2026-11-22T00:00:00Z');
const ROLE = 'datadog__datadog_integration_role.yaml';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-cfn-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const roleText = readFileSync(join(FIX, ROLE), 'utf8');

describe("Datadog's CloudFormation role, end to end", () => {
  it('audits the role as one principal against the datadog baseline, findings at template lines', async () => {
    const root = repo({
      'infra/datadog.yaml': roleText,
      '.github/iam-baseline-audit.yml': [
        'version: 1',
        'audits:',
        // The 2022 policy: Datadog's current template grants far more than it, so there are findings
        // to place (against the current baseline it audits clean: the next test).
        '  - baseline: datadog@2022',
        '    policies: ["cloudformation:infra/*.yaml#DatadogIntegrationRole"]',
        '',
      ].join('\n'),
    });
    const report = await runAudit({ root, paths: [], now: NOW });
    expect(report.inputs).toEqual([
      expect.objectContaining({ path: 'infra/datadog.yaml', kind: 'cloudformation', status: 'audited' }),
    ]);
    const status = Object.fromEntries(report.policies.map((p) => [p.address, [p.status, p.baseline]]));
    expect(status).toEqual({
      // (its trust: Datadog's account with the external ID, as Datadog documents it: no finding)
      'DatadogIntegrationRole.AssumeRolePolicyDocument': ['audited', 'datadog@2022'],
      'DatadogIntegrationRole.Policies[0]': ['audited', 'datadog@2022'],
      'DatadogIntegrationRole.Policies[1]': ['unresolved', undefined],
      'DatadogIntegrationRole.Policies[2]': ['unresolved', undefined],
      DatadogIntegrationRoleManagedPolicy1: ['audited', 'datadog@2022'],
      DatadogIntegrationRoleManagedPolicy2: ['audited', 'datadog@2022'],
      DatadogIntegrationRoleManagedPolicy3: ['audited', 'datadog@2022'],
      DatadogIntegrationRoleManagedPolicy4: ['audited', 'datadog@2022'],
      // (attached when CloudSecurityPostureManagementPermissions is true, not its default: audited)
      'arn:aws:iam::aws:policy/SecurityAudit': ['audited', 'datadog@2022'],
    });
    expect(report.policies.find((p) => p.address === 'DatadogIntegrationRole.Policies[1]')!.reason).toBe(
      'Fn::Transform: the macro DatadogPolicy makes this value at deploy time; it is not evaluated',
    );
    // The role's union is audited as one: findings name the principal and point into the template.
    expect(report.findings.length).toBeGreaterThan(0);
    const lines = roleText.split('\n');
    for (const f of report.findings) {
      expect(f.policy).toBe('infra/datadog.yaml#DatadogIntegrationRole');
      expect(f.path).toBe('infra/datadog.yaml');
      expect(f.line).toBeGreaterThanOrEqual(60);
      // A statement's line: the `- Effect: Allow` item (or the !If branch holding it); a finding
      // on no statement (a permission missing from the union) the line of the policy.
      // (an AWS managed policy's: the line that attaches it, its ARN)
      if (f.address?.startsWith('arn:aws:iam::aws:policy/')) expect(lines[f.line! - 1]).toContain(f.address);
      else if (f.statement !== undefined) expect(lines[f.line! - 1]).toMatch(/^\s*- (Effect: Allow|!If)/);
      else expect(lines[f.line! - 1]).toMatch(/^\s*PolicyDocument:/);
    }
    // The resource-collection managed policies grant far more than the core integration policy.
    const excess = report.findings.filter((f) => f.kind === 'excess-action');
    expect(excess.some((f) => f.address === 'DatadogIntegrationRoleManagedPolicy1')).toBe(true);
    // SARIF: locations in the template, with the statement's line.
    const sarif = renderSarif(report) as {
      runs: {
        results: {
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
          }[];
        }[];
      }[];
    };
    const locs = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation);
    expect(locs.length).toBe(report.findings.length);
    for (const l of locs) {
      expect(l.artifactLocation.uri).toBe('infra/datadog.yaml');
      expect(l.region!.startLine).toBeGreaterThanOrEqual(60);
    }
    // The JSON report (with the new input kind) reads back.
    const back = parseReportJson(renderJson(report));
    expect(back.inputs[0]!.kind).toBe('cloudformation');
  });

  it("Datadog's own template, read from CloudFormation, audits clean against the current datadog baseline", async () => {
    const root = repo({ 'infra/datadog.yaml': roleText });
    const report = await runAudit({ root, paths: [], baseline: 'datadog', now: NOW });
    const excess = report.findings.filter((f) => f.kind !== 'missing-permission' && !f.removed);
    const actions = new Set(excess.flatMap((f) => f.actions));
    // Issue 14's bar: at most 10 actions reported excess (782 against the 2022 policy before).
    expect(actions.size).toBeLessThanOrEqual(10);
  });

  it('is found by detection without a configuration', async () => {
    const root = repo({ 'infra/datadog.yaml': roleText });
    const report = await runAudit({ root, paths: [], now: NOW });
    const inline = report.policies.find((p) => p.address === 'DatadogIntegrationRole.Policies[0]')!;
    expect(inline).toMatchObject({ status: 'audited', baseline: 'datadog' });
    expect(inline.detection!.evidence.join(' ')).toContain('464622532012');
  });

  it('marks findings new only where the pull request added them', async () => {
    // The base did not have DatadogIntegrationRoleManagedPolicy4 (the last resource before Metadata).
    const start = roleText.indexOf('  DatadogIntegrationRoleManagedPolicy4:');
    const end = roleText.indexOf('\nMetadata:');
    const base = roleText.slice(0, start) + roleText.slice(end + 1);
    const root = repo({ 'infra/datadog.yaml': roleText });
    const report = await runAudit({
      root,
      paths: [],
      baseline: 'datadog@2022',
      now: NOW,
      readBase: async (p) => (p === 'infra/datadog.yaml' ? base : undefined),
    });
    const byPolicy = new Map<string, boolean[]>();
    for (const f of report.findings) byPolicy.set(f.address!, [...(byPolicy.get(f.address!) ?? []), f.new!]);
    expect(byPolicy.get('DatadogIntegrationRoleManagedPolicy4')!.every((n) => n)).toBe(true);
    expect(byPolicy.get('DatadogIntegrationRoleManagedPolicy1')!.every((n) => !n)).toBe(true);
  });
});

describe("the stack's own account", () => {
  const baseline = (account: string) => `id: iam-editor
name: IAM editor
date: '2026-10-01'
placeholders:
  <account-ID-without-hyphens>: the AWS account ID the stack runs in
sets:
  - name: ongoing
    kind: ongoing
    statements:
      - Effect: Allow
        Action: [iam:GetPolicy, iam:GetPolicyVersion, iam:CreatePolicyVersion, iam:DeletePolicyVersion]
        Resource: arn:aws:iam::${account}:policy/DatadogIntegrationManagedPolicy
`;
  const audit = async (account: string, accountId?: string) => {
    const root = repo({
      'infra/custom-iam.yaml': readFileSync(join(FIX, 'datadog__datadog_custom_iam.yaml'), 'utf8'),
      'iam/editor.yml': baseline(account),
      '.github/iam-baseline-audit.yml': [
        'version: 1',
        'baselines: [./iam/editor.yml]',
        'audits:',
        '  - baseline: iam-editor',
        '    policies: ["cloudformation:**#LambdaExecutionRolePolicyDatadogCustomIAMCall"]',
        '',
      ].join('\n'),
    });
    const report = await runAudit({ root, paths: [], now: NOW, ...(accountId ? { accountId } : {}) });
    const p = report.policies.find((x) => x.address === 'LambdaExecutionRolePolicyDatadogCustomIAMCall')!;
    expect(p).toMatchObject({ status: 'audited', baseline: 'iam-editor' });
    return report.findings.filter((f) => f.address === p.address).map((f) => f.kind);
  };

  it('AWS::AccountId reads as the placeholder the baselines use, bound to the configured account', async () => {
    // The policy's resource is !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${Param}".
    expect(await audit('<account-ID-without-hyphens>')).toEqual([]);
    expect(await audit('<account-ID-without-hyphens>', '123456789012')).toEqual([]);
    expect(await audit('123456789012', '123456789012')).toEqual([]);
    // Without the account, the stack's account could be any: broader than one literal account.
    expect(await audit('123456789012')).toEqual(['broader-resource']);
    // Another account than the configured one: broader, and the configured account's resource is
    // granted by nothing (missing-permission is per baseline resource).
    expect(await audit('999999999999', '123456789012')).toEqual(['missing-permission', 'broader-resource']);
  });
});

describe('cloudformation: selectors', () => {
  const policy = { path: 'infra/datadog.yaml', address: 'DatadogIntegrationRole.Policies[0]' };
  it('match the template path and the logical id', () => {
    expect(matchesSelector('cloudformation:infra/datadog.yaml#DatadogIntegrationRole', policy)).toBe(true);
    expect(matchesSelector('cloudformation:**#Datadog*', policy)).toBe(true);
    expect(matchesSelector('cloudformation:DatadogIntegrationRole.Policies[0]', policy)).toBe(true);
    expect(matchesSelector('cloudformation:other.yaml#DatadogIntegrationRole', policy)).toBe(false);
    expect(matchesSelector('cloudformation:infra/datadog.yaml#Other', policy)).toBe(false);
    expect(matchesSelector('terraform:DatadogIntegrationRole', policy)).toBe(false);
  });

  it('match a principal through its `<path>#<logical id>` id', () => {
    const managed = { path: 'infra/datadog.yaml', address: 'DatadogIntegrationRoleManagedPolicy1' };
    const holders = ['infra/datadog.yaml#DatadogIntegrationRole'];
    expect(matchesSelector('cloudformation:DatadogIntegrationRole', managed, holders)).toBe(true);
    expect(matchesSelector('cloudformation:infra/*#DatadogIntegrationRole', managed, holders)).toBe(true);
    expect(matchesSelector('cloudformation:DatadogIntegrationRole', managed)).toBe(false);
    const principalAsPolicy = { path: 'infra/datadog.yaml', address: holders[0]! };
    expect(matchesSelector('cloudformation:DatadogIntegrationRole', principalAsPolicy, holders)).toBe(true);
  });
});
