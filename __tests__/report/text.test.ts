import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import {
  baseReport,
  cleanReport,
  driftReport,
  finding,
  hostileReport,
  pullRequestReport,
} from './fixtures.js';
import { expectGolden } from './golden.js';

describe('renderText', () => {
  it('golden: a pull request report', () => {
    expectGolden('pull-request.txt', renderText(pullRequestReport()));
  });

  it('golden: a drift report and a clean one', () => {
    expectGolden('drift.txt', renderText(driftReport()));
    expectGolden('clean.txt', renderText(cleanReport()));
  });

  it('ends with a summary line', () => {
    const lines = renderText(pullRequestReport()).trimEnd().split('\n');
    expect(lines.pop()).toBe(
      '4 findings (1 critical, 2 high, 1 medium) in 2 of 3 policies from 3 inputs; 2 new (and 1 informational, 1 ignored)',
    );
    expect(renderText(cleanReport()).trimEnd()).toBe(
      [
        // The policies audited clean are named (a check that was made is seen).
        'Audited, no findings (2):',
        '  iam/coiled-policy.json (baseline coiled: ongoing)',
        '  infra/main.tf.json aws_iam_role_policy.coiled (baseline coiled: ongoing)',
        'Not audited:',
        '  infra/main.tf.json aws_iam_policy.other: not-matched (no baseline matches this policy)',
        '  README.md: skipped (not an IAM input)',
        '0 findings in 3 policies from 3 inputs',
      ].join('\n'),
    );
  });

  it('counts a document that could not be read as a policy, of the policies read', () => {
    // One finding in an audited policy, one for a file that is not valid JSON (not among the policies).
    const report = baseReport({
      findings: [
        finding({ kind: 'excess-action', actions: ['s3:DeleteBucket'], severity: 'high' }),
        finding({
          kind: 'invalid-policy',
          policy: 'iam/broken.json',
          path: 'iam/broken.json',
          baseline: undefined,
          resources: [],
        }),
      ],
    });
    expect(renderText(report).trimEnd().split('\n').pop()).toBe(
      '2 findings (1 high, 1 medium) in 2 of 4 policies (1 could not be read) from 3 inputs',
    );
  });

  // (a review: three .tf files made "from 904 inputs", each block with no instance listed as one)
  it('counts the files read, not the blocks of one listed as skipped', () => {
    const report = cleanReport();
    report.inputs = [
      ...report.inputs,
      ...[1, 2, 3].map((n) => ({
        path: `infra/main.tf.json#aws_iam_policy.unused[${n}]`,
        kind: 'terraform-json' as const,
        status: 'skipped' as const,
        reason: 'has no instance',
        policies: [],
      })),
    ];
    expect(renderText(report).trimEnd().split('\n').pop()).toBe('0 findings in 3 policies from 3 inputs');
    // (a file whose name holds `#` is a file: a review)
    report.inputs.push({ path: 'iam/p#1.json', kind: 'policy', status: 'audited', policies: [] });
    expect(renderText(report).trimEnd().split('\n').pop()).toBe('0 findings in 3 policies from 4 inputs');
  });

  it('colours only when asked', () => {
    expect(renderText(pullRequestReport())).not.toContain('\u001B');
    const colored = renderText(pullRequestReport(), { color: true });
    expect(colored).toContain('\u001B[1;31mCRITICAL');
  });

  it('renders hostile input inert for a terminal', () => {
    const report = hostileReport();
    const out = renderText(report);
    expect(out).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
    expect(out).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/);
    expect(out).toContain('\\x1b[31mred\\x1b[0m');
    expect(out).toContain('line1\\r\\nline2\\n- [ ] task');
    expect(out.split('\n').some((l) => l.startsWith('line2'))).toBe(false);
    // With colour on, the only escape sequences are ours (SGR codes).
    const colored = renderText(report, { color: true });
    expect(colored.replace(/\u001B\[[0-9;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
  });
});

describe('every policy and input has a line of its own', () => {
  const plan = 'tf/plan.json';
  const report = baseReport({
    inputs: [
      {
        path: plan,
        kind: 'terraform-plan',
        status: 'audited',
        policies: [`${plan}#aws_iam_role.r#inline_policy[a]`, `${plan}#aws_iam_role.r#inline_policy[b]`],
      },
      {
        path: 'tf/empty.json',
        kind: 'terraform-plan',
        status: 'audited',
        reason: 'no IAM policies in this file',
        policies: [],
      },
      { path: 'tf/vars.tf', kind: 'terraform-hcl', status: 'audited', policies: [] },
    ],
    policies: ['a', 'b'].map((n) => ({
      id: `${plan}#aws_iam_role.r#inline_policy[${n}]`,
      path: plan,
      address: 'aws_iam_role.r',
      kind: 'identity' as const,
      status: 'not-matched' as const,
      reason: 'matches no known vendor baseline',
    })),
    findings: [
      finding({
        kind: 'excess-action',
        policy: `${plan}#aws_iam_role.r#inline_policy[a]`,
        path: plan,
        address: 'aws_iam_role.r',
        actions: ['s3:GetObject'],
      }),
    ],
  });

  it('tells apart two inline policies of one role, in text and Markdown', () => {
    const text = renderText(report);
    expect(text).toContain(`${plan} aws_iam_role.r inline_policy[a]`);
    expect(text).toContain(`${plan} aws_iam_role.r inline_policy[b]: not-matched`);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('##### 📄 `tf/plan.json` · `aws_iam_role.r inline_policy[a]`');
    expect(markdown).toContain('`aws_iam_role.r inline_policy[b]`: not-matched');
  });

  it('lists an input read in full that holds no policy, but not a module file', () => {
    const text = renderText(report);
    expect(text).toContain('tf/empty.json: no IAM policies in this file');
    expect(text).not.toContain('tf/vars.tf');
    expect(renderMarkdown(report)).toMatch(/tf\/empty\.json.*: no IAM policies in this file/);
  });
});

// (a review) A list cut to "… and 9 more" said nowhere where the rest is.
describe('shortened lists point to the JSON report', () => {
  const NOTE =
    'Lists shortened here (a count, or "… and N more") are whole in the JSON report (--format json).';
  const report = (actions: string[], resources = ['*']) =>
    baseReport({ findings: [finding({ kind: 'excess-action', actions, resources })] });

  it('a few actions and resources: no note', () => {
    expect(renderText(report(['sqs:DeleteQueue', 'sqs:SendMessage']))).not.toContain(NOTE);
  });

  it('more actions than are listed, or more resources than are shown: the note, once', () => {
    const many = Array.from({ length: 12 }, (_, i) => `sqs:Action${String.fromCharCode(65 + i)}`);
    const text = renderText(report(many));
    expect(text.split(NOTE).length - 1).toBe(1);
    const arns = Array.from({ length: 11 }, (_, i) => `arn:aws:sqs:us-east-1:123456789012:q${i}`);
    expect(renderText(report(['sqs:DeleteQueue'], arns))).toContain(NOTE);
  });
});
