// Secrets. (1) Values Terraform marks sensitive (`after_sensitive`, `before_sensitive`,
// `sensitive_values`) never appear in any rendering: the policy is audited on a redacted copy
// (resources read as `*`, Sids dropped, unknown actions shown as `(sensitive)`), so it is still
// audited and never shown. (2) The action's token never appears in what main.ts logs or writes,
// even when an error message carries it (the e2e test covers the bundled action; this is the unit).
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ---- mocks for main.ts (before it is imported)
const log: string[] = [];
const outputs: Record<string, string> = {};
const secretsSet: string[] = [];
const summary = {
  text: '',
  addRaw(t: string) {
    summary.text += t;
    return summary;
  },
  async write() {
    return summary;
  },
};
const core = {
  getInput: (name: string) => process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '',
  setSecret: (s: string) => {
    secretsSet.push(s);
    log.push('::add-mask::(secret)');
  },
  info: (m: string) => log.push(`info ${m}`),
  debug: (m: string) => log.push(`debug ${m}`),
  warning: (m: string) => log.push(`warning ${m}`),
  error: (m: string) => log.push(`error ${m}`),
  notice: (m: string) => log.push(`notice ${m}`),
  setFailed: (m: string) => log.push(`failed ${m}`),
  setOutput: (k: string, v: string) => {
    outputs[k] = v;
  },
  summary,
};
const TOKEN = 'ghs_unitTestTokenThatMustNeverBeShown0987';
/** An octokit whose every call fails with an error that quotes the token (the worst case). */
const failing = () => {
  throw Object.assign(new Error(`request failed: Authorization: token ${TOKEN} was rejected`), {
    status: 500,
  });
};
const octokit = new Proxy(
  {},
  { get: () => new Proxy(failing, { get: () => new Proxy(failing, { get: () => failing }) }) },
);
jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('@actions/github', () => ({
  context: { eventName: 'schedule', payload: {}, serverUrl: 'https://github.com', runId: 42 },
  getOctokit: () => octokit,
}));

const { run } = await import('../../src/main.js');
const { runAudit, ConfigError } = await import('../../src/audit/run.js');
const { renderAll, expectInert } = await import('./inert.js');

const SECRET = /hunter2/i;

