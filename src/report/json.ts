// The JSON report: a documented contract. Top-level keys in a fixed order (tool, catalog, baselines,
// inputs, policies, findings, suggestions, summary, notes); each record's keys in the order of its
// type in src/core/types.ts, then any others alphabetically; policy documents (suggestions' `minimal`)
// are kept as written. 2-space indentation and a trailing newline. Pure: no I/O.
import type { Report } from '../core/types.js';
import { prettyJsonChunks, type JsonShape } from './json-stream.js';

const ORDER: Record<string, readonly string[]> = {
  report: [
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
    'resources',
    'set',
    'feature',
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
  suggestion: ['policy', 'minimal', 'diff'],
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
  finding: { ignored: 'ignored' },
  suggestion: { minimal: 'verbatim' },
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

function ordered(value: unknown, type: string): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, type));
  if (value === null || typeof value !== 'object' || type === 'verbatim') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keysOf(record, type)) out[k] = ordered(record[k], childType(type, k));
  return out;
}

function withNotes(report: Report): Report {
  return { ...report, notes: report.notes ?? [] };
}

/** The report as one string, which a report over 512 MB does not fit: for tests. The CLI and the action write jsonReportChunks. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(ordered(withNotes(report), 'report'), null, 2)}\n`;
}

/** The report order, applied record by record as the report is written. */
const REPORT_SHAPE: JsonShape = {
  members: (record, type) => keysOf(record, type).map((k) => [k, record[k], childType(type, k)]),
  whole: ordered,
};

/**
 * The bytes of renderJson(report), in chunks made as they are written: the report itself is
 * walked down to its arrays, and each record (a finding, a suggestion...) is one string, so a
 * report larger than the longest string V8 allows (512 MB) is still written.
 */
export function jsonReportChunks(report: Report, options: { chunkSize?: number } = {}): Generator<Buffer> {
  return prettyJsonChunks(withNotes(report), { depth: 2, shape: REPORT_SHAPE, type: 'report', ...options });
}
