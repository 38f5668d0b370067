import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { findingFingerprint } from '../../src/report/fingerprint.js';
import { KIND_ORDER } from '../../src/report/group.js';
import { renderJson } from '../../src/report/json.js';
import { FINGERPRINT_KEY, renderSarif } from '../../src/report/sarif.js';
import type { Finding } from '../../src/core/types.js';
import { bigReport, finding, hostileReport, pullRequestReport } from './fixtures.js';
import { pullRequest } from '../helpers/pr.js';
import { runAudit } from '../../src/audit/run.js';
import { expectGolden } from './golden.js';

const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(
  readFileSync(join(here, '../fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'),
) as Record<string, unknown>;

/** The official schema is JSON Schema draft-07, ajv 8's default; formats checked by small validators. */
function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      return new URL(s).protocol.length > 1;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => !/[\s<>"{}|\\^`]/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: unknown[];
  ruleIndex?: number;
}
interface SarifLog {
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: { id: string; properties: Record<string, unknown> }[];
      };
    };
    results: SarifResult[];
  }[];
}

const KINDS: readonly string[] = KIND_ORDER;
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];
/** The documented rule order: by kind, then from the most severe. */
function byRuleOrder(a: string, b: string): number {
  const [ka, sa] = a.split('/') as [string, string];
  const [kb, sb] = b.split('/') as [string, string];
  return KINDS.indexOf(ka) - KINDS.indexOf(kb) || SEVERITY_ORDER.indexOf(sa) - SEVERITY_ORDER.indexOf(sb);
}

