// The command-line shell over the same runAudit() the action uses.
//   iam-baseline-audit audit [PATH...] [--baseline B] [--config FILE] [--format text|markdown|json|sarif]
//                            [--output FILE] [--fail-on none|any] [--severity-threshold LEVEL] [--account-id ID]
//   iam-baseline-audit expand PATTERN...
//   iam-baseline-audit baselines list | show ID[@VERSION]
// Start-up: this file imports only version.ts, so --version and --help answer before anything
// else is loaded; the commands (the audit, the catalog, ajv, yaml) are in src/cli-commands.ts,
// imported when a command needs them, which the bundle keeps in chunks of its own
// (scripts/bundle.mjs) that Node then neither reads nor compiles for --version.
import { TOOL_NAME, TOOL_VERSION } from './version.js';

const USAGE = `${TOOL_NAME} ${TOOL_VERSION}: audit AWS IAM policies against the minimal baselines vendors document.

Usage:
  ${TOOL_NAME} audit [PATH...] [options]   audit files and directories (default: .)
  ${TOOL_NAME} expand PATTERN...           print the actions an IAM action pattern matches
  ${TOOL_NAME} baselines list              list the built-in baselines
  ${TOOL_NAME} baselines show ID[@VERSION] show a baseline's sets, actions and sources

Audit options:
  --baseline B              a built-in id (coiled, coiled@2022), a baseline YAML/JSON file or a
                            policy JSON file, optionally followed by :set,set (active sets)
  --config FILE             configuration (default: .github/iam-baseline-audit.yml when present)
  --format F                text (default), markdown, json or sarif
  --output FILE             write the report to FILE instead of standard output
  --fail-on none|any        exit 1 when a finding reaches the threshold (default: any)
  --severity-threshold S    info, low, medium (default), high or critical
  --account-id ID           bind account placeholders of vendor documents to this account
  --max-file-size MB        skip (with an error) files larger than this (default: 256)
  --max-policies N          audit at most N policies; files past it are errors (default: 200000)
  --no-color                plain text output

Exit status: 0 no finding reaches the threshold; 1 one does; 2 usage or configuration error.
With no --baseline and no configuration, each policy is matched to the vendor baseline it most
likely implements (detection), and audited against its default sets.
`;

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case '--version':
    case '-v':
    case 'version':
      out(TOOL_VERSION);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out(USAGE);
      return command === undefined ? 2 : 0;
    case 'audit':
    case 'expand':
    case 'baselines': {
      const { runCommand } = await import('./cli-commands.js');
      return runCommand(command, rest);
    }
    default:
      process.stderr.write(
        `${TOOL_NAME}: unknown command "${command}"\nRun "${TOOL_NAME} --help" for usage.\n`,
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${TOOL_NAME}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
