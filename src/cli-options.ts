// Options that `audit` and `merge` share, checked the same way: the fail rule's two settings and a
// size in megabytes. A wrong value is a UsageError (exit 2) that says what is expected.
import { UsageError } from './core/errors.js';
import { SEVERITIES, type Severity } from './core/types.js';

/** `--fail-on none|any` and `--severity-threshold LEVEL`. */
export function failOptions(values: { 'fail-on'?: string; 'severity-threshold'?: string }): {
  failOn: 'none' | 'any';
  threshold: Severity;
} {
  const failOn = values['fail-on'] ?? 'any';
  if (failOn !== 'none' && failOn !== 'any')
    throw new UsageError(`--fail-on must be none or any, not "${failOn}"`);
  const threshold = (values['severity-threshold'] ?? 'medium') as Severity;
  if (!SEVERITIES.includes(threshold))
    throw new UsageError(`--severity-threshold must be one of ${SEVERITIES.join(', ')}, not "${threshold}"`);
  return { failOn, threshold };
}

/** `--max-file-size MB` in bytes, or undefined when not given. */
export function megabytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError('--max-file-size takes a number of megabytes');
  return Math.round(mb * 1024 * 1024);
}