/** A plan where policies, a trust policy, a data source and non-policy attributes are sensitive. */
function sensitivePlan(): string {
  const policy = (sid: string, resource: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: sid,
          Effect: 'Allow',
          Action: ['ec2:*', 's3:hunter2SecretAction', 'iam:PassRole'],
          Resource: [resource, '*'],
          Condition: { StringEquals: { 'aws:PrincipalTag/hunter2': 'hunter2-value' } },
        },
        {
          Sid: 'DenyHunter2',
          Effect: 'Deny',
          Action: 'iam:*',
          Resource: 'arn:aws:iam::111122223333:role/hunter2-role',
          Condition: { Bool: { 'aws:hunter2': 'true' } },
        },
      ],
      Id: 'hunter2-id',
    });
  return JSON.stringify({
    format_version: '1.2',
    resource_changes: [
      {
        address: 'aws_iam_policy.vendor',
        mode: 'managed',
        type: 'aws_iam_policy',
        name: 'vendor',
        change: {
          actions: ['update'],
          before: {
            name: 'coiled-policy',
            policy: policy('OldHunter2Sid', 'arn:aws:s3:::old-hunter2-bucket/*'),
          },
          after: {
            name: 'coiled-policy',
            description: 'rotated with Hunter2-Description',
            policy: policy('Hunter2SecretSid', 'arn:aws:s3:::hunter2-secret-bucket/*'),
          },
          after_unknown: {},
          before_sensitive: { policy: true },
          after_sensitive: { policy: true, description: true },
        },
      },
      {
        address: 'aws_iam_role.r',
        mode: 'managed',
        type: 'aws_iam_role',
        name: 'r',
        change: {
          actions: ['create'],
          before: null,
          after: {
            name: 'hunter2-role-name',
            description: 'hunter2 in a description',
            assume_role_policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::999988887777:root' },
                  Action: 'sts:AssumeRole',
                  Condition: { StringEquals: { 'sts:ExternalId': 'hunter2-external-id' } },
                },
              ],
            }),
            inline_policy: [
              { name: 'hunter2-inline', policy: policy('InlineHunter2', 'arn:aws:sqs:*:*:hunter2-queue') },
            ],
            managed_policy_arns: ['arn:aws:iam::123456789012:policy/hunter2-managed'],
            tags: { secret: 'hunter2-tag' },
          },
          after_unknown: {},
          after_sensitive: {
            name: true,
            description: true,
            assume_role_policy: true,
            inline_policy: [{ name: true, policy: true }],
            managed_policy_arns: true,
            tags: { secret: true },
          },
        },
      },
      {
        address: 'aws_iam_role_policy_attachment.a',
        mode: 'managed',
        type: 'aws_iam_role_policy_attachment',
        name: 'a',
        change: {
          actions: ['create'],
          before: null,
          after: {
            role: 'hunter2-role-name',
            policy_arn: 'arn:aws:iam::123456789012:policy/hunter2-attached',
          },
          after_unknown: {},
          after_sensitive: { role: true, policy_arn: true },
        },
      },
      {
        address: 'data.aws_iam_policy_document.d',
        mode: 'data',
        type: 'aws_iam_policy_document',
        name: 'd',
        change: {
          actions: ['read'],
          before: null,
          after: {
            json: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'DataHunter2',
                  Effect: 'Allow',
                  Action: 'sqs:*',
                  Resource: 'arn:aws:sqs:*:*:hunter2-queue',
                },
              ],
            }),
            statement: [
              { sid: 'DataHunter2', actions: ['sqs:*'], resources: ['arn:aws:sqs:*:*:hunter2-queue'] },
            ],
          },
          after_unknown: {},
          after_sensitive: { json: true, statement: [{ resources: [true] }] },
        },
      },
      {
        address: 'aws_iam_user_policy.broken',
        mode: 'managed',
        type: 'aws_iam_user_policy',
        name: 'broken',
        change: {
          actions: ['create'],
          before: null,
          after: { user: 'u', policy: '{"Statement": hunter2' },
          after_unknown: {},
          after_sensitive: { policy: true },
        },
      },
    ],
  });
}