describe('renderSarif', () => {
  const validate = validator();

  it('validates against the official SARIF 2.1.0 schema', () => {
    for (const report of [pullRequestReport(), hostileReport(), bigReport(3)]) {
      const ok = validate(renderSarif(report));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('the schema catches what it should (the validator is not a no-op)', () => {
    const log = renderSarif(pullRequestReport()) as SarifLog;
    log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
  });

  it('golden: a pull request report', () => {
    expectGolden('pull-request.sarif', `${JSON.stringify(renderSarif(pullRequestReport()), null, 2)}\n`);
  });

  it('has one rule per finding kind and severity, so GitHub reads each result at its own severity', () => {
    const log = renderSarif(pullRequestReport()) as SarifLog;
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe('iam-baseline-audit');
    expect(driver.version).toBe('0.1.0');
    expect(driver.informationUri).toMatch(/^https:\/\//);
    const results = log.runs[0]!.results;
    // Exactly the rules the results use, each once, by kind then from the most severe.
    expect(driver.rules.map((r) => r.id)).toEqual(
      [...new Set(results.map((r) => r.ruleId))].sort(byRuleOrder),
    );
    for (const r of results) expect(driver.rules[r.ruleIndex!]!.id).toBe(r.ruleId);
    for (const r of driver.rules) {
      expect(r.properties.tags).toContain('security');
      expect(r.properties['security-severity']).toMatch(/^\d+\.\d$/);
    }
  });

  it('gives GitHub security-severity in the band of the finding (critical >= 9.0, high 7-8.9, medium 4-6.9, low < 4)', () => {
    const sevs = ['critical', 'high', 'medium', 'low', 'info'] as const;
    const log = renderSarif({
      ...pullRequestReport(),
      findings: sevs.map((severity, i) =>
        finding({ kind: 'excess-action', severity, line: i + 1, actions: [`iam:PassRole${i}`] }),
      ),
    }) as SarifLog;
    const score = (sev: string) =>
      Number(
        log.runs[0]!.tool.driver.rules.find((r) => r.id === `excess-action/${sev}`)!.properties[
          'security-severity'
        ],
      );
    expect(score('critical')).toBeGreaterThanOrEqual(9.0);
    expect(score('high')).toBeGreaterThanOrEqual(7.0);
    expect(score('high')).toBeLessThan(9.0);
    expect(score('medium')).toBeGreaterThanOrEqual(4.0);
    expect(score('medium')).toBeLessThan(7.0);
    expect(score('low')).toBeLessThan(4.0);
    const critical = log.runs[0]!.results.find((r) => r.ruleId === 'excess-action/critical')!;
    expect(critical.level).toBe('error');
  });

  it('maps severities to levels, lines to regions (default 1), and skips removed permissions', () => {
    const log = renderSarif(pullRequestReport()) as SarifLog;
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(6);
    const byRule = (kind: string, text: string) =>
      results.find((r) => r.ruleId.startsWith(`${kind}/`) && r.message.text.includes(text))!;
    expect(byRule('excess-action', 'ec2:*').level).toBe('error');
    expect(byRule('broader-resource', 's3:GetObject').level).toBe('warning');
    expect(byRule('missing-permission', 'ecr').level).toBe('note');
    expect(byRule('excess-action', 'ec2:*').locations[0]!.physicalLocation.region.startLine).toBe(31);
    const noLine = renderSarif({
      ...pullRequestReport(),
      findings: [finding({ kind: 'invalid-policy', line: undefined })],
    }) as SarifLog;
    expect(noLine.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine).toBe(1);
    expect(results.some((r) => r.message.text.includes('removed'))).toBe(false);
    expect(byRule('excess-action', 'CreateTags').suppressions).toEqual([
      { kind: 'external', justification: 'tags are needed by our cost reports' },
    ]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(renderSarif(pullRequestReport()))).toBe(
      JSON.stringify(renderSarif(pullRequestReport())),
    );
    const shuffled = pullRequestReport();
    shuffled.findings.reverse();
    expect(JSON.stringify(renderSarif(shuffled))).toBe(JSON.stringify(renderSarif(pullRequestReport())));
  });

  it('a backslash in a file name is part of the name: encoded as %5C, never a separator', () => {
    // On POSIX `\` is an ordinary character of a file name; a repository that commits these
    // files must not choose which other file (or which file outside it) a result points at.
    const uris = (paths: string[]) =>
      (
        renderSarif({
          ...pullRequestReport(),
          findings: paths.map((path) => finding({ kind: 'excess-action', path, policy: path })),
        }) as SarifLog
      ).runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(
      uris([
        'iam\\..\\src\\main.ts.json',
        '\\etc\\shadow.json',
        'iam\\..\\..\\..\\outside.json',
        'infra\\prod\\admin.json',
        'dir/a\\b.json',
      ]).sort(),
    ).toEqual(
      [
        'iam%5C..%5Csrc%5Cmain.ts.json',
        '%5Cetc%5Cshadow.json',
        'iam%5C..%5C..%5C..%5Coutside.json',
        'infra%5Cprod%5Cadmin.json',
        'dir/a%5Cb.json',
      ].sort(),
    );
  });

  it('a path that cannot name a file of the repository points at no file of it (no `..`, no leading `/`)', () => {
    const log = renderSarif({
      ...pullRequestReport(),
      findings: [
        '../outside.json',
        '/etc/shadow.json',
        'iam/../x.json',
        'a//b.json',
        'C:/x.json',
        './ok.json',
      ].map((path) => finding({ kind: 'excess-action', path, policy: path })),
    }) as SarifLog;
    const results = log.runs[0]!.results as (SarifResult & { properties: Record<string, unknown> })[];
    const byPath = new Map(
      results.map((r) => [
        (r.properties.path as string | undefined) ?? '',
        r.locations[0]!.physicalLocation.artifactLocation.uri,
      ]),
    );
    for (const path of ['../outside.json', '/etc/shadow.json', 'iam/../x.json', 'a//b.json', 'C:/x.json'])
      expect(byPath.get(path)).toBe('outside-the-repository');
    expect(byPath.get('')).toBe('ok.json');
    for (const r of results) {
      const uri = r.locations[0]!.physicalLocation.artifactLocation.uri;
      expect(uri).not.toMatch(/^\/|(^|\/)\.\.?(\/|$)|\\/);
    }
  });

  it('renders hostile input inert: no embedded links, no control characters, encoded URIs', () => {
    const log = renderSarif(hostileReport()) as SarifLog;
    for (const r of log.runs[0]!.results) {
      const text = r.message.text;
      // Unescaped brackets would form SARIF embedded links `[text](id)`.
      expect(text.replace(/\\[\\[\]]/g, '')).not.toMatch(/[[\]]/);
      expect(text).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
      expect(text).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/);
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).not.toMatch(/[\s<>|`\u0000-\u001F]/);
    }
  });
});

describe('findingFingerprint', () => {
  const base: Finding = finding({
    kind: 'excess-action',
    statement: 'S',
    actions: ['ec2:RunInstances', 'ec2:CreateTags'],
    line: 10,
  });

  it('is a sha256 hex digest', () => {
    expect(findingFingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change when only the line moves (or the order of actions, the message, the severity)', () => {
    const moved = {
      ...base,
      line: 99,
      actions: ['ec2:CreateTags', 'ec2:RunInstances'],
      message: 'other words',
      severity: 'high' as const,
      new: true,
    };
    expect(findingFingerprint(moved)).toBe(findingFingerprint(base));
  });

  it('changes with the kind, policy identity, statement, actions, resources or set', () => {
    const fp = findingFingerprint(base);
    for (const change of [
      { kind: 'leftover-set' as const },
      { path: 'other.json' },
      { address: 'aws_iam_policy.x' },
      { statement: 'T' },
      { actions: ['ec2:RunInstances'] },
      { resources: ['arn:aws:s3:::b'] },
      { set: 'setup' },
    ]) {
      expect(findingFingerprint({ ...base, ...change })).not.toBe(fp);
    }
  });

  it('keeps SARIF partial fingerprints stable across commits that only move lines', () => {
    const a = pullRequestReport();
    const b = pullRequestReport();
    b.findings = b.findings.map((f) => ({ ...f, line: (f.line ?? 0) + 7 }));
    const fps = (r: SarifLog) => r.runs[0]!.results.map((x) => x.partialFingerprints[FINGERPRINT_KEY]).sort();
    expect(fps(renderSarif(b) as SarifLog)).toEqual(fps(renderSarif(a) as SarifLog));
  });
});

describe('renderJson', () => {
  it('orders keys as documented, indents by 2 and ends with a newline', () => {
    const json = renderJson(pullRequestReport());
    expect(json.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(json))).toEqual([
      'schemaVersion',
      'tool',
      'catalog',
      'baselines',
      'inputs',
      'policies',
      'findings',
      'suggestions',
      'summary',
      'notes',
    ]);
    const first = JSON.parse(json).findings[0];
    expect(Object.keys(first).slice(0, 3)).toEqual(['kind', 'severity', 'policy']);
    expect(json).toContain('{\n  "schemaVersion": 2,\n  "tool": {\n    "name": "iam-baseline-audit",');
  });

  it('is stable whatever the order in which the report was built', () => {
    const a = pullRequestReport();
    const b = pullRequestReport();
    b.findings = b.findings.map((f) => Object.fromEntries(Object.entries(f).reverse()) as unknown as Finding);
    expect(renderJson(b)).toBe(renderJson(a));
  });

  it('keeps policy documents as written and always has notes', () => {
    const r = pullRequestReport();
    r.suggestions[0]!.minimal = { Version: '2012-10-17', Statement: [{ Sid: 'B', Effect: 'Allow' }] };
    delete r.notes;
    const parsed = JSON.parse(renderJson(r));
    expect(Object.keys(parsed.suggestions[0].minimal)).toEqual(['Version', 'Statement']);
    expect(Object.keys(parsed.suggestions[0].minimal.Statement[0])).toEqual(['Sid', 'Effect']);
    expect(parsed.notes).toEqual([]);
  });
});

// (a review) Run from a subdirectory (`cd infra && audit . --format sarif`), each uri was from
// there, so code scanning pointed at files that do not exist: written from the repository's root.
describe('an audit run from a subdirectory', () => {
  type Run = {
    results: {
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      partialFingerprints: Record<string, string>;
    }[];
  };
  const uris = (s: object) =>
    (s as { runs: Run[] }).runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
  const prints = (s: object) =>
    (s as { runs: Run[] }).runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);

  it('pathPrefix: every uri from the repository root, fingerprinted as a run from the root would be', () => {
    const report = pullRequestReport();
    const fromSub = renderSarif(report, { pathPrefix: 'infra/' });
    const fromRoot = renderSarif({
      ...report,
      findings: report.findings.map((f) => ({ ...f, path: `infra/${f.path}` })),
    });
    expect(uris(fromSub).length).toBeGreaterThan(0);
    expect(uris(fromSub).every((u) => u.startsWith('infra/'))).toBe(true);
    expect(uris(fromSub)).toEqual(uris(fromRoot));
    expect(prints(fromSub)).toEqual(prints(fromRoot));
    // (a second review) the policy id too, where it is the path (or starts with it)
    const policies = (s: object) =>
      (s as { runs: { results: { properties: { policy: string } }[] }[] }).runs[0]!.results.map(
        (r) => r.properties.policy,
      );
    expect(policies(fromSub).every((p) => p.startsWith('infra/'))).toBe(true);
  });

  it('a path outside the root stays outside the repository', () => {
    const report = pullRequestReport();
    const outside = { ...report, findings: [{ ...report.findings[0]!, path: '../elsewhere/p.json' }] };
    expect(uris(renderSarif(outside, { pathPrefix: 'infra' }))).toEqual(['outside-the-repository']);
  });
});

// (a review) A pull request's audit splits a statement's finding into what the change adds and what
// the base had; a push's gives it whole. Code scanning matched them by fingerprint, so the pull
// request closed the default branch's alert and opened two others, and a dismissal was lost.
describe('a pull request and a push of the same files: the same results', () => {
  const policy = (actions: string[]) =>
    JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Ongoing', Effect: 'Allow', Action: ['ec2:CreateFleet', ...actions], Resource: '*' },
        ],
      },
      null,
      2,
    );
  type Result = {
    ruleId: string;
    partialFingerprints: Record<string, string>;
    properties: { new?: boolean };
  };
  const results = (s: object) => (s as { runs: { results: Result[] }[] }).runs[0]!.results;

  it('split findings are one result again, with the fingerprint and rule of the push', async () => {
    const { root, readBase } = pullRequest(
      'sarif-pr-',
      { 'iam/p.json': policy(['sqs:SendMessage']) },
      { 'iam/p.json': policy(['sqs:SendMessage', 'iam:CreateUser']) },
    );
    const pr = await runAudit({ root, paths: ['iam'], baseline: 'coiled', readBase });
    const push = await runAudit({ root, paths: ['iam'], baseline: 'coiled' });
    const split = pr.findings.filter((f) => f.kind === 'excess-action');
    expect(split.map((f) => f.new).sort()).toEqual([false, true]);
    const fromPr = results(renderSarif(pr));
    const fromPush = results(renderSarif(push));
    expect(fromPr.map((r) => [r.ruleId, r.partialFingerprints[FINGERPRINT_KEY]])).toEqual(
      fromPush.map((r) => [r.ruleId, r.partialFingerprints[FINGERPRINT_KEY]]),
    );
    expect(fromPr.find((r) => r.ruleId.startsWith('excess-action'))!.properties.new).toBe(true);
  });
});
