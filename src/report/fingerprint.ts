// A finding's identity across commits, for SARIF partialFingerprints (GitHub code scanning keeps an
// alert open, not duplicated, when the same finding comes back) and for matching base findings.
// Pure: no I/O.
import { createHash } from 'node:crypto';
import type { Finding } from '../core/types.js';
import { findingActionSet } from '../audit/finding-set.js';

/**
 * sha256 (hex) of what the finding is about: its kind, the policy's identity (path and Terraform
 * address, never the line), the statement, the sorted actions and resources, and the baseline set.
 * Moving code (lines change) keeps the fingerprint; a change of any of these makes a new one: a
 * statement without a Sid is known by its position (`#0`), so a statement inserted above it, a
 * renamed Sid or a moved file makes a new one (the pull request's comparison pairs those; code
 * scanning does not).
 * A finding read from a saved report made with another catalog, whose actions are only known as
 * the report's patterns (`actionSet`), is identified by those patterns instead.
 */
export function findingFingerprint(f: Finding): string {
  const identity = [
    'v1',
    f.kind,
    f.path,
    f.address ?? '',
    f.statement ?? '',
    f.actionSet && f.actions.length === 0
      ? { patterns: f.actionSet.patterns, except: f.actionSet.except }
      : findingActionSet(f)
        ? f.actions // a kept set's names: sorted by construction, made for this call only
        : [...f.actions].sort(),
    [...f.resources].sort(),
    f.set ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
