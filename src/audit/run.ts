// The one audit call shared by the CLI (src/cli.ts) and the action (src/main.ts).
// It reads files (the thin I/O shell) and hands them to the pure pipeline.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { builtinBaselines, parseBaselineYaml } from '../baselines/load.js';
import { CONFIG_PATH, loadConfig, type AuditConfig } from '../config/config.js';
import { loadCatalog, type Catalog } from '../policy/catalog.js';
import { discover } from '../sources/discover.js';
import { AUDIT_ON_ITS_OWN, nestedTemplateFile } from '../sources/cloudformation/analyzer-base.js';
import { readInputs } from '../sources/index.js';
import { readRepoFile } from '../sources/safe-read.js';
import { HCL_FILE, initHcl } from '../sources/hcl/index.js';
import { pointPlansAtTf } from '../sources/hcl/plan-lines.js';
import { list } from '../sources/terraform/values.js';
import { addressLabel } from '../core/labels.js';
import { naturalCompare } from '../core/natural.js';
import { visibilise } from '../core/escape.js';
import { TOOL_NAME, TOOL_VERSION } from '../core/version.js';
import type { Baseline, Finding, LoadedInput, PolicyRecord, Report, SourceError } from '../core/types.js';
import { Auditor, preparePolicies } from './audit.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { collectGarbage } from '../core/memory.js';
import { sortFindings, summarize } from './report-model.js';
import {
  collectPrincipals,
  deletedAtBase,
  deletedPolicyFiles,
  readBaseDocs,
  unreadAtBase,
  type BaseRead,
} from './base-read.js';
import { granteeContext } from './trust-context.js';
import { auditTrust, earlierVersionNotes, planAudit, principalsNotAudited } from './assign.js';
import { applyIgnores } from './ignores.js';
import {
  freeNotes,
  leftOutDocumentNotes,
  unfilledPlaceholderNotes,
  wrongKindSetNotes,
  otherGranteeNotes,
  retiredInManaged,
  retiredNotes,
  unjudgedAdminNotes,
  literalVariableNotes,
} from './notes.js';

export { ConfigError, UsageError };
export type { BaseRead };

export interface AuditRequest {
  /** Directory the paths are relative to (the repository root); report paths are relative to it. */
  root: string;
  /** Files or directories to audit, relative to root. Default: ['.']. */
  paths: string[];
  /** The paths as the user typed them (`/srv/empty`), where they differ from `paths`: for messages. */
  pathsAsTyped?: string[];
  /** `coiled`, `coiled@2022`, `coiled:setup,ongoing`, `./iam/my-vendor.yml:ongoing`, or a policy JSON file. */
  baseline?: string;
  /** Configuration file; when undefined, `.github/iam-baseline-audit.yml` under root is used if present. */
  config?: string;
  accountId?: string;
  /**
   * Reads a file as it is at the pull request's base (undefined when it does not exist there).
   * When given, each finding gets `new: true` (not in the base) or `new: false`.
   */
  readBase?: BaseRead;
  /** Today, for ignore expiry and baseline age (tests pin it). */
  now?: Date;
  /** Largest file read, in bytes. */
  maxFileBytes?: number;
  /** Most policies audited in one run; a file that would go past it is an error, the rest goes on. */
  maxPolicies?: number;
  /**
   * @internal Audits unit by unit, without sharing statement outcomes between policies: the
   * reference the shared path is tested against (__tests__/memo-equivalence.test.ts).
   */
  reference?: boolean;
  /**
   * False: suggested minimal policies are not made, only counted (`report.suggestionsNotMade`), for
   * a report that shows none (text, SARIF). Default true.
   */
  suggestions?: boolean;
  /** Called at the end of each phase with its name and duration (the benchmark's breakdown). */
  onPhase?: (phase: string, ms: number) => void;
}

export const DEFAULT_MAX_POLICIES = 200_000;