/** The same resources in a state file, marked with `sensitive_values`. */
function sensitiveState(): string {
  return JSON.stringify({
    format_version: '1.0',
    values: {
      root_module: {
        resources: [
          {
            address: 'aws_iam_role_policy.s',
            mode: 'managed',
            type: 'aws_iam_role_policy',
            name: 's',
            values: {
              role: 'hunter2-role',
              policy: JSON.stringify({
                Statement: [
                  {
                    Sid: 'StateHunter2',
                    Effect: 'Allow',
                    Action: 'kms:*',
                    Resource: 'arn:aws:kms:*:*:key/hunter2',
                  },
                ],
              }),
            },
            sensitive_values: { role: true, policy: true },
          },
        ],
      },
    },
  });
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-secrets-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('values Terraform marks sensitive are audited and never shown', () => {
  it('no renderer prints them, whatever baseline or detection is used; the policies are still audited', async () => {
    mkdirSync(join(tmp, 'tf'), { recursive: true });
    writeFileSync(join(tmp, 'tf/plan.json'), sensitivePlan());
    writeFileSync(join(tmp, 'tf/state.json'), sensitiveState());
    for (const baseline of [undefined, 'coiled']) {
      const report = await runAudit({
        root: tmp,
        paths: ['tf'],
        baseline,
        now: new Date('2026-06-01T00:00:00Z'),
      });
      expectInert(report);
      for (const [name, text] of Object.entries(renderAll(report)))
        expect([
          name,
          SECRET.exec(text)?.input.slice(
            Math.max(0, SECRET.exec(text)!.index - 80),
            SECRET.exec(text)!.index + 40,
          ),
        ]).toEqual([name, undefined]);
      expect(JSON.stringify(report)).not.toMatch(SECRET);
      if (baseline) {
        // Audited on the redacted copy: ec2:* and iam:PassRole are still reported, on `*`.
        const vendor = report.findings.filter((f) => f.address === 'aws_iam_policy.vendor' && !f.removed);
        expect(vendor.some((f) => f.kind === 'excess-action' && /from ec2:\*/.test(f.message))).toBe(true);
        expect(vendor.some((f) => f.kind === 'unknown-action' && f.actions[0] === '(sensitive)')).toBe(true);
        expect(vendor.every((f) => f.statement === undefined || /^#\d+$/.test(f.statement))).toBe(true);
        expect(report.policies.find((p) => p.id === 'tf/state.json#aws_iam_role_policy.s')).toMatchObject({
          status: 'audited',
        });
      }
    }
  });
});

describe('main.ts never shows the token', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('registers it as a secret first and cuts it out of every message, also from errors that quote it', async () => {
    const root = join(tmp, 'repo');
    mkdirSync(join(root, 'iam'), { recursive: true });
    writeFileSync(
      join(root, 'iam/p.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
      }),
    );
    Object.assign(process.env, {
      'INPUT_GITHUB-TOKEN': TOKEN,
      INPUT_PATHS: 'iam',
      INPUT_BASELINE: 'coiled',
      'INPUT_FAIL-ON': 'any',
      'INPUT_SARIF-FILE': join(tmp, 'out/iam.sarif'),
      GITHUB_WORKSPACE: root,
      GITHUB_REPOSITORY: 'o/r',
      RUNNER_TEMP: join(tmp, 'runner'),
    });
    await run();
    expect(secretsSet).toEqual([TOKEN]);
    expect(log[0]).toBe('::add-mask::(secret)');
    // The drift issue failed with an error quoting the token: the warning says so without it.
    expect(
      log.some((l) =>
        /^warning Could not update the drift tracking issue: request failed: Authorization: token \*\*\* was rejected$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(outputs.result).toBe('fail');
    const everything = [...log, summary.text, JSON.stringify(outputs)].join('\n');
    expect(everything).not.toContain(TOKEN);
  });
});

describe('the configuration cannot make the audit read files outside the repository', () => {
  const OUTSIDE = 'SECRET_TOKEN=hunter2-outside-the-repository';
  let repo: string;
  let outside: string;
  beforeAll(() => {
    repo = join(tmp, 'cfg-repo');
    outside = join(tmp, 'outside.txt');
    mkdirSync(join(repo, '.github'), { recursive: true });
    mkdirSync(join(repo, 'iam'), { recursive: true });
    writeFileSync(join(repo, 'iam/p.json'), '{"Statement": []}');
    writeFileSync(outside, `${OUTSIDE}\n`);
  });

  it('an absolute path or a `..` in baselines or audits is a ConfigError, and the file is not read', async () => {
    for (const cfg of [
      `version: 1\nbaselines: [${JSON.stringify(outside)}]\n`,
      'version: 1\nbaselines: ["iam/../../outside.txt"]\n',
      `version: 1\naudits:\n  - baseline: ${JSON.stringify(outside)}\n    policies: ["iam/*"]\n`,
    ]) {
      writeFileSync(join(repo, '.github/iam-baseline-audit.yml'), cfg);
      await expect(runAudit({ root: repo, paths: ['iam'] })).rejects.toThrow(ConfigError);
      await expect(runAudit({ root: repo, paths: ['iam'] })).rejects.toThrow(
        /is (outside the repository|an absolute path); expected a path relative to the repository root/,
      );
      await expect(runAudit({ root: repo, paths: ['iam'] })).rejects.not.toThrow(SECRET);
    }
  });

  it('an absolute path is called that, even to a file inside the repository (a review)', async () => {
    writeFileSync(
      join(repo, '.github/iam-baseline-audit.yml'),
      `version: 1\nbaselines: [${JSON.stringify(join(repo, 'iam/p.json'))}]\n`,
    );
    await expect(runAudit({ root: repo, paths: ['iam'] })).rejects.toThrow(
      /line 2: baselines\[0\] ".*" is an absolute path; expected a path relative to the repository root/,
    );
  });

  it('a configuration that is a symlink to a file outside does not have that file quoted in the error', async () => {
    rmSync(join(repo, '.github/iam-baseline-audit.yml'), { force: true });
    symlinkSync(outside, join(repo, '.github/iam-baseline-audit.yml'));
    await expect(runAudit({ root: repo, paths: ['iam'] })).rejects.not.toThrow(SECRET);
  });

  // src/audit/run.ts, readRel (and src/sources/discover.ts for explicit paths): files are read with
  // readFileSync, which follows symlinks, so a pull request can commit
  // `.github/iam-baseline-audit.yml -> /proc/self/environ` (or a baseline, or an explicitly named
  // input) and make the action read any file on the runner; its parse errors may then quote parts of
  // it. Fix: resolve the real path (fs.realpathSync) and refuse, with a ConfigError or an input in
  // error, any file whose real path is not under the real root; and refuse absolute or `..` paths.
  it('a configuration that is a symlink to a file outside the repository is refused', async () => {
    await expect(runAudit({ root: repo, paths: ['iam'] })).rejects.toThrow(/outside the repository/);
  });

  it('a policy file that is a symlink to a file outside is not read, and is listed as skipped or in error', async () => {
    rmSync(join(repo, '.github/iam-baseline-audit.yml'), { force: true });
    symlinkSync(outside, join(repo, 'iam/leak.json'));
    const walked = await runAudit({ root: repo, paths: ['iam'], baseline: 'coiled' });
    expect(walked.inputs.find((i) => i.path === 'iam/leak.json')).toMatchObject({ status: 'skipped' });
    const named = await runAudit({ root: repo, paths: ['iam/leak.json'], baseline: 'coiled' });
    expect(named.inputs.find((i) => i.path === 'iam/leak.json')).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/outside the repository/),
    });
    expect(JSON.stringify([walked, named])).not.toContain('hunter2');
  });
});

