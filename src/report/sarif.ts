// SARIF 2.1.0 for github/codeql-action/upload-sarif: one rule per finding kind and severity (GitHub
// reads a result's severity from its rule's `security-severity`, so an excess `iam:PassRole` on `*`
// must not share a rule with a low one), one result per finding (removed permissions are not
// results; ignored findings are results with a suppression).
// Deterministic: the same report gives the same bytes. Pure: no I/O.
import type { Finding, FindingKind, Report, Severity } from '../core/types.js';
import { clipShown, escapeSarifText, escapeTerminal, LONE_SURROGATE } from '../core/escape.js';
import {
  countShown,
  describeShown,
  MAX_ACTIONS,
  MAX_MESSAGE_SHOWN,
  shownActions,
  storedFinding,
} from './actions.js';
import { findingFingerprint } from './fingerprint.js';
import { KIND_INFO, KIND_ORDER, severityRank } from './group.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of our partial fingerprint (versioned: a change of recipe changes the key). */
export const FINGERPRINT_KEY = 'iamBaselineAudit/v1';
const DEFAULT_INFORMATION_URI = 'https://www.npmjs.com/package/iam-baseline-audit';

export interface SarifOptions {
  /** Where the tool is documented (the action passes its repository's URL). */
  informationUri?: string;
  /**
   * The audit's root from the repository's (`infra`, with `/`), for an audit run from a
   * subdirectory: code scanning reads a uri from the repository's root, so each path is written
   * from there (and fingerprinted so, as a run from the root would).
   */
  pathPrefix?: string;
}

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): Level {
  return severityRank(s) >= severityRank('high') ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** GitHub's scale: critical 9.0 and above, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** A rule id: the kind and the severity, `excess-action/critical`. */
export function ruleId(kind: FindingKind, severity: Severity): string {
  return `${kind}/${severity}`;
}

function ruleName(kind: FindingKind, severity: Severity): string {
  return `${kind}-${severity}`.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

function rule(kind: FindingKind, severity: Severity) {
  const info = KIND_INFO[kind];
  const markdown =
    `**${info.title}** (${severity}): ${info.description}\n\n` +
    `What to do: ${info.advice}. The pull request comment and the job summary of iam-baseline-audit ` +
    'list the actions, the statement and a suggested minimal policy.';
  return {
    id: ruleId(kind, severity),
    name: ruleName(kind, severity),
    shortDescription: { text: `${info.title} (${severity})` },
    fullDescription: { text: info.description },
    help: { text: `${info.description} What to do: ${info.advice}.`, markdown },
    defaultConfiguration: { level: severity === 'info' ? ('note' as Level) : sarifLevel(severity) },
    properties: {
      tags: ['security', 'aws', 'iam', 'least-privilege'],
      precision: info.precision,
      'problem.severity': severity === 'info' ? 'recommendation' : sarifLevel(severity),
      'security-severity': SECURITY_SEVERITY[severity],
    },
  };
}

/**
 * The uri of a file the report names. Report paths are relative to the audit's root with `/`
 * separators already (src/sources/discover.ts: on Windows its separators become `/`; on POSIX a
 * `\` is a character of a name, and a repository can commit `infra\prod\admin.json`), so each
 * segment is percent-encoded as it is: a `\` becomes `%5C`, never a separator that would point the
 * result at another file (`iam\..\src\main.ts.json` is one file at the root, not `src/main.ts.json`).
 */
function uriOf(path: string): string {
  const p = path.replace(/^(\.\/)+/, '');
  if (!inRepository(p)) return OUTSIDE_URI;
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg.replace(LONE_SURROGATE, '\uFFFD'))) // encodeURIComponent throws on them
    .join('/');
}

