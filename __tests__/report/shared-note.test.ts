// A policy's approximate note that its findings share (a Terraform template's interpolations read
// as wildcards, repeated on every finding) is shown once, above the policy's findings.
import { describe, expect, it } from '@jest/globals';
import type { Finding } from '../../src/core/types.js';
import { groupFindings, ownApproximate, sharedApproximate } from '../../src/report/group.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { baseReport, finding } from './fixtures.js';

const NOTE = 'rebuilt from data.aws_iam_policy_document.x; interpolations read as wildcards: ${var.account}';

const f = (statement: string, approximate?: string, kind: Finding['kind'] = 'excess-action'): Finding =>
  finding({ kind, statement, actions: [`ec2:${statement}`], approximate, line: statement.length });

const count = (s: string, sub: string) => s.split(sub).length - 1;

describe('a note the findings of a policy share', () => {
  it('is shown once above them when every finding carries it', () => {
    const report = baseReport({
      findings: [f('A', NOTE), f('Bb', NOTE), f('Ccc', `a Deny covers part of it; ${NOTE}`)],
    });
    const [g] = groupFindings(report.findings, report);
    expect(sharedApproximate(g!)).toEqual({ text: NOTE, all: true });
    expect(ownApproximate(report.findings[2]!, sharedApproximate(g!))).toEqual({
      own: 'a Deny covers part of it',
      shared: true,
    });

    const text = renderText(report);
    expect(count(text, '${var.account}')).toBe(1);
    expect(text).toContain(`approximate, every finding below: ${NOTE}`);
    // A finding's own part stays on the finding; the shared part is not repeated.
    expect(text).toContain('approximate: a Deny covers part of it\n');
    expect(count(text, 'approximate: ')).toBe(1);

    const md = renderMarkdown(report);
    expect(count(md, 'var\\.account')).toBe(1);
    expect(md).toContain('⚠️ approximate, every finding below: ');
    expect(count(md, '⚠️ approximate: ')).toBe(1);
  });

  it('marks the findings that carry it when only some do', () => {
    const report = baseReport({
      findings: [f('A', NOTE), f('Bb', `own note; ${NOTE}`), f('Ccc', undefined, 'missing-permission')],
    });
    const [g] = groupFindings(report.findings, report);
    expect(sharedApproximate(g!)).toEqual({ text: NOTE, all: false });
    const text = renderText(report);
    expect(count(text, '${var.account}')).toBe(1);
    expect(text).toContain(`approximate, the findings below that say so: ${NOTE}`);
    expect(text).toContain('approximate: as noted above\n');
    expect(text).toContain('approximate: own note; and as noted above\n');
    expect(count(text, 'approximate: ')).toBe(2);
    const md = renderMarkdown(report);
    expect(md).toContain('⚠️ approximate: as noted above');
    expect(md).toContain('⚠️ approximate: own note; and as noted above');
  });

  it('is the note most findings carry, not the shortest one only one does', () => {
    const own = 'left out: statements that are not known (${var.extra})';
    const report = baseReport({
      findings: [f('A', own), f('Bb', NOTE, 'missing-permission'), f('Ccc', NOTE, 'missing-permission')],
    });
    const [g] = groupFindings(report.findings, report);
    expect(sharedApproximate(g!)).toEqual({ text: NOTE, all: false });
    const text = renderText(report);
    expect(count(text, '${var.account}')).toBe(1);
    expect(text).toContain(`approximate: ${own}\n`);
  });

  it('stays on the finding when only one carries it, or the notes differ', () => {
    for (const findings of [
      [f('A', NOTE), f('Bb')],
      [f('A', NOTE), f('Bb', 'another note')],
    ]) {
      const report = baseReport({ findings });
      const [g] = groupFindings(report.findings, report);
      expect(sharedApproximate(g!)).toBeUndefined();
      const text = renderText(report);
      expect(text).toContain(`approximate: ${NOTE}\n`);
      expect(text).not.toContain('approximate, ');
    }
  });

  it('is found per policy: another policy with the same note shows it again', () => {
    const other = { policy: 'infra/main.tf.json#aws_iam_role_policy.coiled', path: 'infra/main.tf.json' };
    const report = baseReport({
      findings: [
        f('A', NOTE),
        f('Bb', NOTE),
        { ...f('Ccc', NOTE), ...other },
        { ...f('Dddd', NOTE), ...other },
      ],
    });
    expect(count(renderText(report), `approximate, every finding below: ${NOTE}`)).toBe(2);
  });
});