// (a review) The walk skips .git, but a `.tf` file's file(".git/config") read it, and the Sid it
// became carried actions/checkout's token (`extraheader = AUTHORIZATION: basic …`) into the
// report, the pull-request comment and the job summary, which the runner does not mask.
describe('nothing inside .git is read, however it is named', () => {
  const HEADER = 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVA==';
  let repo: string;
  beforeAll(() => {
    repo = join(tmp, 'git-repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    // (a checkout on a case-insensitive file system names the same directory so)
    mkdirSync(join(repo, '.Git'), { recursive: true });
    writeFileSync(join(repo, '.Git/config'), `[http]\n\textraheader = ${HEADER}\n`);
    writeFileSync(join(repo, '.git/config'), `[http "https://github.com/"]\n\textraheader = ${HEADER}\n`);
    writeFileSync(
      join(repo, '.git/policy.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: HEADER.replace(/\W/g, ''), Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' },
        ],
      }),
    );
  });

  const tf = (sid: string) => `resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Sid = ${sid}, Effect = "Allow", Action = ["ec2:CreateFleet", "iam:CreateUser"], Resource = "*" }] })
}
`;

  it.each([
    ['file(".git/config")', 'file(".git/config")'],
    ['file("./x/../.git/config")', 'file("./x/../.git/config")'],
    ['templatefile(".git/config", {})', 'templatefile(".git/config", {})'],
    ['file(".Git/config") (case-insensitive file systems)', 'file(".Git/config")'],
  ])('%s in a .tf file: not read, the policy unresolved with the reason', async (_, call) => {
    writeFileSync(join(repo, 'main.tf'), tf(call));
    const r = await runAudit({ root: repo, paths: ['.'], baseline: 'coiled' });
    expect(JSON.stringify(r)).not.toContain('eC1hY2Nlc3M');
    expect(r.policies.find((p) => p.id.startsWith('main.tf'))).toMatchObject({
      status: 'unresolved',
      reason: expect.stringMatching(
        /the file is not read \(it is inside the version control's own directory/,
      ),
    });
  });

  it('a symbolic link to .git/config, a configuration baseline there, or the file named: refused', async () => {
    rmSync(join(repo, 'main.tf'), { force: true });
    symlinkSync(join(repo, '.git/policy.json'), join(repo, 'linked.json'));
    writeFileSync(join(repo, 'p.json'), '{"Version": "2012-10-17", "Statement": []}');
    const linked = await runAudit({ root: repo, paths: ['linked.json', 'p.json'], baseline: 'coiled' });
    expect(linked.inputs.find((i) => i.path === 'linked.json')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/version control's own directory/),
    });
    const named = await runAudit({ root: repo, paths: ['.git/policy.json', 'p.json'], baseline: 'coiled' });
    expect(named.inputs.find((i) => i.path === '.git/policy.json')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/version control/),
    });
    mkdirSync(join(repo, '.github'), { recursive: true });
    writeFileSync(join(repo, '.github/iam-baseline-audit.yml'), 'version: 1\nbaselines: [".git/config"]\n');
    await expect(runAudit({ root: repo, paths: ['p.json'] })).rejects.toThrow(/version control/);
    await expect(runAudit({ root: repo, paths: ['p.json'] })).rejects.not.toThrow(/eC1hY2Nlc3M/);
    rmSync(join(repo, '.github/iam-baseline-audit.yml'));
    rmSync(join(repo, 'linked.json'));
    expect(JSON.stringify([linked, named])).not.toContain('eC1hY2Nlc3M');
  });
});

