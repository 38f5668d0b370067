// The policies audited with no finding are named in the text and Markdown reports (bounded).
import { describe, expect, it } from '@jest/globals';
import type { ReportPolicy } from '../../src/core/types.js';
import { cleanPolicies, MAX_CLEAN_SHOWN } from '../../src/report/group.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { baseReport, finding } from './fixtures.js';

const policy = (i: number, status: ReportPolicy['status'] = 'audited'): ReportPolicy => ({
  id: `iam/p${i}.json`,
  path: `iam/p${i}.json`,
  kind: 'identity',
  baseline: 'coiled',
  sets: ['ongoing'],
  status,
});

describe('policies audited with no findings', () => {
  it('are those audited with no finding of any kind, by id or by the path and address a finding names', () => {
    const member: ReportPolicy = {
      id: 'main.tf.json#aws_iam_role_policy.a',
      path: 'main.tf.json',
      address: 'aws_iam_role_policy.a',
      kind: 'identity',
      status: 'audited',
    };
    const report = baseReport({
      policies: [policy(0), policy(1), policy(2), policy(3, 'not-matched'), member],
      findings: [
        finding({ kind: 'excess-action', policy: 'iam/p0.json', path: 'iam/p0.json' }),
        finding({ kind: 'missing-permission', policy: 'iam/p1.json', path: 'iam/p1.json', severity: 'info' }),
        // A principal's finding: its id is the role, its path and address the member policy.
        finding({
          kind: 'excess-action',
          policy: 'aws_iam_role.r',
          path: 'main.tf.json',
          address: 'aws_iam_role_policy.a',
        }),
      ],
    });
    expect(cleanPolicies(report).map((p) => p.id)).toEqual(['iam/p2.json']);
  });

  it('are named up to a bound, the rest counted, in text and Markdown', () => {
    const n = MAX_CLEAN_SHOWN + 5;
    const report = baseReport({ policies: Array.from({ length: n }, (_, i) => policy(i)), findings: [] });
    const text = renderText(report);
    expect(text).toContain(`Audited, no findings (${n}):\n  iam/p0.json (baseline coiled: ongoing)\n`);
    expect(text).toContain(`  iam/p${MAX_CLEAN_SHOWN - 1}.json (baseline coiled: ongoing)\n  … and 5 more\n`);
    expect(text).not.toContain(`iam/p${MAX_CLEAN_SHOWN}.json`);
    const md = renderMarkdown(report);
    expect(md).toContain(`<summary>${n} policies audited with no findings</summary>`);
    expect(md).toContain('- `iam/p0.json`: baseline `coiled` (`ongoing`)');
    expect(md).toContain('- … and 5 more');
  });
});
