// The one registry of finding kinds: their order, the words every renderer uses (title, advice,
// the SARIF rule's description), the default severity of their SARIF rule, how a finding's severity
// is made, and which kinds a minimal policy removes. The audit (severity, order of the findings,
// minimal policies) and every renderer (text, Markdown, SARIF, annotations) read it; nothing else
// lists the kinds. Pure data.
import type { Finding, FindingKind, Severity } from '../core/types.js';

export interface KindInfo {
  /** A short title for a group of findings of this kind (text, Markdown, SARIF, annotations). */
  title: string;
  /** What to do about them, one line. */
  advice: string;
  /** One sentence for the SARIF rule and the docs. */
  description: string;
  /** Default severity of the SARIF rule. */
  severity: Severity;
  /** How a finding's severity is made: fixed, or the highest of its actions' (`by-actions`). */
  severityRule: Severity | 'by-actions';
  /** A minimal policy removes it (a policy with one gets a suggested minimal policy). */
  removable: boolean;
  /** Counts as an excess permission (every kind but the informational one). */
  excess: boolean;
  /** SARIF rule precision: how sure the audit is of such a finding. */
  precision: 'high' | 'medium';
  /**
   * The message only names the actions again (shown by the text and Markdown reports only when
   * the actions are too many to list).
   */
  messageRepeatsActions: boolean;
  /** The title and advice of its findings about an optional set (a feature), when they differ. */
  feature?: { title: string; advice: string };
  /** The title and advice of its findings about another alternative than the chosen one. */
  alternative?: { title: string; advice: string };
}

export const KIND_INFO: Readonly<Record<FindingKind, KindInfo>> = {
  'excess-action': {
    title: 'Excess actions',
    advice: 'not in the baseline: delete them',
    description: 'The policy grants actions that the vendor-documented baseline does not need.',
    severity: 'medium',
    severityRule: 'by-actions',
    removable: true,
    excess: true,
    precision: 'high',
    messageRepeatsActions: true,
  },
  'leftover-set': {
    title: 'Leftover permissions from an inactive set',
    advice: 'needed only for a step that is over: delete them',
    description:
      'The policy still grants actions that the baseline needs only in a set that is not active (for example the Setup permissions after setup).',
    severity: 'medium',
    severityRule: 'by-actions',
    removable: true,
    excess: true,
    precision: 'high',
    messageRepeatsActions: true,
    feature: {
      title: 'Optional feature',
      advice: 'keep these only if you use it',
    },
    alternative: {
      title: 'Another alternative',
      advice:
        'only the alternative this policy is held to is needed: delete them, or hold the policy to this one (baseline id:set) if you use it',
    },
  },
  'broader-resource': {
    title: 'Broader resources than the baseline',
    advice: 'narrow the resources to the ones the baseline names',
    description: 'The policy grants actions on more resources than the baseline does.',
    severity: 'medium',
    severityRule: 'by-actions',
    removable: true,
    excess: true,
    precision: 'medium',
    messageRepeatsActions: false,
  },
  'missing-condition': {
    title: 'Missing conditions',
    advice: 'the baseline grants these only under a condition: add it',
    description: 'The policy grants actions without a condition that the baseline requires.',
    severity: 'medium',
    severityRule: 'by-actions',
    removable: true,
    excess: true,
    precision: 'medium',
    messageRepeatsActions: false,
  },
  'broader-trust': {
    title: 'Broader trust than the vendor documents',
    advice: "let only the vendor's principal assume the role",
    description:
      "The role's trust policy lets principals assume it that the vendor does not name in its documented trust policy: any AWS account, or another account, role, service or identity provider.",
    severity: 'high',
    severityRule: 'high',
    removable: false,
    excess: true,
    precision: 'high',
    messageRepeatsActions: false,
  },
  'broader-principal': {
    title: 'Broader principals than the baseline',
    advice: 'grant only to the principal the baseline names',
    description:
      'A resource policy held to a vendor\'s baseline grants to anyone (`"Principal": "*"`, or every principal but some by NotPrincipal) where the baseline grants the same to the vendor\'s principal only.',
    severity: 'critical',
    severityRule: 'critical',
    removable: false,
    excess: true,
    precision: 'high',
    messageRepeatsActions: false,
  },
  'missing-deny': {
    title: 'Missing Deny statements',
    advice: 'the baseline denies these where it grants them: add its Deny statement',
    description:
      "The policy grants actions that the baseline restricts with a Deny statement, and its own Deny statements do not deny them wherever the baseline's does.",
    severity: 'high',
    severityRule: 'high',
    removable: false,
    excess: true,
    precision: 'medium',
    messageRepeatsActions: false,
  },
  'unknown-action': {
    title: 'Unknown actions',
    advice: 'not in the AWS action catalog: fix the spelling or delete them',
    description: 'The policy names actions that do not exist in the AWS service authorization reference.',
    severity: 'low',
    severityRule: 'low',
    removable: false,
    excess: true,
    precision: 'high',
    messageRepeatsActions: false,
  },
  'invalid-policy': {
    title: 'Invalid or unreadable',
    advice: 'a file, or a policy in it, that cannot be read as written: fix it there',
    description:
      'A file or a policy in it could not be read as written: not valid JSON or YAML, not a valid IAM policy document, or a format this tool does not read (each finding says which).',
    severity: 'medium',
    severityRule: 'medium',
    removable: false,
    excess: true,
    precision: 'high',
    messageRepeatsActions: false,
  },
  'missing-permission': {
    title: 'Missing from the policy (informational)',
    advice: 'the baseline lists these and the policy does not grant them',
    description:
      'The baseline needs actions that the policy does not grant (the vendor integration may fail).',
    severity: 'info',
    severityRule: 'info',
    removable: false,
    excess: false,
    precision: 'high',
    messageRepeatsActions: false,
  },
};

/**
 * Kinds in the order they are presented and sorted (the JSON report's findings, the groups of
 * the text and Markdown reports, the SARIF rules); `missing-permission` last, as informational.
 */
export const KIND_ORDER: readonly FindingKind[] = [
  'excess-action',
  'leftover-set',
  'broader-resource',
  'missing-condition',
  'broader-trust',
  'broader-principal',
  'missing-deny',
  'unknown-action',
  'invalid-policy',
  'missing-permission',
];

/** Position of a kind in KIND_ORDER (for sorting). */
export function kindRank(kind: FindingKind): number {
  return KIND_ORDER.indexOf(kind);
}

/** Kinds a minimal policy removes (a member needs a suggestion when it has one). */
export const REMOVABLE_KINDS: ReadonlySet<FindingKind> = new Set(
  KIND_ORDER.filter((k) => KIND_INFO[k].removable),
);

/** Does this finding count as an excess permission (everything but the informational kind)? */
export function isExcess(f: Pick<Finding, 'kind'>): boolean {
  return KIND_INFO[f.kind].excess;
}
