// `iam-baseline-audit merge`: the JSON reports of many repositories (each already read and checked
// by parseReportJson) combined into one organisation report: counts by repository, baseline
// (vendor), kind and severity, and every finding kept, tagged with its repository. Rendered as JSON
// (its own documented shape, `schemaVersion` 2: findings stored as the JSON report stores them, a
// long action set as an `actionSet` of patterns), Markdown (short, grouped, fitted to GitHub's
// limits) or text. Pure: no I/O; the CLI reads the files (src/cli-commands.ts).
//
// Counts follow the audit's summary (src/audit/report-model.ts summarize): ignored findings and
// findings a change removed are kept in `findings` but not counted. The verdict follows the audit's
// (src/report/verdict.ts): only excess findings make it fail; informational ones (`missing-permission`)
// are counted and listed, as the audit's summary counts and lists them, but are not excess.
import { decide } from './verdict.js';
import { clipShown, escapeMarkdown as md, escapeTerminal } from '../core/escape.js';
import { SEVERITIES, type Finding, type FindingKind, type Report, type Severity } from '../core/types.js';
import { isExcess, KIND_INFO, KIND_ORDER, leftoverWords, plural, severityRank } from './group.js';
import { COMMENT_LIMIT } from './markdown.js';
import { actionsText, MAX_MESSAGE_SHOWN, shownActions, storedFinding } from './actions.js';

/** 2: findings as the JSON report (schemaVersion 2) stores them (`actionSet` for long action sets). */
export const MERGED_SCHEMA_VERSION = 2;

/** One repository's report, as read, and the name it is shown under. */
export interface MergeInput {
  repository: string;
  report: Report;
}

/** Counts of counted findings (not ignored, not removed). */
export interface MergedCounts {
  findings: number;
  /** The counted findings that are excess (not informational): the audit's verdict and drift issue. */
  excess: number;
  byKind: Partial<Record<FindingKind, number>>;
  bySeverity: Partial<Record<Severity, number>>;
}

export interface MergedRepository extends MergedCounts {
  name: string;
  tool: Report['tool'];
  catalog: Report['catalog'];
  /** Ids of the baselines the repository's audit used. */
  baselines: string[];
  inputs: number;
  policies: number;
  /** Its policies audited (held to a baseline): none, and its report is not a clean one. */
  audited: number;
  /** Every finding of the repository's report, counted or not. */
  total: number;
  byBaseline: Record<string, number>;
}

/** A finding of one repository: the report's finding with the repository's name first. */
export type MergedFinding = { repository: string } & Finding;

export interface MergedReport {
  schemaVersion: typeof MERGED_SCHEMA_VERSION;
  tool: Report['tool'];
  repositories: MergedRepository[];
  /** Repositories named by the caller that gave no report (an audit that failed), in order. */
  missing: string[];
  summary: MergedCounts & {
    repositories: number;
    /** Repositories with at least one excess finding (informational ones alone do not count). */
    withFindings: number;
    /** Every finding kept (the sum of the reports' findings), counted or not. */
    total: number;
    byRepository: Record<string, number>;
    byBaseline: Record<string, number>;
  };
  findings: MergedFinding[];
}

/** Shown for a finding whose baseline neither the finding nor its policy names. */
export const NO_BASELINE = '(no baseline)';

const counted = (f: Finding) => !f.ignored && !f.removed;

// Counted in Maps: a key is a repository's name or a baseline's id, any string (`constructor`,
// `__proto__`), which a plain object would read from or write to its prototype.
function bump<K extends string>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * The counts as a record for the JSON, keys in the Map's order: a record without a prototype, each
 * key its own property (`__proto__` included, which JSON.stringify then writes as any other key).
 */
