// Everything the action writes to its log goes through here: the one boundary for the Actions log.
// The runner acts on workflow commands in any line of the log (`::cmd::` at a line's start,
// `##[cmd]` anywhere), and the repository controls much of what we print (Sids, file names,
// Terraform addresses, baseline texts, error messages that quote them). So every message passes
// escapeLog, and the text report is also printed between `::stop-commands::` markers with a
// random token, as the runner documents for untrusted output.
import { randomUUID } from 'node:crypto';
import { EOL } from 'node:os';
import * as core from '@actions/core';
import { escapeLog, escapeLogMessage } from '../core/escape.js';

/** Whether the `result` output is written (once a run: a failure after the verdict keeps it). */
let resultWritten = false;

/**
 * The `result` output, written once: the verdict's, or `fail` when the step fails before one
 * (inputs, configuration, nothing to audit, a saved report refused, an internal error), so that
 * `if: steps.audit.outputs.result == 'fail'` sees every failure.
 */
export function setResult(result: 'pass' | 'fail'): void {
  if (resultWritten) return;
  resultWritten = true;
  core.setOutput('result', result);
}

export const log = {
  info(message: string): void {
    core.info(escapeLogMessage(message));
  },
  warning(message: string): void {
    core.warning(escapeLogMessage(message));
  },
  /** Fails the step with this message (an error annotation too), and sets `result` to `fail`. */
  fail(message: string): void {
    setResult('fail');
    core.setFailed(escapeLogMessage(message));
  },
  /**
   * Prints text from the repository (the text report): escaped line by line, and with workflow
   * commands switched off around it, so that even a line that got past the escaping runs nothing.
   */
  untrusted(text: string): void {
    const token = randomUUID();
    process.stdout.write(`::stop-commands::${token}${EOL}`);
    core.info(escapeLog(text));
    process.stdout.write(`::${token}::${EOL}`);
  },
};
