// Property-based fuzzing of the whole audit: the pure path (parseSource -> preparePolicies ->
// Auditor.run, against built-in and hostile baselines, with and without a base) and runAudit on a
// temporary directory of generated files with hostile names and bytes. Properties: nothing throws
// (runAudit may only throw a ConfigError for a broken configuration), the report accounts for every
// input and policy, and every rendering of it is inert.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Auditor, preparePolicies, type AuditPlan, type BaseDocs } from '../../src/audit/audit.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { sortFindings, summarize } from '../../src/audit/report-model.js';
import { runAudit } from '../../src/audit/run.js';
import { builtinBaselines, parseBaselineYaml } from '../../src/baselines/load.js';
import { activeSets } from '../../src/baselines/resolve.js';
import { loadCatalog } from '../../src/policy/catalog.js';
import { escapeLogMessage } from '../../src/core/escape.js';
import { parseSource } from '../../src/sources/index.js';
import type { Baseline, PrincipalRecord, Report } from '../../src/core/types.js';
import {
  CONTROL_BUT_NEWLINE,
  expectAccounted,
  expectAccountedReport,
  expectInert,
} from '../hardening/inert.js';
import {
  anyFileText,
  check,
  fileText,
  HOSTILE_FILE_NAMES,
  hostileBaselineYaml,
  hostileYaml,
  timeoutFor,
} from './support.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const catalog = loadCatalog();
const builtins = builtinBaselines();

/** A report as runAudit assembles it, from the pure outcome. */
function reportOf(
  inputs: ReturnType<typeof parseSource>[],
  outcome: ReturnType<Auditor['run']>,
  used: Baseline[],
): Report {
  const report: Report = {
    tool: { name: 'iam-baseline-audit', version: '0.0.0-fuzz' },
    catalog: { source: catalog.source, version: catalog.version },
    baselines: used.map((b) => ({
      id: b.id,
      name: b.name,
      sets: activeSets(b, undefined),
      ...(b.remediation ? { remediation: b.remediation } : {}),
    })),
    inputs: inputs.map(({ result }) => ({
      path: result.path,
      kind: result.kind,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      policies: result.policies.map((p) => p.id).sort(),
    })),
    policies: outcome.policies,
    findings: sortFindings(outcome.findings),
    suggestions: outcome.suggestions,
    summary: { inputs: 0, policies: 0, findings: 0, byKind: {}, bySeverity: {} },
  };
  report.summary = summarize(report);
  return report;
}

describe('the pure audit (parseSource -> preparePolicies -> Auditor.run) on hostile inputs', () => {
  const CI = 300;
  it(
    'never throws, lists every policy with a status and a reason, and renders inert',
    () => {
      check(
        'Auditor',
        fc.property(
          fc.array(anyFileText, { minLength: 1, maxLength: 3 }),
          fc.option(fc.array(anyFileText, { minLength: 1, maxLength: 3 }), { nil: undefined }),
          fc.option(hostileBaselineYaml, { nil: undefined }),
          fc.nat(),
          fc.option(fc.constantFrom('123456789012', '000000000000'), { nil: undefined }),
          (texts, baseTexts, vendorYaml, pick, accountId) => {
            const inputs = texts.map((text, i) =>
              parseSource({
                path: `in/${HOSTILE_FILE_NAMES[i % HOSTILE_FILE_NAMES.length]}-${i}.json`,
                text,
              }),
            );
            inputs.forEach((l) => expectAccounted(l.result.path, l));
            const prepared = preparePolicies(inputs);
            const principals = new Map<string, PrincipalRecord>();
            for (const { result } of inputs) for (const p of result.principals ?? []) principals.set(p.id, p);

            // Which baseline: a built-in one, or a hostile one that loads.
            const baselines = [...builtins];
            if (vendorYaml) {
              try {
                baselines.push(parseBaselineYaml(vendorYaml, 'vendor.yml'));
              } catch (e) {
                if (!(e instanceof ConfigError)) throw e;
              }
            }
            const plan: AuditPlan = { assignments: [], notAudited: new Map() };
            let k = pick;
            for (const p of prepared.values()) {
              if (p.record.status !== 'resolved' || !p.doc) continue;
              if (p.record.kind === 'trust') {
                plan.notAudited.set(p.record.id, { status: 'not-matched', reason: 'trust policy' });
                continue;
              }
              const baseline = baselines[k++ % baselines.length]!;
              plan.assignments.push({
                target: p.record.id,
                baseline,
                sets: activeSets(baseline, undefined),
                group: `g${k % 2}`,
              });
            }
            // Principals as units too, sometimes.
            for (const pr of principals.values()) {
              if (k++ % 3 === 0)
                plan.assignments.push({
                  target: pr.id,
                  baseline: baselines[k % baselines.length]!,
                  sets: activeSets(baselines[k % baselines.length]!, undefined),
                  group: 'principals',
                });
            }

            let base: BaseDocs | undefined;
            if (baseTexts) {
              const baseInputs = baseTexts.map((text, i) =>
                parseSource({ path: inputs[i % inputs.length]!.result.path, text }),
              );
              const basePrepared = preparePolicies(baseInputs);
              base = { get: (id) => basePrepared.get(id) };
            }

            const outcome = new Auditor(accountId, catalog).run(prepared, principals, plan, base);
            const listed = new Set(outcome.policies.map((p) => p.id));
            for (const id of prepared.keys())
              if (!listed.has(id)) throw new Error(`policy ${id} is not in the outcome`);
            const used = [...new Map(plan.assignments.map((a) => [a.baseline.id, a.baseline])).values()];
            const report = reportOf(inputs, outcome, used);
            expectAccountedReport(report);
            expectInert(report);
          },
        ),
        CI,
      );
    },
    timeoutFor(CI, 60),
  );
});

