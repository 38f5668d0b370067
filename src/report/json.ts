// The JSON report: a documented contract. Top-level keys in a fixed order (tool, catalog, baselines,
// inputs, policies, findings, suggestions, summary, notes); each record's keys in the order of its
// type in src/types.ts, then any others alphabetically; policy documents (suggestions' `minimal`)
// are kept as written. 2-space indentation and a trailing newline. Pure: no I/O.
import type { Report } from '../types.js';

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
  policy: ['id', 'path', 'line', 'address', 'kind', 'baseline', 'sets', 'status', 'reason', 'detection'],
  detection: ['baseline', 'confidence', 'evidence'],
  finding: [
    'kind',
    'severity',
    'policy',
    'statement',
    'actions',
    'resources',
    'set',
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

function ordered(value: unknown, type: string): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, type));
  if (value === null || typeof value !== 'object' || type === 'verbatim') return value;
  const record = value as Record<string, unknown>;
  const known = ORDER[type] ?? [];
  const keys = [
    ...known.filter((k) => k in record),
    ...Object.keys(record)
      .filter((k) => !known.includes(k))
      .sort(),
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = ordered(record[k], CHILD[type]?.[k] ?? `${type}.${k}`);
  return out;
}

export function renderJson(report: Report): string {
  const withNotes = { ...report, notes: report.notes ?? [] };
  return `${JSON.stringify(ordered(withNotes, 'report'), null, 2)}\n`;
}