function recordInOrder<K extends string>(counts: ReadonlyMap<K, number>): Partial<Record<K, number>> {
  const out = Object.create(null) as Partial<Record<K, number>>;
  for (const [k, n] of counts)
    Object.defineProperty(out, k, { value: n, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Keys in a fixed order: severities from the most severe, kinds in report order, others sorted. */
function sortedRecord<K extends string>(
  counts: ReadonlyMap<K, number>,
  order?: readonly K[],
): Partial<Record<K, number>> {
  const keys = [...counts.keys()];
  keys.sort((a, b) => (order ? order.indexOf(a) - order.indexOf(b) : a < b ? -1 : a > b ? 1 : 0));
  return recordInOrder(new Map(keys.map((k) => [k, counts.get(k)!])));
}

const SEVERITY_ORDER = [...SEVERITIES].reverse();

/**
 * Merges the reports in the order given (names must be distinct: the CLI checks). Findings keep
 * their report's order within each repository. `missing`: the repositories without a report,
 * listed as given.
 */
export function mergeReports(
  inputs: readonly MergeInput[],
  tool: Report['tool'],
  missing: readonly string[] = [],
): MergedReport {
  const repositories: MergedRepository[] = [];
  const findings: MergedFinding[] = [];
  const byKind = new Map<FindingKind, number>();
  const bySeverity = new Map<Severity, number>();
  const byRepository = new Map<string, number>();
  const byBaseline = new Map<string, number>();
  let countedTotal = 0;
  let excessTotal = 0;
  for (const { repository, report } of inputs) {
    const policyBaseline = new Map(report.policies.map((p) => [p.id, p.baseline]));
    const repoKind = new Map<FindingKind, number>();
    const repoSeverity = new Map<Severity, number>();
    const repoBaseline = new Map<string, number>();
    let repoCounted = 0;
    let repoExcess = 0;
    for (const f of report.findings) {
      findings.push({ repository, ...f });
      if (!counted(f)) continue;
      const baseline = f.baseline ?? policyBaseline.get(f.policy) ?? NO_BASELINE;
      repoCounted++;
      if (isExcess(f)) repoExcess++;
      bump(repoKind, f.kind);
      bump(repoSeverity, f.severity);
      bump(repoBaseline, baseline);
      bump(byKind, f.kind);
      bump(bySeverity, f.severity);
      bump(byBaseline, baseline);
      countedTotal++;
    }
    byRepository.set(repository, repoCounted);
    excessTotal += repoExcess;
    repositories.push({
      name: repository,
      tool: report.tool,
      catalog: report.catalog,
      baselines: report.baselines.map((b) => b.id),
      inputs: report.inputs.length,
      policies: report.policies.length,
      audited: report.policies.filter((p) => p.status === 'audited').length,
      total: report.findings.length,
      findings: repoCounted,
      excess: repoExcess,
      byKind: sortedRecord(repoKind, KIND_ORDER),
      bySeverity: sortedRecord(repoSeverity, SEVERITY_ORDER),
      byBaseline: sortedRecord(repoBaseline) as Record<string, number>,
    });
  }
  return {
    schemaVersion: MERGED_SCHEMA_VERSION,
    tool,
    repositories,
    missing: [...missing],
    summary: {
      repositories: repositories.length,
      withFindings: repositories.filter((r) => r.excess > 0).length,
      total: findings.length,
      findings: countedTotal,
      excess: excessTotal,
      // In the order given (a Map keeps it; the names are distinct).
      byRepository: recordInOrder(byRepository) as Record<string, number>,
      byBaseline: sortedRecord(byBaseline) as Record<string, number>,
      byKind: sortedRecord(byKind, KIND_ORDER),
      bySeverity: sortedRecord(bySeverity, SEVERITY_ORDER),
    },
    findings,
  };
}

/** Counted findings at or above the threshold (the exit status of `merge --fail-on any`). */
export function mergedFindingsAtOrAbove(merged: MergedReport, threshold: Severity): MergedFinding[] {
  // The one fail rule of the audit and the action (src/report/verdict.ts), with fail-on: any.
  return decide(merged, 'any', threshold).failing as MergedFinding[];
}

/**
 * The merged report as JSON: the keys in the order of the types above, 2-space indentation; each
 * finding as its report's JSON stores it (a long action set as an `actionSet` of patterns, made
 * against the repository's catalog, which must be the bundled one: otherwise the list is kept).
 */
export function renderMergedJson(merged: MergedReport): string {
  const catalogs = new Map(merged.repositories.map((r) => [r.name, r.catalog]));
  const findings = merged.findings.map((f) => {
    const catalog = catalogs.get(f.repository);
    return catalog ? storedFinding(f, catalog) : f;
  });
  return `${JSON.stringify({ ...merged, findings }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Markdown

const SEVERITY_ICON: Record<Severity, string> = {
  critical: '🟥',
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  info: '⚪',
};

function severityCells(c: MergedCounts): string {
  const parts = SEVERITY_ORDER.filter((s) => c.bySeverity[s]).map(
    (s) => `${SEVERITY_ICON[s]} ${c.bySeverity[s]}`,
  );
  return parts.length ? parts.join(' ') : '–';
}

function countsLine(record: Record<string, number | undefined>, label: (k: string) => string): string {
  const parts = Object.entries(record)
    .filter(([, n]) => n)
    .map(([k, n]) => `${label(k)} ${n}`);
  return parts.length ? parts.join(' · ') : '–';
}

/** As the audit's verdict: only excess findings make it ❌; informational ones are a count beside it. */
function mergedVerdict(merged: MergedReport): string {
  const s = merged.summary;
  const repos = plural(s.repositories, 'repository', 'repositories');
  const info = s.findings - s.excess;
  // (a repository whose audit held no policy to a baseline, and found nothing, is not clean)
  const none = merged.repositories.filter((r) => r.audited === 0 && r.total === 0).length;
  if (s.excess > 0)
    return (
      `❌ **${plural(s.excess, 'finding')}** in ${s.withFindings} of ${repos}: permissions beyond the vendor baselines` +
      (info > 0 ? ` (and ${plural(info, 'informational finding')})` : '')
    );
  if (none > 0 && none === s.repositories) return `⚠️ **No IAM policy was audited** in ${repos}`;
  if (none > 0)
    return (
      `⚠️ **No IAM permissions beyond the vendor baselines** in ${repos}, but ${none} of them audited no policy (none was held to a baseline)` +
      (info > 0 ? ` · ${plural(info, 'informational finding')}` : '')
    );
  return (
    `✅ **No IAM permissions beyond the vendor baselines** in ${repos}` +
    (info > 0 ? ` · ${plural(info, 'informational finding')}` : '')
  );
}

function findingLine(f: Finding): string {
  const what =
    shownActions(f).count === 0
      ? md(f.message, 'text')
      : actionsText(
          f,
          (v) => md(v),
          (v) => `**${v}**`,
        );
  const where = md(f.line !== undefined ? `${f.path}:${f.line}` : f.path);
  const baseline = f.baseline ? ` · ${md(f.baseline)}` : '';
  return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** · ${leftoverWords(f, KIND_INFO[f.kind]).title} · ${what}\\\n  ${where}${baseline}`;
}

export interface MergedMarkdownOptions {
  /** The heading; default `IAM baseline audit of N repositories`. */
  title?: string;
  /**
   * Size limit in characters: the Markdown is shorter (default 65,536: fits an issue, a comment and
   * a job summary; less leaves room for what the caller adds, such as an issue's marker).
   */
  maxLength?: number;
}

/** The list of repositories without a report takes at most this share of the limit. */
const MISSING_SHARE = 1 / 4;

/**
 * "No report from": the repositories, one a line, as many as fit in `room` characters, then a count
 * of the others (all of them are in the merged JSON's `missing`). Empty when there is none.
 */
function missingSection(names: readonly string[], room: number): string {
  if (names.length === 0) return '';
  const head = '**No report from:**';
  const more = (n: number) =>
    `**… and ${plural(n, 'more repository', 'more repositories')} without a report: every name is in the merged JSON report (\`missing\`).**`;
  let left = room - head.length - more(names.length).length - 4;
  const lines: string[] = [];
  for (const name of names) {
    const line = `- ${md(name)}`;
    if (line.length + 1 > left) break;
    lines.push(line);
    left -= line.length + 1;
  }
  const rest = names.length - lines.length;
  return [head, lines.join('\n'), rest > 0 ? more(rest) : ''].filter((p) => p !== '').join('\n\n');
}

/**
 * Short and grouped: the verdict, one table of counts with a row per repository, the totals by
 * baseline and kind, then each repository's findings in a collapsed section. Past the size limit,
 * table rows and findings are cut (most findings first is the table's order) with a count of what
 * is left out and a pointer to the merged JSON report, which has everything.
 */
export function renderMergedMarkdown(merged: MergedReport, options: MergedMarkdownOptions = {}): string {
  const limit = options.maxLength ?? COMMENT_LIMIT;
  const s = merged.summary;
  const title =
    options.title ?? `IAM baseline audit of ${plural(s.repositories, 'repository', 'repositories')}`;
  const verdict = mergedVerdict(merged);
  const head = `### ${md(title, 'text')}\n\n${verdict}`;
  const totals = [
    `**By baseline:** ${countsLine(s.byBaseline, (k) => md(k))}`,
    `**By kind:** ${countsLine(s.byKind, (k) => KIND_INFO[k as FindingKind]?.title ?? md(k))}`,
  ].join('\\\n');
  const missing = missingSection(merged.missing, Math.floor(limit * MISSING_SHARE));
  const footer = `<sub>${md(merged.tool.name, 'text')} ${md(merged.tool.version, 'text')} · merged report schema ${merged.schemaVersion}</sub>`;
  const pointer =
    '📄 Shortened to fit GitHub’s limit: every finding is in the merged JSON report (`merge --format json`).';

  // Repositories with the most findings first; ties in the order given.
  const order = merged.repositories
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.findings - a.r.findings || a.i - b.i)
    .map((x) => x.r);
  const rows = order.map(
    (r) =>
      `| ${md(r.name)} | ${r.findings} | ${severityCells(r)} | ${r.audited} of ${r.policies} | ${r.baselines.length ? r.baselines.map((b) => md(b)).join(', ') : '–'} |`,
  );
  const tableHead =
    '| Repository | Findings | By severity | Policies audited | Baselines |\n| --- | ---: | --- | ---: | --- |';
  const byRepo = new Map<string, MergedFinding[]>();
  for (const f of merged.findings) {
    if (!counted(f)) continue;
    const list = byRepo.get(f.repository) ?? [];
    list.push(f);
    byRepo.set(f.repository, list);
  }
  for (const list of byRepo.values())
    list.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));

  const assemble = (parts: string[]) => parts.filter((p) => p !== '').join('\n\n') + '\n';
  // Room for the fixed parts, the pointer and the longest "not shown" lines.
  const fixed =
    assemble([head, tableHead, totals, missing, '#### Findings by repository', pointer, footer]).length +
    2 * `**… and ${s.total} more repositories not shown.**`.length +
    64;
  let budget = limit - 1 - fixed;
  let cut = false;

  const keptRows: string[] = [];
  for (const row of rows) {
    if (row.length + 1 > budget) {
      cut = true;
      break;
    }
    keptRows.push(row);
    budget -= row.length + 1;
  }
  let table = [tableHead, ...keptRows].join('\n');
  if (keptRows.length < rows.length)
    table += `\n\n**… and ${plural(rows.length - keptRows.length, 'more repository', 'more repositories')} not shown.**`;

  const sections: string[] = [];
  let shownRepos = 0;
  const withFindings = order.filter((r) => (byRepo.get(r.name)?.length ?? 0) > 0);
  for (const r of withFindings) {
    const list = byRepo.get(r.name)!;
    const open = `<details>\n<summary>${md(r.name, 'html')} · ${plural(list.length, 'finding')}</summary>\n\n`;
    const close = '\n\n</details>';
    const moreLine = (n: number) => `\n\n**… and ${plural(n, 'more finding')} not shown.**`;
    const overhead = open.length + close.length + moreLine(list.length).length + 2;
    if (cut || overhead > budget) {
      cut = true;
      break;
    }
    const items: string[] = [];
    let room = budget - overhead;
    for (const f of list) {
      const line = findingLine(f);
      if (line.length + 1 > room) {
        cut = true;
        break;
      }
      items.push(line);
      room -= line.length + 1;
    }
    if (items.length === 0) break;
    let body = items.join('\n');
    if (items.length < list.length) body += moreLine(list.length - items.length);
    const section = open + body + close;
    sections.push(section);
    budget -= section.length + 2;
    shownRepos++;
    if (cut) break;
  }
  if (shownRepos < withFindings.length) {
    cut = true;
    sections.push(
      `**… and the findings of ${plural(withFindings.length - shownRepos, 'more repository', 'more repositories')} not shown.**`,
    );
  }
  const findingsPart = sections.length ? `#### Findings by repository\n\n${sections.join('\n\n')}` : '';
  const out = assemble([head, table, totals, missing, findingsPart, cut ? pointer : '', footer]);
  if (out.length < limit) return out;
  // A pathological title: cut hard, on a line boundary.
  let hard = out;
  while (hard.length >= limit) hard = hard.slice(0, Math.floor(hard.length * 0.9));
  return hard.slice(0, hard.lastIndexOf('\n') + 1);
}

