// The command-line shell over the same runAudit() the action uses.
//   iam-baseline-audit audit [PATH...] [--baseline B] [--config FILE] [--format text|markdown|json|sarif]
//                            [--output FILE] [--fail-on none|any] [--severity-threshold LEVEL] [--account-id ID]
//   iam-baseline-audit expand PATTERN...
//   iam-baseline-audit baselines list | show ID[@VERSION]
//   iam-baseline-audit fix [PATH...] [--baseline B] [--config FILE] [--dry-run]
//   iam-baseline-audit merge REPORT.json... [--repo NAME=FILE] [--format text|markdown|json] [--output FILE]
// Start-up: this file imports only version.ts, the usage texts and the compiler tuning (on
// node:v8), so --version and --help answer before anything else is loaded; the commands (the
// audit, the catalog, yaml) are in src/cli-commands.ts, imported when a command needs them, which
// the bundle keeps in chunks of its own (scripts/bundle.mjs) that Node then neither reads nor
// compiles for --version.
import { commandUsage, USAGE } from './cli-usage.js';
import { TOOL_NAME, TOOL_VERSION } from './core/version.js';
import { tuneCompiler } from './core/compiler-tuning.js';

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
    case 'fix':
    case 'expand':
    case 'baselines':
    case 'merge': {
      // `audit --help` (before any `--`): the command's usage, exit 0, nothing else loaded.
      const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
      if (options.includes('--help') || options.includes('-h')) {
        out(commandUsage(command));
        return 0;
      }
      // Before the commands' code is loaded (see core/compiler-tuning.ts).
      tuneCompiler();
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

// A reader that stops reading (`| head`, a pager quit early) closes the pipe, and what is left of
// the output has nowhere to go. As other command-line tools do, the CLI stops writing quietly (no
// stack trace) and keeps its exit code (the audit's verdict). Any other failure to write is named.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
  process.stderr.write(`${TOOL_NAME}: cannot write to standard output: ${e.message}\n`);
  process.exit(3);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (e: unknown) => {
    // Through the log boundary: an unexpected error's message may quote the repository.
    const { escapeLogMessage } = await import('./core/escape.js');
    process.stderr.write(
      `${escapeLogMessage(`${TOOL_NAME}: internal error: ${(e as Error)?.stack ?? String(e)}`)}\n`,
    );
    process.exitCode = 3;
  },
);
