// The repository configuration, `.github/iam-baseline-audit.yml`:
//
//   version: 1
//   account-id: "123456789012"
//   audits:
//     - baseline: coiled
//       sets: [ongoing]            # onboarding is done: Setup permissions are now excess
//       policies: ["infra/coiled/*.json", "terraform:module.coiled.aws_iam_role_policy.*"]
//   baselines: ["./iam/baselines/my-vendor.yml"]
//   ignore:
//     - action: "ec2:DescribeRegions"
//       policies: ["infra/coiled/*"]
//       reason: "needed by our own tooling"
//       expires: 2027-03-01
//
// Validated against schema/config.schema.json (embedded in src/generated/baselines-data.ts; ajv
// compiles it on the first load only). Errors are ConfigErrors with the line and what is expected.
import { ConfigError } from '../core/errors.js';
import { validateConfig } from '../generated/schema-validators.js';
import { parseYamlWithSchema, shown, shownPath } from './yaml-schema.js';

/** Where the configuration is looked for, relative to the repository root. */
export const CONFIG_PATH = '.github/iam-baseline-audit.yml';

export interface AuditEntry {
  /** A built-in id (`coiled`, `coiled@2022`), the id of a configured baseline, or a file path. */
  baseline: string;
  /** Active sets; absent: the baseline's default-sets. */
  sets?: string[];
  /** 1-based line of each of `sets` (an unknown set is reported at its own line). */
  setLines?: number[];
  /** Selectors: path globs, `terraform:<address glob>` or `cloudformation:<path>#<logical id>` (see select.ts). */
  policies: string[];
  /** 1-based line of the entry in the configuration file. */
  line: number;
}

export interface IgnoreRule {
  /** IAM action pattern, matched case-insensitively. */
  action: string;
  /** Selectors; absent: every policy. */
  policies?: string[];
  reason: string;
  /** Last day the rule applies, `YYYY-MM-DD` (UTC). */
  expires?: string;
  /**
   * A principal accepted in a role's trust policy (a glob on it as written): the rule hides only
   * trust findings all of whose principals it matches; a rule without it hides no trust finding.
   */
  principal?: string;
  /** 1-based line of the rule in the configuration file. */
  line: number;
}

export interface AuditConfig {
  version: 1;
  /** The configuration file's path, as given to loadConfig. */
  path: string;
  accountId?: string;
  audits: AuditEntry[];
  /** User-defined baseline files to load (paths as written). */
  baselines: string[];
  ignore: IgnoreRule[];
}

interface RawConfig {
  version: 1;
  'account-id'?: string;
  audits?: { baseline: string; sets?: string[]; policies: string[] }[];
  baselines?: string[];
  ignore?: { action: string; policies?: string[]; reason: string; expires?: string; principal?: string }[];
}

function validDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Whether a path the configuration names stays inside the repository. The configuration comes with
 * the pull request, and the files it names are read on the runner: an absolute path or a `..`
 * would let it read (and quote in an error) any file there.
 */
export function insideRepository(p: string): boolean {
  const s = p.replace(/\\/g, '/').trim();
  return (
    !s.startsWith('/') &&
    !s.startsWith('~') &&
    !/^[A-Za-z]:/.test(s) &&
    !s.split('/').includes('..') &&
    !s.includes('\0')
  );
}

/** Parses and validates the configuration. Throws ConfigError naming the file, the line and what is expected. */
export function loadConfig(text: string, path: string): AuditConfig {
  if (text.trim() === '')
    throw new ConfigError(
      `${shownPath(path)}, line 1: the configuration is empty (expected at least: version: 1)`,
    );
  const parsed = parseYamlWithSchema(text, path, validateConfig);
  const raw = parsed.value as RawConfig;
  const cfg: AuditConfig = {
    version: 1,
    path,
    audits: (raw.audits ?? []).map((a, i) => ({
      baseline: a.baseline,
      ...(a.sets !== undefined
        ? { sets: a.sets, setLines: a.sets.map((_, j) => parsed.lineAt(['audits', i, 'sets', j])) }
        : {}),
      policies: a.policies,
      line: parsed.lineAt(['audits', i]),
    })),
    baselines: raw.baselines ?? [],
    ignore: (raw.ignore ?? []).map((r, i) => {
      if (r.reason.trim() === '') {
        throw new ConfigError(
          `${shownPath(path)}, line ${parsed.lineAt(['ignore', i, 'reason'])}: ignore[${i}].reason is empty (expected: why the permission is kept): write it`,
        );
      }
      if (r.expires !== undefined && !validDay(r.expires)) {
        throw new ConfigError(
          `${shownPath(path)}, line ${parsed.lineAt(['ignore', i, 'expires'])}: ignore[${i}].expires ${shown(r.expires)} is not a date (expected: YYYY-MM-DD, a day that exists)`,
        );
      }
      return {
        action: r.action,
        ...(r.policies !== undefined ? { policies: r.policies } : {}),
        reason: r.reason,
        ...(r.expires !== undefined ? { expires: r.expires } : {}),
        ...(r.principal !== undefined ? { principal: r.principal } : {}),
        line: parsed.lineAt(['ignore', i]),
      };
    }),
  };
  if (raw['account-id'] !== undefined) cfg.accountId = raw['account-id'];
  const outside = (at: (string | number)[], field: string, value: string) =>
    new ConfigError(
      /^([/\\]|[A-Za-z]:)/.test(value)
        ? `${shownPath(path)}, line ${parsed.lineAt(at)}: ${field} ${shown(value)} is an absolute path; expected a path relative to the repository root (the same in every checkout), such as ./iam/my-vendor.yml: write it from the root`
        : `${shownPath(path)}, line ${parsed.lineAt(at)}: ${field} ${shown(value)} is outside the repository; expected a path relative to the repository root, such as ./iam/my-vendor.yml: move the file into the repository`,
    );
  cfg.baselines.forEach((b, i) => {
    if (!insideRepository(b)) throw outside(['baselines', i], `baselines[${i}]`, b);
  });
  cfg.audits.forEach((a, i) => {
    if (!insideRepository(a.baseline))
      throw outside(['audits', i, 'baseline'], `audits[${i}].baseline`, a.baseline);
  });
  return cfg;
}
