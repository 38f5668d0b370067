/** A usage or configuration error: the CLI exits 2; the action fails the step with the message. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The command line or the `paths` input names something that cannot be audited (a path that does
 * not exist, nothing to audit at all): the CLI exits 2, the action fails the step with the message.
 * Never a finding, never a drift issue.
 */
export class UsageError extends Error {
  /** Whether `--help` would help: not for a file that was named right and holds the wrong thing. */
  readonly usageHint: boolean;
  constructor(message: string, options: { usageHint?: boolean } = {}) {
    super(message);
    this.name = 'UsageError';
    this.usageHint = options.usageHint ?? true;
  }
}
