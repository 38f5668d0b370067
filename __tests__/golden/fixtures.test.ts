// Golden outputs of every test fixture through the real pipeline: what the sources stage makes of
// each file (records) and the final JSON, Markdown and text reports of runAudit. Any change to parsing,
// detection, auditing or rendering shows up here as a reviewable diff of files under out/.
// Regenerate (then review the diff and commit it): UPDATE_GOLDEN=1 npm test -- --testPathPatterns golden
// See README.md beside this file for the layout and what is normalised.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preparePolicies } from '../../src/audit/audit.js';
import { runAudit, UsageError } from '../../src/audit/run.js';
import { expectAccountedReport } from '../hardening/inert.js';
import { renderJson } from '../../src/report/json.js';
import { parseReportJson } from '../../src/report/validate.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { discover } from '../../src/sources/discover.js';
import { readInputs } from '../../src/sources/index.js';
import type { Report } from '../../src/core/types.js';
import { expectGolden, UPDATING_GOLDEN } from '../report/golden.js';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../..');
const OUT = join(here, 'out');
/** Pinned: the audit reads today's date for baseline age and ignore expiry. */
const NOW = new Date('2026-11-22T00:00:00Z');

/** One golden case: the audit of `paths` under `root`, written to out/<name>.*. */
interface Case {
  name: string;
  root: string;
  paths: string[];
  /** Also audited against this baseline (out/<name>.<baseline>.report.*), besides detection. */
  pinned?: string;
  /** Also the PR comment and the SARIF log (large for every case: kept to the demo repository). */
  everyOutput?: boolean;
}

/**
 * Folders whose files no built-in baseline is detected for (generic policies, Terraform, AWS
 * exports): a report by detection alone audits nothing there, so they are also audited against a
 * pinned baseline, as __tests__/terraform-acceptance.test.ts does, to freeze findings on them.
 */
const PINNED = 'coiled';
const PINNED_FOLDERS = ['auth-details', 'managed-policies', 'policy-kinds', 'tf-json', 'tf-plan', 'tf-state'];

const posix = (p: string) => p.split(sep).join('/');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = join(dir, n);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
}

/**
 * Every JSON (and raw Terraform state) file under __tests__/fixtures/ on its own (root: its folder, so the report names it by
 * its file name alone), and examples/demo-repo as one repository.
 */
function cases(): Case[] {
  const fixtures = join(REPO, '__tests__/fixtures');
  const out: Case[] = walk(fixtures)
    .filter((f) => /\.(json|tfstate)$/.test(f))
    .map((f) => {
      const name = posix(relative(join(REPO, '__tests__'), f));
      const c: Case = { name, root: dirname(f), paths: [f.slice(dirname(f).length + 1)] };
      if (PINNED_FOLDERS.includes(name.split('/')[1]!) || /\/generic-/.test(name)) c.pinned = PINNED;
      return c;
    });
  out.push({
    name: 'examples/demo-repo',
    root: join(REPO, 'examples/demo-repo'),
    paths: ['.'],
    everyOutput: true,
  });
  return out;
}

/**
 * Replaces what depends on where the run happens, the absolute path of the checkout, by `<repo>`
 * (no output holds it today). Nothing else is normalised: the rest must be deterministic by itself.
 */
function normalise(text: string): string {
  return text.split(REPO).join('<repo>');
}

/** Sorts object keys (recursively): a record's meaning, not the order its fields were assigned in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

/**
 * What the sources stage makes of the case's files: each input with its status, kind, reason and
 * errors, its policy records (kind, address, name, line, statement lines, status, the document as
 * read) and principals; plus, per policy, the problems found parsing its document (with lines).
 */
function records(c: Case): string {
  const { files, missing, skipped } = discover(c.root, c.paths);
  const inputs = readInputs(c.root, files);
  const prepared = preparePolicies(inputs);
  const view = {
    discovered: files.map((f) => ({ path: f.path, explicit: f.explicit })),
    missing,
    skipped,
    inputs: inputs.map(({ result }) => ({
      ...result,
      policies: result.policies.map((r) => {
        const p = prepared.get(r.id);
        return {
          ...(p?.record ?? r),
          problems: p?.problems.map((f) => ({ line: f.line, message: f.message })),
        };
      }),
    })),
  };
  return normalise(JSON.stringify(canonical(view), null, 2)) + '\n';
}

/**
 * The JSON report, the Markdown job summary and the plain text (the CLI's, without colours). The
 * JSON read back (schemaVersion 2: long action sets as patterns) gives the same actions and the
 * same Markdown.
 */
function reports(name: string, report: Report): void {
  const json = renderJson(report);
  const md = renderMarkdown(report);
  golden(`${name}.report.json`, normalise(json));
  golden(`${name}.report.md`, normalise(md));
  golden(`${name}.report.txt`, normalise(renderText(report)));
  const back = parseReportJson(json);
  expect(back.findings.map((f) => f.actions)).toEqual(report.findings.map((f) => f.actions));
  expect(renderMarkdown(back)).toBe(md);
}

const written = new Set<string>();
function golden(name: string, text: string): void {
  written.add(name);
  expectGolden(name, text, OUT);
}

describe('golden outputs of every fixture', () => {
  it.each(cases().map((c) => [c.name, c] as const))('%s', async (name, c) => {
    golden(`${name}.records.json`, records(c));
    let report: Report;
    try {
      report = await runAudit({ root: c.root, paths: c.paths, now: NOW });
    } catch (e) {
      // A file that is not an IAM input, named alone: the usage error is its golden output.
      if (!(e instanceof UsageError)) throw e;
      golden(`${name}.usage-error.txt`, normalise(`${e.message}\n`));
      return;
    }
    reports(name, report);
    // Every input and every policy accounted for (each entry of policies under its input).
    expectAccountedReport(report);
    if (c.everyOutput) {
      golden(`${name}.comment.md`, normalise(renderMarkdown(report, { mode: 'comment' })));
      golden(`${name}.report.sarif`, normalise(JSON.stringify(renderSarif(report), null, 2) + '\n'));
    }
    if (c.pinned) {
      const pinned = await runAudit({ root: c.root, paths: c.paths, baseline: c.pinned, now: NOW });
      reports(`${name}.${c.pinned}`, pinned);
    }
  });

  it('has no golden file left over from a fixture that is gone', () => {
    const stale = existsSync(OUT)
      ? walk(OUT)
          .map((f) => posix(relative(OUT, f)))
          .filter((f) => !written.has(f))
      : [];
    if (UPDATING_GOLDEN) {
      for (const f of stale) rmSync(join(OUT, f));
      return;
    }
    expect(stale).toEqual([]);
  });
});
