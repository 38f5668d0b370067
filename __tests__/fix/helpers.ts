// Shared by the fix tests: scenario repositories on disk, audit, plan, apply, audit again.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import type { Report } from '../../src/core/types.js';
import { planFixes, type FixPlan } from '../../src/fix/index.js';

export const NOW = new Date('2026-11-22T00:00:00Z');
export const BASELINES = new URL('../fixtures/baselines/', import.meta.url).pathname;

export function vendor(name: string): { Version?: string; Statement: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(join(BASELINES, name), 'utf8')) as {
    Statement: Record<string, unknown>[];
  };
}

export function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'iba-fix-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function audit(root: string, baseline?: string, paths = ['.']): Promise<Report> {
  return runAudit({ root, paths, baseline, now: NOW });
}

export function readIn(root: string) {
  return (p: string): string | undefined => {
    try {
      return readFileSync(join(root, p), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * A repository of `files`, audited (against `baseline`, with `accountId`), its fixes planned and
 * written: the root, the report before and the plan.
 */
export async function fixFiles(
  files: Record<string, string>,
  baseline?: string,
  accountId?: string,
): Promise<{ root: string; report: Report; plan: FixPlan }> {
  const root = repo(files);
  const report = await runAudit({ root, paths: ['.'], baseline, accountId, now: NOW });
  const plan = planFixes(report, readIn(root));
  for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
  return { root, report, plan };
}

/** Audits, plans the fixes and writes them; returns the plan and the report after the fix. */
export async function fixAndReaudit(
  root: string,
  baseline?: string,
): Promise<{ before: Report; plan: FixPlan; after: Report }> {
  const before = await audit(root, baseline);
  const plan = planFixes(before, readIn(root));
  for (const f of plan.files) writeFileSync(join(root, f.path), f.after);
  const after = await audit(root, baseline);
  return { before, plan, after };
}

/** Findings a fix removes (everything but missing permissions and invalid policies). */
export function excess(report: Report) {
  return report.findings.filter((f) =>
    ['excess-action', 'leftover-set', 'broader-resource', 'missing-condition'].includes(f.kind),
  );
}

/**
 * The lines of `before` outside the changed region are in `after` unchanged: the common prefix and
 * suffix of lines cover every line but those of the edited statements.
 */
export function changedLines(
  before: string,
  after: string,
): { head: number; tailBefore: number; tailAfter: number } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let ta = a.length;
  let tb = b.length;
  while (ta > head && tb > head && a[ta - 1] === b[tb - 1]) {
    ta--;
    tb--;
  }
  return { head, tailBefore: ta, tailAfter: tb };
}
