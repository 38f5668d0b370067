// The one registry of finding kinds (src/audit/kinds.ts), the one fail rule (src/report/verdict.ts)
// and the leftover-set headings: every renderer and the audit read the same facts.
import { KIND_INFO, KIND_ORDER, REMOVABLE_KINDS, isExcess } from '../../src/audit/kinds.js';
import { sortFindings } from '../../src/audit/report-model.js';
import { findingSeverity } from '../../src/audit/severity.js';
import type { FindingKind } from '../../src/core/types.js';
import { groupFindings, splitLeftovers } from '../../src/report/group.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { decide } from '../../src/report/verdict.js';
import { baseReport, finding } from './fixtures.js';

const ALL = Object.keys(KIND_INFO) as FindingKind[];

describe('the registry of finding kinds', () => {
  it('orders every kind exactly once, the informational one last', () => {
    expect([...KIND_ORDER].sort()).toEqual([...ALL].sort());
    expect(new Set(KIND_ORDER).size).toBe(KIND_ORDER.length);
    expect(KIND_ORDER.at(-1)).toBe('missing-permission');
  });

  it('gives the severity rule findingSeverity follows', () => {
    for (const kind of ALL) {
      const rule = KIND_INFO[kind].severityRule;
      const got = findingSeverity(kind, ['low', 'critical', 'medium']);
      expect(got).toBe(rule === 'by-actions' ? 'critical' : rule);
      if (rule === 'by-actions') expect(findingSeverity(kind, [])).toBe('info');
    }
  });

  it('says which kinds a minimal policy removes and which count as excess', () => {
    expect([...REMOVABLE_KINDS].sort()).toEqual(
      ['broader-resource', 'excess-action', 'leftover-set', 'missing-condition'].sort(),
    );
    expect(ALL.filter((kind) => !isExcess({ kind }))).toEqual(['missing-permission']);
  });

  it('is the one order of the JSON findings, the report groups and the SARIF rules', () => {
    // One policy, one line: only the kind tells the findings apart.
    const reversed = [...KIND_ORDER].reverse().map((kind) => finding({ kind, line: 3, severity: 'medium' }));
    expect(sortFindings(reversed).map((f) => f.kind)).toEqual(KIND_ORDER);
    const report = baseReport({ findings: reversed });
    expect(groupFindings(reversed, report)[0]!.kinds.map((g) => g.kind)).toEqual(KIND_ORDER);
    const sarif = renderSarif(report) as { runs: { tool: { driver: { rules: { id: string }[] } } }[] };
    const rules = sarif.runs[0]!.tool.driver.rules.map((r) => r.id.split('/')[0]);
    expect(rules).toEqual(KIND_ORDER);
  });

  it('gives the titles every renderer prints', () => {
    const findings = ALL.map((kind) => finding({ kind, actions: ['s3:GetObject'] }));
    const report = baseReport({ findings });
    const text = renderText(report);
    const markdown = renderMarkdown(report);
    for (const kind of ALL) {
      expect(text).toContain(KIND_INFO[kind].title);
      expect(markdown).toContain(`**${KIND_INFO[kind].title}**`);
    }
  });
});

describe('one fail rule for the CLI and the action', () => {
  const findings = [
    finding({ kind: 'excess-action', severity: 'high' }),
    finding({ kind: 'excess-action', severity: 'critical', ignored: { reason: 'accepted' } as never }),
    finding({ kind: 'leftover-set', severity: 'critical', removed: true }),
    finding({ kind: 'unknown-action', severity: 'low' }),
    finding({ kind: 'missing-permission', severity: 'info' }),
  ];

  it('counts findings at or above the threshold, never ignored or removed ones', () => {
    expect(decide({ findings }, 'any', 'high').failing.map((f) => f.severity)).toEqual(['high']);
    expect(decide({ findings }, 'any', 'low').failing).toHaveLength(2);
    expect(decide({ findings }, 'any', 'info').failing).toHaveLength(3);
    expect(decide({ findings }, 'any', 'critical').result).toBe('pass');
    expect(decide({ findings }, 'none', 'info').result).toBe('pass');
  });

  it('without a base, new and any agree (the CLI has no base)', () => {
    for (const t of ['info', 'low', 'medium', 'high', 'critical'] as const)
      expect(decide({ findings }, 'new', t)).toEqual(decide({ findings }, 'any', t));
  });

  it('counts a finding that was not compared as new when other files had a base', () => {
    // A plan carries its own `before`; a policy file beside it has no base: its findings are not
    // old (only a comparison can say so), and one plan in the audit must not let them pass.
    const mixed = [
      finding({ kind: 'excess-action', severity: 'high', new: true, path: 'plan.json' }),
      finding({ kind: 'excess-action', severity: 'medium', new: false, path: 'plan.json' }),
      finding({ kind: 'excess-action', severity: 'critical', path: 'wildcards.json' }),
      finding({ kind: 'invalid-policy', severity: 'medium', path: 'broken.json' }),
      finding({ kind: 'missing-permission', severity: 'info', path: 'plan.json' }),
    ];
    const v = decide({ findings: mixed }, 'new', 'high');
    expect(v.failing.map((f) => f.severity).sort()).toEqual(['critical', 'high']);
    expect(v.newExcessCount).toBe(3);
    expect(v.excessCount).toBe(4);
    const text = renderText(baseReport({ findings: mixed }));
    const [added, before] = text.split('Pre-existing');
    expect(added).toContain('wildcards.json');
    expect(added).toContain('broken.json');
    // The informational finding is not compared either, and stays with the pre-existing ones.
    expect(before).toContain('Missing from the policy');
  });
});