/**
 * Inputs whose files add up to this many bytes are large enough that the heap is collected
 * once they are parsed (core/memory.ts): the collection costs a few tens of milliseconds, which a
 * small repository should not pay.
 */
const LARGE_INPUT = 16 * 1024 * 1024;

/** Turns inputs past the policy limit into errors that say what to do (the rest is still audited). */
function enforcePolicyLimit(inputs: LoadedInput[], max: number): void {
  let total = 0;
  for (const input of inputs) {
    const n = input.result.policies.length;
    if (total + n <= max) {
      total += n;
      continue;
    }
    const reason = `the file holds ${n} ${n === 1 ? 'policy' : 'policies'}, which would take the audit past its limit of ${max} ${max === 1 ? 'policy' : 'policies'} (${total} already read): raise the limit (the CLI's --max-policies) or audit fewer paths`;
    input.result = {
      ...input.result,
      status: 'error',
      reason,
      policies: [],
      principals: [],
      errors: [{ path: input.result.path, message: reason }],
    };
  }
}

/** Largest configuration or baseline file read (real ones are a few kilobytes). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** A configuration or baseline file, through the safe reader; undefined when it does not exist. */
function readRel(root: string, p: string): string | undefined {
  const read = readRepoFile(root, p, MAX_CONFIG_BYTES);
  if (read.ok) return read.text;
  if (read.code === 'missing') return undefined;
  if (read.code === 'outside')
    throw new ConfigError(`${p}: ${read.reason}; replace the link with the file itself`);
  throw new ConfigError(`${p}: ${read.reason}`);
}

/**
 * The notes on the actions of the baselines in use that match no action of the catalog: a typo in
 * your own (`s3:GetObjekt`) grants nothing, so the action the vendor needs reads as excess, and
 * nothing else says why. (The built-in ones are held to the catalog by the tests; one of them with
 * an action the catalog retired would be said too.)
 */
function unknownBaselineActions(used: readonly Baseline[], catalog: Catalog): string[] {
  const notes: string[] = [];
  for (const b of used) {
    for (const set of b.sets) {
      const unknown = new Set<string>();
      for (const st of set.statements) {
        if (!st || typeof st !== 'object') continue;
        const { Action, NotAction } = st as { Action?: unknown; NotAction?: unknown };
        for (const a of [Action, NotAction].flatMap((v) =>
          Array.isArray(v) ? v : v === undefined ? [] : [v],
        ))
          if (typeof a === 'string' && a !== '*' && catalog.expand(a).length === 0) unknown.add(a);
      }
      if (unknown.size)
        notes.push(
          `Baseline ${b.id}, set ${set.name}: ${list([...unknown], 8)} ${unknown.size === 1 ? 'matches' : 'match'} no action in the AWS catalog (a typo, or an action that was retired): the baseline grants nothing for ${unknown.size === 1 ? 'it' : 'them'}; fix it in the baseline.`,
        );
    }
  }
  return notes;
}

/** Names a configuration is given by mistake (CONFIG_PATH is the one read). */
const NEAR_CONFIG_PATHS = [
  '.github/iam-baseline-audit.yaml',
  '.iam-baseline-audit.yml',
  '.iam-baseline-audit.yaml',
  'iam-baseline-audit.yml',
  'iam-baseline-audit.yaml',
];

/**
 * A configuration in a directory above the audit's root, up to the git work tree that holds it
 * (the nearest directory with `.git`): its path relative to the root (`../.github/…`), or
 * undefined (none, or the root is the top of its work tree).
 */
function configAbove(root: string): string | undefined {
  let dir = resolve(root);
  if (existsSync(join(dir, '.git'))) return undefined;
  let found: string | undefined;
  for (let up = 0; up < 64; up++) {
    const parent = dirname(dir);
    if (parent === dir) return undefined; // (in no work tree: nothing above is the repository's)
    dir = parent;
    if (!found && existsSync(join(dir, CONFIG_PATH))) found = join(dir, CONFIG_PATH);
    if (existsSync(join(dir, '.git'))) return found && relative(root, found).split(sep).join('/');
  }
  return undefined;
}

