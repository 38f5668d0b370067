import type { AnnotationProperties } from '@actions/core';
import { annotate, type AnnotationSink } from '../../src/github/annotations.js';
import type { Finding, Severity } from '../../src/core/types.js';
import { finding } from '../report/fixtures.js';

function sink() {
  const calls: { level: string; message: string; props?: AnnotationProperties }[] = [];
  const s: AnnotationSink = {
    error: (message, props) => calls.push({ level: 'error', message, props }),
    warning: (message, props) => calls.push({ level: 'warning', message, props }),
    notice: (message, props) => calls.push({ level: 'notice', message, props }),
  };
  return { s, calls };
}

describe('annotate', () => {
  it('stays within 10 per level, most severe and new first', () => {
    const findings: Finding[] = [];
    const sev: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
    for (let i = 0; i < 60; i++) {
      findings.push(
        finding({
          kind: 'excess-action',
          severity: sev[i % 5]!,
          path: `p${i % 7}.json`,
          line: i + 1,
          new: i % 2 === 0,
          message: `m${i}`,
        }),
      );
    }
    const { s, calls } = sink();
    // fail-on: any: pre-existing findings fail the check too, so they keep their level.
    const counts = annotate(findings, s, { preexistingAsNotice: false });
    expect(counts).toEqual({ error: 10, warning: 10, notice: 10, dropped: 30 });
    const errors = calls.filter((c) => c.level === 'error');
    expect(errors.every((c) => /\(critical|\(high/.test(c.props!.title!))).toBe(true);
    // 12 criticals exist, 6 of them new: the first annotations are the new criticals.
    expect(errors.slice(0, 6).every((c) => c.props!.title!.includes('critical, new'))).toBe(true);
  });

  it('annotates findings already in the base as notices by default (they do not fail fail-on: new)', () => {
    const { s, calls } = sink();
    const counts = annotate(
      [
        finding({ kind: 'excess-action', severity: 'critical', new: false, path: 'old.json' }),
        finding({ kind: 'excess-action', severity: 'medium', new: false, path: 'old.json' }),
        finding({ kind: 'excess-action', severity: 'critical', new: true, path: 'new.json' }),
      ],
      s,
    );
    expect(counts).toEqual({ error: 1, warning: 0, notice: 2, dropped: 0 });
    expect(calls.map((c) => [c.level, c.props!.file])).toEqual([
      ['error', 'new.json'],
      ['notice', 'old.json'],
      ['notice', 'old.json'],
    ]);
  });

  // (a review) In drift mode with `fail-on: none`, critical findings were error annotations on a
  // green step: a finding that does not fail the check is at most a warning.
  it('a high or critical finding that does not fail the check is a warning, not an error', () => {
    const { s, calls } = sink();
    const fails = finding({ kind: 'excess-action', severity: 'critical', path: 'fails.json' });
    const passes = finding({ kind: 'excess-action', severity: 'critical', path: 'passes.json' });
    const counts = annotate([fails, passes], s, { failing: [fails] });
    expect(counts).toEqual({ error: 1, warning: 1, notice: 0, dropped: 0 });
    expect(calls.map((c) => [c.level, c.props!.file])).toEqual([
      ['error', 'fails.json'],
      ['warning', 'passes.json'],
    ]);
    const none = sink();
    annotate([fails, passes], none.s, { failing: [] });
    expect(none.calls.map((c) => c.level)).toEqual(['warning', 'warning']);
  });

  it('skips ignored and removed findings and gives file, line (default 1) and title', () => {
    const { s, calls } = sink();
    annotate(
      [
        finding({ kind: 'excess-action', severity: 'high', ignored: { reason: 'x' } }),
        finding({ kind: 'excess-action', severity: 'high', removed: true }),
        finding({
          kind: 'unknown-action',
          severity: 'low',
          path: 'iam/a.json',
          line: undefined,
          statement: 'S1',
          message: 'ec2:Fly is not an action',
        }),
      ],
      s,
    );
    expect(calls).toEqual([
      {
        level: 'notice',
        message: 'ec2:Fly is not an action · statement S1',
        props: { title: 'Unknown actions (low)', file: 'iam/a.json', startLine: 1 },
      },
    ]);
  });

  it("titles a leftover set's finding as the report heads it: an optional feature, another alternative, a set of a step that is over", () => {
    const { s, calls } = sink();
    annotate(
      [
        finding({
          kind: 'leftover-set',
          severity: 'high',
          set: 'storage-buckets',
          feature: 'storage-buckets',
          new: true,
        }),
        finding({ kind: 'leftover-set', severity: 'medium', set: 'minimum', choice: 'access' }),
        finding({ kind: 'leftover-set', severity: 'medium', set: 'setup' }),
      ],
      s,
    );
    expect(calls.map((c) => c.props?.title)).toEqual([
      'Optional feature "storage-buckets" (high, new)',
      'Another alternative "minimum" (medium)',
      'Leftover permissions from an inactive set (medium)',
    ]);
  });

  it('makes control characters visible (the workflow-command escaping of % \\r \\n : , is @actions/core’s)', () => {
    const { s, calls } = sink();
    annotate(
      [
        finding({
          kind: 'excess-action',
          severity: 'high',
          path: 'a,b:c.json',
          message: 'x\r\n::error::y\u001B[31m',
        }),
      ],
      s,
    );
    expect(calls[0]!.message).toBe('x\\r\\n::error::y\\x1b[31m');
    expect(calls[0]!.props!.file).toBe('a,b:c.json');
  });
});