/**
 * Where a result whose path cannot name a file of the repository points (an absolute path, a `.`,
 * `..` or empty segment, a drive letter: a path named outside the root on the command line, or a
 * hand-made report). Encoding its dots would not do: `%2E%2E` is a `..` segment to a WHATWG URL
 * parser. Code scanning needs a uri, so it is this fixed name, which no path of the report is
 * made into; the path itself stays in the result's `properties.path`, made visible.
 */
export const OUTSIDE_URI = 'outside-the-repository';

function inRepository(path: string): boolean {
  return (
    path !== '' &&
    !/^[A-Za-z]:/.test(path) &&
    path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..') &&
    !path.includes('\0')
  );
}

/** The message, bounded (the JSON report keeps it whole); without one, the kind and the actions described. */
function messageOf(f: Finding): string {
  const info = KIND_INFO[f.kind];
  let base = clipShown(f.message, MAX_MESSAGE_SHOWN);
  if (f.message.trim() === '') {
    const s = shownActions(f);
    const what =
      s.listed && s.count <= MAX_ACTIONS
        ? s.patterns.join(', ')
        : `${countShown(s)}: ${describeShown(s, String)}`;
    base = `${info.title}: ${what}`;
  }
  return escapeSarifText(f.approximate ? `${base} (approximate: ${f.approximate})` : base);
}

function result(f: Finding, ruleIndex: number, catalog: Report['catalog']) {
  const uri = uriOf(f.path);
  const location: Record<string, unknown> = {
    physicalLocation: {
      artifactLocation: { uri },
      region: { startLine: f.line !== undefined && f.line >= 1 ? Math.floor(f.line) : 1 },
    },
  };
  if (f.address)
    location.logicalLocations = [{ fullyQualifiedName: escapeSarifText(f.address), kind: 'resource' }];
  // Data for tools, which some SARIF viewers show: clipped, control and invisible characters made
  // visible (the JSON report keeps every value whole and as written). The actions as the JSON
  // report stores them: the list when short, else `actionSet` (src/report/actions.ts).
  const stored = storedFinding(f, catalog);
  const set = stored.actionSet as { patterns: string[]; except: string[]; count: number } | undefined;
  const properties: Record<string, unknown> = {
    severity: f.severity,
    ...(uri === OUTSIDE_URI ? { path: escapeTerminal(f.path) } : {}),
    policy: escapeTerminal(f.policy),
    ...(set
      ? {
          actionSet: {
            patterns: set.patterns.map((a) => escapeTerminal(a)),
            except: set.except.map((a) => escapeTerminal(a)),
            count: set.count,
          },
        }
      : { actions: f.actions.map((a) => escapeTerminal(a)) }),
    resources: f.resources.map((r) => escapeTerminal(r)),
  };
  if (f.statement !== undefined) properties.statement = escapeTerminal(f.statement);
  if (f.baseline) properties.baseline = escapeTerminal(f.baseline);
  if (f.set) properties.set = escapeTerminal(f.set);
  if (f.new !== undefined) properties.new = f.new;
  if (f.approximate) properties.approximate = escapeTerminal(f.approximate);
  const out: Record<string, unknown> = {
    ruleId: ruleId(f.kind, f.severity),
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: messageOf(f) },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(f) },
    properties,
  };
  if (f.ignored) out.suppressions = [{ kind: 'external', justification: escapeSarifText(f.ignored.reason) }];
  return out;
}

/**
 * A pull request's audit splits a statement's finding into what the change adds (`new`) and what
 * the base had; a push's audit of the same files gives it whole. Code scanning compares a pull
 * request's results with the default branch's by fingerprint, so the split ones would close the
 * push's alert and open others (a dismissal lost), and again once merged. Here they are one result
 * again, as the push's: the actions together, the highest severity, the first line, new.
 */