/**
 * Plans print on one line: their policies are pointed at the `.tf` blocks of the same addresses
 * when the repository holds the configuration (the audited `.tf` inputs, else the `.tf` files
 * found under the root).
 */
async function pointPlansAtConfiguration(
  root: string,
  inputs: LoadedInput[],
  maxFileBytes: number | undefined,
): Promise<void> {
  const plans = inputs.map((i) => i.result).filter((r) => r.kind === 'terraform-plan' && r.policies.length);
  if (plans.length === 0) return;
  let hcl = inputs.map((i) => i.result).filter((r) => r.kind === 'terraform-hcl');
  if (!hcl.some((r) => r.policies.length)) {
    const tf = discover(root, ['.']).files.filter((f) => HCL_FILE.test(f.path));
    if (tf.length === 0) return;
    await initHcl();
    hcl = readInputs(root, tf, maxFileBytes).map((l) => l.result);
  }
  pointPlansAtTf(plans, hcl);
}

/**
 * The policy an input's error is about: the record read at the error's place or around it (the
 * longest JSON path that holds it), so that the finding names an entry of the report's policies
 * (a broken document of an export is its unresolved record's, not `file#role`). Undefined when the
 * error is not inside a policy (an entry that is not an object, a principal's list).
 */
function recordAt(records: readonly PolicyRecord[], e: SourceError): string | undefined {
  const at = e.jsonPath;
  if (!at) return undefined;
  let best: PolicyRecord | undefined;
  for (const r of records) {
    const p = r.jsonPath;
    if (!p || r.path !== e.path) continue;
    if (at !== p && !(at.startsWith(p) && (at[p.length] === '.' || at[p.length] === '['))) continue;
    if (!best || p.length > best.jsonPath!.length) best = r;
  }
  return best?.id;
}

