// The one fail rule, shared by the action (`fail-on`, `severity-threshold`) and the CLI
// (`--fail-on`, `--severity-threshold`): which findings fail the run. Pure.
import type { Finding, Report, Severity } from '../core/types.js';
import { atLeast, bucketFindings, isExcess } from './group.js';

/** `new`: only findings this change adds (every finding when there is no base); `any`: all. */
export type FailOn = 'none' | 'new' | 'any';

export const FAIL_ON: readonly FailOn[] = ['none', 'new', 'any'];

export interface Verdict {
  excessCount: number;
  newExcessCount: number;
  /** Findings that fail the step. */
  failing: Finding[];
  result: 'pass' | 'fail';
}

/**
 * The result, from `fail-on` and the severity threshold only: findings at or above the
 * threshold, not ignored and not removed; for `fail-on: new`, only the current ones of
 * bucketFindings: those with `new === true`, those not compared (no base for their file), or
 * every finding when the audit had no base at all.
 */
export function decide(report: Pick<Report, 'findings'>, failOn: FailOn, threshold: Severity): Verdict {
  const b = bucketFindings(report.findings);
  const excessCount = [...b.current, ...b.preexisting].filter(isExcess).length;
  const newExcessCount = b.current.filter(isExcess).length;
  const pool = failOn === 'none' ? [] : failOn === 'any' ? [...b.current, ...b.preexisting] : b.current;
  const failing = pool.filter((f) => atLeast(f.severity, threshold));
  return { excessCount, newExcessCount, failing, result: failing.length > 0 ? 'fail' : 'pass' };
}
