// The JSON report: a documented contract (README, "The JSON report"), `schemaVersion` 2. Top-level
// keys in a fixed order (schemaVersion, tool, catalog, baselines, inputs, policies, findings,
// suggestions, summary, notes); each record's keys in the order of its type in src/core/types.ts,
// then any others alphabetically; policy documents (suggestions' `minimal`) are kept as written.
// Compact and exact (src/report/actions.ts): a finding with more than 50 actions gives them as an
// `actionSet` of patterns, and a suggestion's diff over 2,000 lines or 200 KB is summarised.
// 2-space indentation and a trailing newline. Pure: no I/O.
import type { Finding, Report, Suggestion } from '../core/types.js';
import { REPORT_SCHEMA_VERSION, requireSuggestions, storedFinding, storedSuggestion } from './actions.js';
import { prettyJsonChunks, type JsonShape } from './json-stream.js';

const ORDER: Record<string, readonly string[]> = {
  report: [
    'schemaVersion',
    'tool',
    'catalog',
    'baselines',
    'inputs',
    'policies',
    'findings',
    'suggestions',
    'summary',
    'notes',
  ],
  tool: ['name', 'version'],
  catalog: ['source', 'version'],
  baseline: ['id', 'name', 'version', 'date', 'sets', 'remediation', 'sources'],
  input: ['path', 'kind', 'status', 'reason', 'policies'],
  policy: [
    'id',
    'path',
    'line',
    'address',
    'kind',
    'baseline',
    'sets',
    'features',
    'status',
    'reason',
    'detection',
  ],
  detection: ['baseline', 'confidence', 'evidence'],
  finding: [
    'kind',
    'severity',
    'policy',
    'statement',
    'actions',
    'actionSet',
    'resources',
    'set',
    'feature',
    'choice',
    'remediation',
    'baseline',
    'new',
    'removed',
    'path',
    'line',
    'address',
    'accessLevels',
    'approximate',
    'ignored',
    'message',
  ],
  ignored: ['reason', 'expires'],
  actionSet: ['patterns', 'except', 'count'],
  suggestion: ['policy', 'minimal', 'diff', 'diffOmitted', 'approximate'],
  diffOmitted: ['lines', 'bytes'],
  summary: ['inputs', 'policies', 'findings', 'byKind', 'bySeverity'],
};

/** What each key of a record holds: the record type of its value (arrays: of their items). */
const CHILD: Record<string, Record<string, string>> = {
  report: {
    tool: 'tool',
    catalog: 'catalog',
    baselines: 'baseline',
    inputs: 'input',
    policies: 'policy',
    findings: 'finding',
    suggestions: 'suggestion',
    summary: 'summary',
  },
  policy: { detection: 'detection' },
  finding: { ignored: 'ignored', actionSet: 'actionSet' },
  suggestion: { minimal: 'verbatim', diffOmitted: 'diffOmitted' },
};

/** A record's keys in report order: those of its type first, in that order, then the others sorted. */
function keysOf(record: Record<string, unknown>, type: string): string[] {
  if (type === 'verbatim') return Object.keys(record);
  const known = ORDER[type] ?? [];
  return [
    ...known.filter((k) => k in record),
    ...Object.keys(record)
      .filter((k) => !known.includes(k))
      .sort(),
  ];
}

const childType = (type: string, key: string) =>
  type === 'verbatim' ? type : (CHILD[type]?.[key] ?? `${type}.${key}`);

function ordered(value: unknown, type: string, catalog?: Report['catalog']): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, type, catalog));
  if (value === null || typeof value !== 'object' || type === 'verbatim') return value;
  let record = value as Record<string, unknown>;
  // The compact forms (src/report/actions.ts), applied record by record as they are written.
  if (type === 'finding' && catalog) record = storedFinding(record as unknown as Finding, catalog);
  else if (type === 'suggestion') record = storedSuggestion(record as unknown as Suggestion);
  const out: Record<string, unknown> = {};
  for (const k of keysOf(record, type)) out[k] = ordered(record[k], childType(type, k), catalog);
  return out;
}

/** The report as written: with its schema version and notes (empty when none). */
function withNotes(report: Report): Report & { schemaVersion: number } {
  requireSuggestions(report, 'a JSON');
  return { schemaVersion: REPORT_SCHEMA_VERSION, ...report, notes: report.notes ?? [] };
}

/** The report as one string, which a report over 512 MB does not fit: for tests. The CLI and the action write jsonReportChunks. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(ordered(withNotes(report), 'report', report.catalog), null, 2)}\n`;
}

/** The report order, applied record by record as the report is written. */
function reportShape(catalog: Report['catalog']): JsonShape {
  return {
    members: (record, type) => keysOf(record, type).map((k) => [k, record[k], childType(type, k)]),
    whole: (value, type) => ordered(value, type, catalog),
  };
}

/**
 * The bytes of renderJson(report), in chunks made as they are written: the report itself is
 * walked down to its arrays, and each record (a finding, a suggestion...) is one string, so a
 * report larger than the longest string V8 allows (512 MB) is still written.
 */
export function jsonReportChunks(
  report: Report,
  options: { chunkSize?: number; inert?: boolean } = {},
): Generator<Buffer> {
  return prettyJsonChunks(withNotes(report), {
    depth: 2,
    shape: reportShape(report.catalog),
    type: 'report',
    ...options,
  });
}