describe('leftover sets: a finished step and an optional feature are told apart', () => {
  const setup = finding({
    kind: 'leftover-set',
    set: 'setup',
    actions: ['iam:CreateRole'],
    severity: 'high',
  });
  const feature = finding({ kind: 'leftover-set', set: 'ecr', feature: 'ecr', actions: ['ecr:PutImage'] });

  it('splits the findings, setup first, each part in order', () => {
    expect(splitLeftovers([feature, setup])).toEqual([[setup], [feature]]);
    expect(splitLeftovers([feature])).toEqual([[feature]]);
    expect(splitLeftovers([])).toEqual([]);
  });

  it('gives each set a part of its own, sets in the order of their first finding', () => {
    const logs = finding({
      kind: 'leftover-set',
      set: 'log-pull',
      feature: 'log-pull',
      actions: ['logs:GetLogEvents'],
    });
    const ecr2 = finding({ kind: 'leftover-set', set: 'ecr', feature: 'ecr', actions: ['ecr:TagResource'] });
    const alt = finding({ kind: 'leftover-set', set: 'auto-create-role', actions: ['iam:CreateRole'] });
    expect(splitLeftovers([feature, logs, setup, ecr2, alt])).toEqual([
      [setup],
      [alt],
      [feature, ecr2],
      [logs],
    ]);
  });

  it('says "a step that is over" only for the setup set, in Markdown and text', () => {
    const report = baseReport({ findings: [setup, feature] });
    for (const out of [renderMarkdown(report), renderText(report)]) {
      const lines = out.split('\n');
      const over = lines.filter((l) => l.includes('a step that is over'));
      expect(over).toHaveLength(1);
      expect(over[0]).toContain('setup');
      expect(over[0]).not.toContain('ecr');
      const kept = lines.filter((l) => l.includes('Optional feature'));
      expect(kept).toHaveLength(1);
      expect(kept[0]).toContain('ecr');
      expect(kept[0]).toContain('keep these only if you use it');
    }
  });

  it("puts each feature's heading and note right above its own findings, in Markdown and text", () => {
    const logs = finding({
      kind: 'leftover-set',
      set: 'log-pull',
      feature: 'log-pull',
      actions: ['logs:GetLogEvents'],
      remediation: 'Needed only if you read cluster logs.',
    });
    const ecr = { ...feature, remediation: 'Needed only if you push images to ECR.' };
    const report = baseReport({ findings: [ecr, logs] });
    for (const out of [renderMarkdown(report), renderText(report)]) {
      const at = (s: string) => out.indexOf(s);
      for (const s of ['ecr:PutImage', 'logs:GetLogEvents', 'push images to ECR', 'read cluster logs'])
        expect(at(s)).toBeGreaterThan(0);
      // Each note between its own heading and its own finding, the other feature's after it.
      expect(at('push images to ECR')).toBeLessThan(at('ecr:PutImage'));
      expect(at('ecr:PutImage')).toBeLessThan(at('read cluster logs'));
      expect(at('read cluster logs')).toBeLessThan(at('logs:GetLogEvents'));
      expect(out.split('\n').filter((l) => l.includes('Optional feature'))).toHaveLength(2);
    }
  });
});

describe('optional features: how to say one is in use', () => {
  it('names the sets to hold the policy to, with the feature added, in Markdown and text', () => {
    const ecr = finding({ kind: 'leftover-set', set: 'ecr', feature: 'ecr', actions: ['ecr:PutImage'] });
    const setup = finding({ kind: 'leftover-set', set: 'setup', actions: ['iam:CreateRole'] });
    const report = baseReport({ findings: [ecr, setup] });
    const md = renderMarkdown(report);
    expect(md).toContain(
      'In use? Hold the policy to it too, `sets: [ongoing, ecr]` in its audit of the configuration (or `--baseline coiled:ongoing,ecr`), and audit again: what the feature allows then passes, and what goes beyond it is still reported.',
    );
    expect(renderText(report)).toContain(
      'In use? Hold the policy to it too, sets: [ongoing, ecr] in its audit of the configuration (or --baseline coiled:ongoing,ecr), and audit again: what the feature allows then passes, and what goes beyond it is still reported.',
    );
    // Once, under the feature's heading: not under the setup set's.
    expect(md.split('In use?')).toHaveLength(2);
  });

  it('says which optional features a suggested policy leaves out', () => {
    const ecr = finding({ kind: 'leftover-set', set: 'ecr', feature: 'ecr', actions: ['ecr:PutImage'] });
    const report = baseReport({
      findings: [ecr],
      suggestions: [
        {
          policy: 'iam/coiled-policy.json',
          minimal: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }],
          },
          diff: '--- iam/coiled-policy.json\n+++ iam/coiled-policy.json (minimal)\n@@ -1 +1 @@\n-x\n+y\n',
        },
      ],
    });
    expect(renderMarkdown(report)).toContain(
      'It leaves out the optional feature `ecr`: if you use it, name it among the sets this policy is held to and audit again (the suggestion then keeps what it needs).',
    );
  });
});

describe('sortFindings', () => {
  it('keeps a finding whose lists are in order, and copies one whose lists it sorts', () => {
    const inOrder = finding({
      kind: 'excess-action',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: ['a', 'b'],
    });
    const outOfOrder = finding({
      kind: 'excess-action',
      path: 'z.json',
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: ['b', 'a'],
    });
    const [first, second] = sortFindings([outOfOrder, inOrder]);
    expect(first).toBe(inOrder);
    expect(second).not.toBe(outOfOrder);
    expect(second).toEqual({
      ...outOfOrder,
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: ['a', 'b'],
    });
    // The finding given is left as it was.
    expect(outOfOrder.actions).toEqual(['s3:PutObject', 's3:GetObject']);
    expect(outOfOrder.resources).toEqual(['b', 'a']);
  });
});
