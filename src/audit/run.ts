// The one audit call shared by the CLI (src/cli.ts) and the action (src/main.ts).
// It reads files (the thin I/O shell) and hands them to the pure pipeline.
import type { Report } from '../types.js';

export interface AuditRequest {
  /** Directory the paths are relative to (the repository root); report paths are relative to it. */
  root: string;
  /** Files or directories to audit, relative to root. Default: ['.']. */
  paths: string[];
  /** `coiled`, `coiled@2022`, `coiled:setup,ongoing`, `./iam/my-vendor.yml:ongoing`, or a policy JSON file. */
  baseline?: string;
  /** Configuration file; when undefined, `.github/iam-baseline-audit.yml` under root is used if present. */
  config?: string;
  accountId?: string;
  /**
   * Reads a file as it is at the pull request's base (undefined when it does not exist there).
   * When given, each finding gets `new: true` (not in the base) or `new: false`.
   */
  readBase?: (path: string) => Promise<string | undefined>;
  /** Today, for ignore expiry and baseline age (tests pin it). */
  now?: Date;
  /** Largest file read, in bytes. */
  maxFileBytes?: number;
}

/** Thrown for a usage or configuration error (the CLI exits 2; the action fails the step). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export async function runAudit(_req: AuditRequest): Promise<Report> {
  throw new ConfigError('runAudit is being written');
}
