// Workflow annotations for the most severe findings, within GitHub's per-step limits (10 errors,
// 10 warnings and 10 notices are shown per step; the rest are dropped by GitHub, so we choose).
// @actions/core escapes the workflow-command format itself (`%`, `\r`, `\n` in the message; also
// `:` and `,` in properties such as file and title), so we only make control characters visible.
import * as core from '@actions/core';
import { escapeTerminal } from '../core/escape.js';
import { KIND_INFO, leftoverWords, severityRank } from '../report/group.js';
import type { Finding } from '../core/types.js';

export const ANNOTATION_LIMIT = 10;

export interface AnnotationSink {
  error(message: string, properties?: core.AnnotationProperties): void;
  warning(message: string, properties?: core.AnnotationProperties): void;
  notice(message: string, properties?: core.AnnotationProperties): void;
}

type Level = 'error' | 'warning' | 'notice';

function levelOf(f: Finding, preexistingAsNotice: boolean, failing?: ReadonlySet<Finding>): Level {
  // Already in the base: a notice, whatever its severity, unless pre-existing findings fail the
  // check (`fail-on: any`): an error annotation on a check that passes reads as a failure.
  if (f.new === false && preexistingAsNotice) return 'notice';
  const r = severityRank(f.severity);
  const level = r >= severityRank('high') ? 'error' : r === severityRank('medium') ? 'warning' : 'notice';
  // (so, for the same reason, a finding that does not fail the check, `fail-on: none` or below the
  // threshold, is at most a warning)
  return level === 'error' && failing && !failing.has(f) ? 'warning' : level;
}

export interface AnnotationCounts {
  error: number;
  warning: number;
  notice: number;
  /** Findings not annotated because of the limits. */
  dropped: number;
}

/**
 * Annotates findings that count (not ignored, not removed): new ones first, then by severity, then
 * path and line; at most ANNOTATION_LIMIT of each level.
 */
export function annotate(
  findings: readonly Finding[],
  sink: AnnotationSink = core,
  options: { preexistingAsNotice?: boolean; failing?: readonly Finding[] } = {},
): AnnotationCounts {
  const preexistingAsNotice = options.preexistingAsNotice ?? true;
  const failing = options.failing ? new Set(options.failing) : undefined;
  const counted = findings
    .filter((f) => !f.ignored && !f.removed)
    .sort(
      (a, b) =>
        Number(b.new === true) - Number(a.new === true) ||
        severityRank(b.severity) - severityRank(a.severity) ||
        a.path.localeCompare(b.path) ||
        (a.line ?? 0) - (b.line ?? 0),
    );
  const counts: AnnotationCounts = { error: 0, warning: 0, notice: 0, dropped: 0 };
  for (const f of counted) {
    const level = levelOf(f, preexistingAsNotice, failing);
    if (counts[level] >= ANNOTATION_LIMIT) {
      counts.dropped++;
      continue;
    }
    counts[level]++;
    // (a leftover set's by what the set is, as the report heads it: an optional feature is not
    // "leftover" to delete)
    const words = leftoverWords(f, KIND_INFO[f.kind]);
    const which = words !== KIND_INFO[f.kind] && f.set !== undefined ? ` "${f.set}"` : '';
    const title = `${words.title}${which} (${f.severity}${f.new ? ', new' : ''})`;
    const parts = [f.message];
    if (f.statement !== undefined) parts.push(`statement ${f.statement}`);
    if (f.address) parts.push(f.address);
    if (f.approximate) parts.push(`approximate: ${f.approximate}`);
    sink[level](escapeTerminal(parts.join(' · ')), {
      title: escapeTerminal(title),
      file: escapeTerminal(f.path),
      startLine: f.line !== undefined && f.line >= 1 ? f.line : 1,
    });
  }
  return counts;
}