// (a review) A module whose source is a symbolic link to a directory outside the repository was
// listed there: "has no .tf files" or "not in the repository" told whether such a directory exists
// on the runner, and the walk named the link only where a directory was there. Neither looks: the
// same answers either way.
describe('a Terraform module linked outside the repository', () => {
  it('is not listed: the same reason whether the directory outside holds .tf files, none, or is not there', async () => {
    const base = mkdtempSync(join(tmpdir(), 'iba-module-link-'));
    const reasons: string[] = [];
    for (const target of ['with-tf', 'empty', 'missing']) {
      const repo = join(base, `repo-${target}`);
      mkdirSync(repo, { recursive: true });
      const out = join(base, `outside-${target}`);
      if (target !== 'missing') mkdirSync(out, { recursive: true });
      if (target === 'with-tf')
        writeFileSync(
          join(out, 'main.tf'),
          'resource "aws_iam_policy" "x" {\n  policy = "{\\"Statement\\": []}"\n}\n',
        );
      symlinkSync(out, join(repo, 'link'));
      writeFileSync(
        join(repo, 'main.tf'),
        'module "m" {\n  source = "./link"\n}\nresource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })\n}\n',
      );
      const r = await runAudit({ root: repo, paths: ['.'], baseline: 'coiled' });
      const all = JSON.stringify(r);
      expect(all).not.toContain('outside-');
      reasons.push(
        ...[...r.inputs, ...r.policies]
          .map((x) => x.reason ?? '')
          .concat(r.notes ?? [])
          .filter((x) => x.includes('module') || x.includes('symbolic link')),
      );
    }
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.join('\n')).not.toMatch(/has no \.tf files/);
    // (the walk's note on the link too: the same whatever is outside)
    expect(reasons.filter((x) => x.includes('symbolic link'))).toHaveLength(3);
    // (each repository told the same: one module reason, one note on the link, three times)
    expect(new Set(reasons).size).toBe(2);
  });
});