describe('runAudit on a directory of hostile files', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'iba-fuzz-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  let n = 0;
  const CI = 150;
  const stats = { reports: 0, configErrors: 0, noInputs: 0, findings: 0 };
  afterAll(() => {
    if (process.env.FUZZ_VERBOSE) console.log('runAudit fuzz:', stats);
    // Most cases must reach a report (a generator that only makes broken configurations tests little).
    expect(stats.reports).toBeGreaterThan(stats.configErrors + stats.noInputs);
  });
  it(
    'never throws (but a ConfigError), accounts for every file and policy, and renders inert',
    async () => {
      await check(
        'runAudit',
        fc.asyncProperty(
          fc.array(
            fc.record({
              name: fc.constantFrom(...HOSTILE_FILE_NAMES, 'policy', 'plan', 'main.tf'),
              dir: fc.constantFrom('', 'iam/', 'infra/deep/er/', '<img>/'),
              text: fc.oneof(anyFileText, fileText.policy, fileText.plan),
              bytes: fc.constantFrom('utf8', 'utf8', 'utf8', 'invalid-utf8', 'latin1', 'utf16le'),
            }),
            { minLength: 1, maxLength: 4 },
          ),
          fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileYaml }),
          fc.constantFrom(undefined, undefined, 'coiled', 'coiled:ongoing'),
          fc.constantFrom(undefined, undefined, 200),
          async (files, config, baseline, maxFileBytes) => {
            const root = join(tmp, `case-${n++}`);
            mkdirSync(root, { recursive: true });
            const written: string[] = [];
            files.forEach((f, i) => {
              const rel = `${f.dir}${f.name}-${i}.json`;
              mkdirSync(join(root, f.dir), { recursive: true });
              let data: Buffer;
              if (f.bytes === 'invalid-utf8') {
                const b = Buffer.from(f.text, 'utf8');
                const at = b.length > 0 ? i % b.length : 0;
                data = Buffer.concat([
                  b.subarray(0, at),
                  Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
                  b.subarray(at),
                ]);
              } else data = Buffer.from(f.text, f.bytes as BufferEncoding);
              writeFileSync(join(root, rel), data);
              written.push(rel);
            });
            if (config !== undefined) {
              mkdirSync(join(root, '.github'), { recursive: true });
              writeFileSync(join(root, '.github/iam-baseline-audit.yml'), config);
            }
            let report: Report;
            try {
              report = await runAudit({ root, paths: ['.'], baseline, now: NOW, maxFileBytes });
            } catch (e) {
              if (e instanceof ConfigError && config !== undefined) {
                stats.configErrors++;
                return;
              }
              // Nothing there is an IAM input (every file skipped, with its reason): a usage error.
              if (e instanceof UsageError && e.message.startsWith('no inputs found in .: ')) {
                stats.noInputs++;
                expect(escapeLogMessage(e.message)).not.toMatch(CONTROL_BUT_NEWLINE);
                return;
              }
              throw e;
            }
            stats.reports++;
            stats.findings += report.findings.length;
            expectAccountedReport(report, written);
            expectInert(report);
            rmSync(root, { recursive: true, force: true });
          },
        ),
        CI,
      );
    },
    timeoutFor(CI, 1500),
  );
});