function unsplit(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) =>
    JSON.stringify([
      f.kind,
      f.path,
      f.address ?? '',
      f.statement ?? '',
      f.set ?? '',
      f.feature ?? '',
      f.choice ?? '',
      f.baseline ?? '',
      f.policy,
      [...f.resources].sort(),
    ]);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    // (ignored ones stay as they are: each carries its own suppression)
    if (f.new === undefined || f.ignored || (f.actionSet && f.actions.length === 0)) continue;
    const k = key(f);
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const merged = new Map<Finding, Finding | null>();
  for (const g of groups.values()) {
    if (g.length < 2 || !g.some((f) => f.new === true) || !g.some((f) => f.new === false)) continue;
    const added = g.filter((f) => f.new === true);
    const had = g.filter((f) => f.new === false);
    const top = [...g].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0]!;
    const lines = g.map((f) => f.line).filter((l): l is number => l !== undefined);
    const one: Finding = {
      ...top,
      actions: [...new Set(g.flatMap((f) => f.actions))].sort(),
      new: true,
      message: `${added.map((f) => f.message).join(' ')} Before this change, already: ${had.map((f) => f.message).join(' ')}`,
    };
    delete one.actionSet;
    if (lines.length) one.line = Math.min(...lines);
    merged.set(g[0]!, one);
    for (const f of g.slice(1)) merged.set(f, null);
  }
  if (merged.size === 0) return [...findings];
  const out: Finding[] = [];
  for (const f of findings) {
    const m = merged.get(f);
    if (m === undefined) out.push(f);
    else if (m !== null) out.push(m);
  }
  return out;
}

/**
 * A finding of an audit run from a subdirectory, its path (and its policy id, which starts with it)
 * from the repository's root; one named outside the root stays as it is (uriOf: OUTSIDE_URI).
 */
function fromRoot(f: Finding, prefix: string): Finding {
  const path = f.path.replace(/^(\.\/)+/, '');
  if (!inRepository(path)) return f;
  const policy = f.policy === path || f.policy.startsWith(`${path}#`) ? `${prefix}/${f.policy}` : f.policy;
  return { ...f, path: `${prefix}/${path}`, policy };
}

export function renderSarif(report: Report, options: SarifOptions = {}): object {
  const prefix = options.pathPrefix?.replace(/^\/+|\/+$/g, '');
  const findings = unsplit(report.findings.filter((f) => !f.removed))
    .map((f) => (prefix ? fromRoot(f, prefix) : f))
    .map((f) => ({ f, fp: findingFingerprint(f) }))
    .sort(
      (a, b) =>
        a.f.path.localeCompare(b.f.path) ||
        (a.f.line ?? 0) - (b.f.line ?? 0) ||
        KIND_ORDER.indexOf(a.f.kind) - KIND_ORDER.indexOf(b.f.kind) ||
        a.fp.localeCompare(b.fp),
    );
  const version = /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined;
  // The rules the results use, by kind then from the most severe.
  const used = new Map<string, { kind: FindingKind; severity: Severity }>();
  for (const { f } of findings) used.set(ruleId(f.kind, f.severity), { kind: f.kind, severity: f.severity });
  const rules = [...used.values()].sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      severityRank(b.severity) - severityRank(a.severity),
  );
  const ruleIndex = new Map(rules.map((r, i) => [ruleId(r.kind, r.severity), i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            ...(version ? { semanticVersion: version } : {}),
            informationUri: options.informationUri ?? DEFAULT_INFORMATION_URI,
            rules: rules.map((r) => rule(r.kind, r.severity)),
          },
        },
        results: findings.map(({ f }) =>
          result(f, ruleIndex.get(ruleId(f.kind, f.severity))!, report.catalog),
        ),
        properties: {
          catalog: report.catalog,
          // Data, but shown by some viewers: through the same escaping as the results' properties.
          baselines: report.baselines.map((b) => ({
            id: escapeTerminal(b.id),
            version: b.version === undefined ? undefined : escapeTerminal(b.version),
            date: b.date === undefined ? undefined : escapeTerminal(b.date),
            sets: b.sets.map((x) => escapeTerminal(x)),
          })),
        },
      },
    ],
  };
}