export async function runAudit(req: AuditRequest): Promise<Report> {
  const now = req.now ?? new Date();
  const root = req.root;
  const catalog = loadCatalog();
  const notes: string[] = [];

  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    req.onPhase?.(name, t - mark);
    mark = t;
  };

  // Configuration and baselines.
  let config: AuditConfig | undefined;
  const configPath = req.config ?? (existsSync(join(root, CONFIG_PATH)) ? CONFIG_PATH : undefined);
  if (configPath) {
    const text = readRel(root, configPath);
    if (text === undefined)
      throw new ConfigError(
        existsSync(join(root, configPath))
          ? `${configPath}: the configuration file cannot be read; expected a YAML file (check the path given to --config or the config input)`
          : `${configPath}: no such configuration file (check the path given to --config or the config input)`,
      );
    config = loadConfig(text, configPath);
    // A baseline named on the command line (or the action's input) replaces the audits; the rest of
    // the configuration (account, own baselines, ignore rules) still applies.
    if (req.baseline && config.audits.length)
      notes.push(
        `${configPath}: its audits are not used, since the baseline ${req.baseline} was given; its other settings apply.`,
      );
  } else {
    // A configuration under a name that is not read (`.yaml`, at the root): the audit would go
    // on without it, and a check that audits nothing against the own baselines would pass.
    const near = NEAR_CONFIG_PATHS.find((p) => {
      try {
        return statSync(join(root, p)).isFile();
      } catch {
        return false;
      }
    });
    if (near)
      throw new ConfigError(
        `${near}: not read: the configuration is read from ${CONFIG_PATH} only; expected that name: rename the file (or pass it with --config, the action's config input)`,
      );
    // Run from a directory inside the repository (`cd infra && audit .`): the repository's own
    // configuration, above it, is not read. Said, with how to read it.
    const above = configAbove(root);
    if (above)
      notes.push(
        `No configuration read: ${above} (above the audited directory) is not read from here; run the audit from the directory that holds its .github, or pass it with --config (the action's config input).`,
      );
  }
  const accountId = req.accountId ?? config?.accountId;
  const baselines: Baseline[] = [...builtinBaselines()];
  for (const p of config?.baselines ?? []) {
    const text = readRel(root, p);
    if (text === undefined)
      throw new ConfigError(
        `${configPath}: baselines: ${p} cannot be read; expected a baseline YAML file at that path, relative to the repository root`,
      );
    const own = parseBaselineYaml(text, p);
    const clash = baselines.find((b) => b.id.toLowerCase() === own.id.toLowerCase());
    if (clash)
      throw new ConfigError(
        `${configPath}: baselines: ${p} has the id "${own.id}", which ${
          builtinBaselines().includes(clash)
            ? 'a built-in baseline already has'
            : 'another baseline file already has'
        }; give the file an id of its own (for example "${own.id}-own") and name that id in audits`,
      );
    baselines.push(own);
  }
  const readFile = (p: string) => readRel(root, p);
  phase('configuration');

  // Sources.
  const {
    files,
    missing,
    unreadable,
    skipped,
    notes: walkNotes,
  } = discover(root, req.paths.length ? req.paths : ['.']);
  // A path the pull request deleted (a file, or a directory of them, there at its base): what it
  // granted is counted as removed, not an input that does not exist (a review: the check failed,
  // and the pull request's comment kept saying ❌).
  let deletedNamed = false;
  if (missing.length > 0 && req.readBase?.deleted) {
    const deleted = await req.readBase.deleted();
    const gone = (p: string) => {
      const rel = p.replace(/^\.\//, '').replace(/\/+$/, '');
      return deleted.some((d) => d === rel || d.startsWith(`${rel}/`));
    };
    for (let i = missing.length - 1; i >= 0; i--)
      if (gone(missing[i]!.path)) {
        notes.push(`${missing[i]!.path}: deleted by this change; what it granted is counted as removed.`);
        missing.splice(i, 1);
        deletedNamed = true;
      }
  }
  if (missing.length > 0)
    throw new UsageError(
      missing.map((m) => `${m.path}: ${m.reason}`).join('; ') +
        ': name files or directories that exist in the repository (relative to its root, or absolute)',
    );
  notes.push(...walkNotes);
  phase('discover');
  // The .tf parser (WebAssembly) is loaded only when there are .tf files.
  if (files.some((f) => HCL_FILE.test(f.path))) await initHcl();
  const configFiles = new Set(
    [configPath, ...(config?.baselines ?? [])].filter(Boolean).map((p) => p!.replace(/^\.\//, '')),
  );
  const inputs = readInputs(
    root,
    files.filter((f) => !configFiles.has(f.path)),
    req.maxFileBytes,
  );
  await pointPlansAtConfiguration(root, inputs, req.maxFileBytes);
  phase('read and parse sources');
  enforcePolicyLimit(inputs, req.maxPolicies ?? DEFAULT_MAX_POLICIES);
  for (const m of unreadable) {
    inputs.push({
      result: {
        path: m.path,
        kind: 'unknown',
        status: 'error',
        reason: m.reason,
        policies: [],
        errors: [{ path: m.path, message: m.reason }],
      },
    });
  }
  for (const m of skipped)
    inputs.push({
      result: {
        path: m.path,
        kind: 'unknown',
        status: 'skipped',
        reason: m.reason,
        policies: [],
        errors: [],
      },
    });
  const recognised = inputs.filter((i) => i.result.status !== 'skipped');
  // Nothing left to audit where the base had policies: the change deleted them (the last policy
  // file of the paths, every one of the repository), and what they granted is counted as removed,
  // not a failed step (a review: the check failed, and the comment kept saying ❌).
  if (recognised.length === 0 && !deletedNamed && req.readBase?.deleted) {
    const gone = await deletedPolicyFiles(req.readBase, root, req.paths);
    if (gone.length > 0) {
      notes.push(
        `No policy is left to audit: this change deletes ${gone.length === 1 ? gone[0]! : `${gone.length} files (${gone.slice(0, 3).join(', ')}${gone.length > 3 ? ', …' : ''})`}; what the base granted there is counted as removed.`,
      );
      deletedNamed = true;
    }
  }
  if (recognised.length === 0 && !deletedNamed) {
    const typed = req.pathsAsTyped?.length ? req.pathsAsTyped : req.paths;
    const shownPaths = (typed.length ? typed : ['.'])
      .map((p) => visibilise(p.replace(/\\/g, '/')))
      .join(', ');
    const looked = inputs.length;
    const why = inputs
      .slice(0, 3)
      // (on one line each: a reason may quote the file, and this message is printed as it is)
      .map(({ result }) => visibilise(`${result.path} (${result.reason ?? 'skipped'})`))
      .join('; ');
    throw new UsageError(
      `no inputs found in ${shownPaths}: ${
        looked === 0
          ? 'no file there that could hold IAM policies'
          : `${looked === 1 ? 'the one candidate file is' : `all ${looked} candidate files are`} skipped: ${why}${looked > 3 ? '; …' : ''}`
      }; name the files or directories that hold your IAM policies`,
    );
  }
  nestedTemplatesRead(inputs);
  const prepared = preparePolicies(inputs);
  // (the policies of JSON policy files: unfilledPlaceholderNotes)
  const policyFiles = new Set(
    inputs.filter((i) => i.result.kind === 'policy').flatMap((i) => i.result.policies.map((p) => p.id)),
  );
  // The texts were needed for line numbers only: do not hold every file until the report is made.
  for (const input of inputs) delete input.text;
  // With a large input, the texts and parsed trees just let go are most of the heap: collected now,
  // not after the evaluation has grown on top of them (see core/memory.ts).
  const large = files.reduce((n, f) => n + f.size, 0) >= LARGE_INPUT;
  if (large) collectGarbage();
  phase('parse policy documents');
  const principals = collectPrincipals(inputs);

  // Which baseline applies to what.
  const plan = planAudit(prepared, principals, inputs, baselines, config, req.baseline, readFile, notes);
  plan.accountId = accountId;
  if (plan.assignments.some((a) => prepared.get(a.target)?.record.kind === 'resource'))
    plan.grantees = granteeContext(inputs, baselines);
  phase('assign baselines');

  // The pull request's base, when there is one.
  const base = req.readBase
    ? await readBaseDocs(req.readBase, inputs, files, root, prepared, principals)
    : undefined;
  if (base) notes.push(...unreadAtBase(base, inputs, prepared));
  if (base && req.readBase)
    base.deleted = await deletedAtBase(req.readBase, base, inputs, prepared, principals, {
      root,
      paths: req.paths,
      files,
      skip: configFiles,
      plan: (p, pr, i) => planAudit(p, pr, i, baselines, config, req.baseline, readFile, []),
    });

  const auditor = new Auditor(accountId, catalog, { memo: !req.reference, suggestions: req.suggestions });
  phase('read base');
  const outcome = auditor.run(prepared, principals, plan, base);
  if (plan.trust?.length) auditTrust(plan.trust, inputs, prepared, outcome, catalog, base, accountId);
  phase('evaluate');
  // Attachments that name a policy this audit cannot see are listed, not dropped.
  const listed = new Set(outcome.policies.map((p) => p.id));
  for (const principal of principals.values()) {
    for (const u of principal.unresolved) {
      // (a CloudFormation principal's id already starts with its file's path)
      const owner = principal.id.startsWith(`${principal.path}#`)
        ? principal.id
        : `${principal.path}#${principal.id}`;
      const id = `${owner}->${u.ref}`;
      if (listed.has(id)) continue;
      listed.add(id);
      // Of the engine's entries' shape (see Auditor.run): every field, undefined where empty.
      outcome.policies.push({
        id,
        path: principal.path,
        line: principal.line,
        address: u.ref,
        kind: 'identity',
        baseline: undefined,
        sets: undefined,
        features: undefined,
        status: 'unresolved',
        reason: `attached to ${principal.id}: ${u.reason}`,
        detection: undefined,
      });
    }
  }
  outcome.policies.push(...principalsNotAudited(plan, principals, prepared));
  // The entries above, by their input's path.
  const addedByPath = new Map<string, string[]>();
  for (const p of outcome.policies)
    if (!prepared.has(p.id)) (addedByPath.get(p.path) ?? addedByPath.set(p.path, []).get(p.path)!).push(p.id);

  // Source errors become findings that name the file and the place. An action an AWS managed
  // policy names that the catalog does not have (retired by AWS: 29 of the bundled 1,237 policies
  // name one) grants nothing, and the policy is AWS's to change: a note, not "fix the spelling".
  const retired = outcome.findings.filter(retiredInManaged);
  const findings: Finding[] = retired.length
    ? outcome.findings.filter((f) => !retiredInManaged(f))
    : [...outcome.findings];
  notes.push(...retiredNotes(retired));
  for (const { result } of inputs) {
    for (const e of result.errors) {
      const f: Finding = {
        kind: 'invalid-policy',
        severity: 'medium',
        policy: recordAt(result.policies, e) ?? (e.address ? `${e.path}#${e.address}` : e.path),
        actions: [],
        resources: [],
        path: e.path,
        message: e.jsonPath ? `${e.jsonPath}: ${e.message}` : e.message,
      };
      if (e.line !== undefined) f.line = e.line;
      if (e.address) f.address = e.address;
      findings.push(f);
    }
  }
  const shown = applyIgnores(
    findings,
    config,
    now,
    notes,
    catalog,
    principals,
    outcome.policies.filter((p) => p.status === 'audited'),
  );

  // Policies that follow an earlier version of their vendor's policy: said, with what the current
  // version no longer asks for.
  if (plan.earlier) notes.push(...earlierVersionNotes(plan.earlier, findings, catalog));

  // Optional sets granted as documented are features in use, not findings: said once. A feature
  // with a finding of its own in the policy (or in a principal that holds it) is not "as
  // documented": its findings say so instead.
  const withFindings = new Set<string>();
  for (const f of findings) if (f.feature && !f.removed) withFindings.add(`${f.policy}\u0000${f.feature}`);
  const holdersOf = new Map<string, string[]>();
  if (withFindings.size)
    for (const pr of principals.values())
      for (const id of pr.policyIds) (holdersOf.get(id) ?? holdersOf.set(id, []).get(id)!).push(pr.id);
  const inUse = outcome.policies
    .map((p) => ({
      p,
      features: (p.features ?? []).filter(
        (name) =>
          !withFindings.has(`${p.id}\u0000${name}`) &&
          !(holdersOf.get(p.id) ?? []).some((h) => withFindings.has(`${h}\u0000${name}`)),
      ),
    }))
    .filter(({ features }) => features.length)
    .map(
      ({ p, features }) =>
        `${features.join(', ')} (${p.baseline}) in ${p.address ? `${p.path} ${addressLabel(p)}` : p.path}`,
    )
    .sort();
  if (inUse.length)
    notes.push(
      `Optional features in use (granted as documented, no finding): ${inUse.slice(0, 10).join('; ')}${inUse.length > 10 ? `; and ${inUse.length - 10} more` : ''}.`,
    );

  // Actions that need no permission granted beyond the baseline: not findings, said once each.
  notes.push(...freeNotes(outcome.free, outcome.policies));
  notes.push(...leftOutDocumentNotes(prepared, outcome.policies, findings));
  notes.push(...unfilledPlaceholderNotes(prepared, outcome.policies, baselines, policyFiles));
  notes.push(...wrongKindSetNotes(plan.assignments, outcome.policies));
  notes.push(...otherGranteeNotes(outcome.otherGrantees, outcome.policies, baselines));
  notes.push(...unjudgedAdminNotes(prepared, outcome.policies));
  notes.push(...literalVariableNotes(prepared, outcome.policies));

  // The sets the policies were held to (alternatives chosen, features in use), else as assigned.
  const heldTo = new Map<string, string[]>();
  for (const p of outcome.policies)
    if (p.status === 'audited' && p.sets) heldTo.set(p.id, [...p.sets, ...(p.features ?? [])]);
  const used = new Map<string, { b: Baseline; sets: Set<string> }>();
  for (const a of plan.assignments) {
    const u = used.get(a.baseline.id) ?? { b: a.baseline, sets: new Set<string>() };
    const ids = principals.get(a.target)?.policyIds ?? [a.target];
    const held = ids.flatMap((id) => heldTo.get(id) ?? []);
    (held.length ? held : a.sets).forEach((s) => u.sets.add(s));
    used.set(a.baseline.id, u);
  }
  const stale = [...used.values()]
    .filter(({ b }) => b.date && now.getTime() - Date.parse(b.date) > 365 * 24 * 3600 * 1000)
    .map(({ b }) => `${b.id} (${b.date})`);
  if (stale.length)
    notes.push(
      `Baselines taken from the vendors' documents over a year ago, worth checking for updates: ${stale.join(', ')}.`,
    );
  notes.push(
    ...unknownBaselineActions(
      [...used.values()].map(({ b }) => b),
      catalog,
    ),
  );

  const report: Report = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    catalog: { source: catalog.source, version: catalog.version },
    baselines: [...used.values()]
      .map(({ b, sets }) => {
        const e: Report['baselines'][number] = { id: b.id, name: b.name, sets: [...sets].sort() };
        if (b.version) e.version = b.version;
        if (b.date) e.date = b.date;
        if (b.remediation) e.remediation = b.remediation;
        if (b.sources?.length) e.sources = b.sources;
        return e;
      })
      .sort((a, b) => a.id.localeCompare(b.id)),
    inputs: inputs
      .map(({ result }) => {
        // (with the entries the audit adds for the input: attachments it could not resolve,
        // principals it could not audit, so that every entry of `policies` is under its input)
        const own = new Set(result.policies.map((p) => p.id));
        for (const id of addedByPath.get(result.path) ?? []) own.add(id);
        const e: Report['inputs'][number] = {
          path: result.path,
          kind: result.kind,
          status: result.status,
          policies: [...own].sort(),
        };
        if (result.reason) e.reason = result.reason;
        return e;
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    // Numbers as numbers: `Policies[2]` before `Policies[10]`.
    policies: outcome.policies.sort((a, b) => naturalCompare(a.id, b.id)),
    findings: sortFindings(shown),
    suggestions: outcome.suggestions.sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0)),
    summary: { inputs: 0, policies: 0, findings: 0, byKind: {}, bySeverity: {} },
  };
  if (notes.length) report.notes = [...new Set(notes)];
  if (req.suggestions === false) report.suggestionsNotMade = outcome.suggestionsNotMade;
  report.summary = summarize(report);
  // The evaluation's garbage (a third of the old generation with 5,000 diverse policies) is let go
  // before the report is rendered on top of it.
  if (large) collectGarbage();
  phase('assemble report');
  return report;
}

/**
 * A nested stack's template that this audit reads too (`TemplateURL: ./nested.yaml`): its reason
 * says so, not "audit it on its own" (a review found that said of a template audited beside it).
 */
function nestedTemplatesRead(inputs: readonly LoadedInput[]): void {
  const read = new Set(inputs.filter((i) => i.result.status === 'audited').map((i) => i.result.path));
  for (const { result } of inputs)
    for (const rec of result.policies) {
      const at = rec.status === 'unresolved' && rec.reason ? nestedTemplateFile(rec.reason) : undefined;
      if (!at) continue;
      const path = posix.normalize(posix.join(posix.dirname(rec.path), at));
      if (!read.has(path)) continue;
      rec.reason = `${rec.reason!.slice(0, -AUDIT_ON_ITS_OWN.length)}${path} is read on its own in this audit, with its parameters' defaults (not the values this stack passes)`;
    }
}