// ---------------------------------------------------------------------------------------------
// Text

/** Plain text for a terminal: the counts per repository, then every counted finding, one a line. */
export function renderMergedText(merged: MergedReport): string {
  const s = merged.summary;
  const t = escapeTerminal;
  const info = s.findings - s.excess;
  const lines: string[] = [
    `${plural(s.excess, 'finding')} beyond the vendor baselines in ${s.withFindings} of ${plural(s.repositories, 'repository', 'repositories')}` +
      (info > 0 ? `, and ${plural(info, 'informational finding')}` : '') +
      (s.total > s.findings ? ` (${s.total - s.findings} ignored or removed, not counted)` : ''),
  ];
  const none = merged.repositories.filter((r) => r.audited === 0 && r.total === 0);
  if (none.length)
    lines.push(
      `no policy audited (none was held to a baseline) in ${plural(none.length, 'repository', 'repositories')}: ${none.map((r) => t(r.name)).join(', ')}`,
    );
  const sev = (c: MergedCounts) =>
    SEVERITY_ORDER.filter((x) => c.bySeverity[x])
      .map((x) => `${x} ${c.bySeverity[x]}`)
      .join(', ');
  if (Object.keys(s.byBaseline).length)
    lines.push(
      `by baseline: ${Object.entries(s.byBaseline)
        .map(([k, n]) => `${t(k)} ${n}`)
        .join(', ')}`,
    );
  if (Object.keys(s.byKind).length)
    lines.push(
      `by kind: ${Object.entries(s.byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  if (Object.keys(s.bySeverity).length) lines.push(`by severity: ${sev(s)}`);
  if (merged.missing.length) lines.push(`no report from: ${merged.missing.map(t).join(', ')}`);
  for (const r of merged.repositories) {
    lines.push(
      '',
      `${t(r.name)}: ${plural(r.findings, 'finding')}${r.findings ? ` (${sev(r)})` : ''}, ${plural(r.policies, 'policy', 'policies')}${r.audited === r.policies ? '' : `, ${r.audited === 0 ? 'none' : r.audited} audited`}`,
    );
    for (const f of merged.findings) {
      if (f.repository !== r.name || !counted(f)) continue;
      const where = f.line !== undefined ? `${f.path}:${f.line}` : f.path;
      const what = shownActions(f).count ? actionsText(f, t) : t(clipShown(f.message, MAX_MESSAGE_SHOWN));
      lines.push(`  ${f.severity.padEnd(8)} ${f.kind.padEnd(18)} ${t(where)}  ${what}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
