// The CLI's usage texts (src/cli.ts prints them without loading the commands).
import { TOOL_NAME, TOOL_VERSION } from './core/version.js';

export const USAGE = `${TOOL_NAME} ${TOOL_VERSION}: audit AWS IAM policies against the minimal baselines vendors document.

Usage:
  ${TOOL_NAME} audit [PATH...] [options]   audit files and directories (default: .)
  ${TOOL_NAME} fix [PATH...] [options]     rewrite each policy to its minimal policy, in place
  ${TOOL_NAME} expand PATTERN...           print the actions an IAM action pattern matches
  ${TOOL_NAME} baselines list              list the built-in baselines
  ${TOOL_NAME} baselines show ID[@VERSION] show a baseline's sets, actions and sources
  ${TOOL_NAME} baselines show FILE         check a baseline file of your own, and show it
  ${TOOL_NAME} merge REPORT.json... [opts] combine the JSON reports of many repositories into one

Audit options:
  --baseline B              a built-in id (coiled, coiled@2022), a baseline YAML/JSON file or a
                            policy JSON file, optionally followed by :set,set (active sets);
                            replaces the configuration's audits (its other settings apply)
  --config FILE             configuration (default: .github/iam-baseline-audit.yml when present)
  --format F                text (default), markdown, json or sarif
  --output FILE             write the report to FILE (its counts on standard error)
  --fail-on none|any        exit 1 when a finding reaches the threshold (default: any)
  --severity-threshold S    info, low, medium (default), high or critical
  --account-id ID           bind account placeholders of vendor documents to this account
  --max-file-size MB        skip (with an error) files larger than this (default: 256)
  --max-policies N          audit at most N policies; files past it are errors (default: 200000)
  --no-color                plain text output

Exit status: 0 no finding reaches the threshold; 1 one does; 2 usage or configuration error.
With no --baseline and no audits in the configuration, each policy is matched to the vendor
baseline it most likely implements (detection), and audited against its default sets.
`;

const FIX_USAGE = `Usage: ${TOOL_NAME} fix [PATH...] [--baseline B] [--config FILE] [--account-id ID] [--dry-run]

Runs the same audit as \`audit\`, then rewrites each policy that grants more than its baseline
allows to its minimal policy, in its own file: only the statements that change are edited, in the
file's style (indentation, key order, a string stays a string); every other line is left as it is.
Policy JSON (and the AWS CLI's wrappers), *.tf.json, .tf (jsonencode({...}), heredoc JSON,
aws_iam_policy_document blocks) and CloudFormation templates, where the policy is written out
literally. A policy it cannot rewrite (interpolations, variables, intrinsic functions in the part
that changes, a plan, state or authorization-details export) is listed with the reason. A file
is written only when the rewritten text reads back as the minimal policy with everything else
unchanged, and atomically (a temporary file renamed over it, with the file's mode). The files
written are audited again and fixed again if anything is left (up to three rounds, a safety net).
A baseline placeholder (<account-ID-without-hyphens>) is never written: --account-id fills it.

Options:
  --baseline B              as for audit
  --config FILE             as for audit
  --dry-run                 print the unified diff of each change and write nothing
  --account-id ID           as for audit
  --max-file-size MB        as for audit

Exit status: 0 (also when some policies could not be fixed: they are listed); 1 when a file
to fix could not be written (no permission, or it changed meanwhile: listed); 2 usage or
configuration error.
`;

const EXPAND_USAGE = `Usage: ${TOOL_NAME} expand PATTERN...

Prints the actions of the AWS catalog that each IAM action pattern matches (s3:Get*, ec2:*).
Exit status: 0; 1 when a pattern matches no action; 2 usage error.
`;

const BASELINES_USAGE = `Usage:
  ${TOOL_NAME} baselines list              list the built-in baselines (* = set active by default)
  ${TOOL_NAME} baselines show ID[@VERSION] show a baseline's sets, actions and sources
  ${TOOL_NAME} baselines show FILE         check a baseline file of your own (as --baseline reads it), and show it
`;

const MERGE_USAGE = `Usage: ${TOOL_NAME} merge REPORT.json... [--repo NAME=FILE]... [options]

Combines the JSON reports (audit --format json, the action's findings-file) of many repositories
into one: counts by repository, baseline, kind and severity, and every finding tagged with its
repository. A report's repository is NAME with --repo NAME=FILE, else the name of the folder
that holds the file (reports/acme-api/report.json is "acme-api"); two reports may not share one.

Options:
  --repo NAME=FILE          a report and the repository it belongs to (repeatable)
  --format F                text (default), markdown (fits a GitHub issue, comment or job
                            summary: under 65,536 characters) or json (schemaVersion 2, see README)
  --output FILE             write the merged report to FILE instead of standard output
  --title T                 the Markdown heading
  --fail-on none|any        exit 1 when a finding reaches the threshold (default: any)
  --severity-threshold S    info, low, medium (default), high or critical
  --max-file-size MB        largest report read (default: 64)
  --missing-file FILE       repositories that gave no report, one a line: listed under "No report
                            from" (the Markdown shows as many as fit, then a count; JSON: missing)
  --max-length N            the Markdown stays under N characters (default: 65,536); less leaves
                            room for what you add to it, such as an issue's hidden marker

Exit status: 0 no finding reaches the threshold; 1 one does; 2 usage error (a file that is not
a report is named, with the reason).
`;

/** The usage of one command: the audit's options, or the other commands' forms. */
export function commandUsage(command: 'audit' | 'fix' | 'expand' | 'baselines' | 'merge'): string {
  if (command === 'merge') return MERGE_USAGE;
  if (command === 'fix') return FIX_USAGE;
  if (command === 'expand') return EXPAND_USAGE;
  if (command === 'baselines') return BASELINES_USAGE;
  return USAGE;
}
