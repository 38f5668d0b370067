// Reads a JSON report written by an earlier run (the fork recipe: a `workflow_run` workflow comments
// the report a `pull_request` workflow uploaded). The file is untrusted: only the fields of the
// documented contract are kept, each checked for its type, and the summary is recomputed, so a
// crafted report can change what is listed (it came from the fork's run anyway) but not how it is
// rendered (everything still goes through the one escaping boundary) nor crash the action.
//
// Both schema versions are read: 1 (no `schemaVersion`: every finding lists its `actions`) and 2
// (src/report/actions.ts: a long action set as `actionSet {patterns, except, count}`, a long diff
// as a note with `diffOmitted`). An `actionSet` is expanded to the full list with the bundled
// catalog when the report names that catalog (and must then expand to `count` actions). A report
// made with another catalog keeps its description as given, in `Finding.actionSet` with empty
// `actions`, and the renderers show its patterns and the report's count: patterns are never
// re-expanded against a catalog other than the one they were made with.
import { summarize } from '../audit/report-model.js';
import {
  SEVERITIES,
  type ActionSet,
  type Finding,
  type Report,
  type ReportPolicy,
  type Severity,
} from '../core/types.js';
import { KIND_ORDER } from '../audit/kinds.js';
import { loadCatalog } from '../policy/catalog.js';
import { expandActionSet } from '../policy/compress.js';
import { isBundledCatalog, REPORT_SCHEMA_VERSION } from './actions.js';

const INPUT_KINDS = [
  'policy',
  'terraform-plan',
  'terraform-state',
  'terraform-json',
  'cloudformation',
  'terraform-hcl',
  'authorization-details',
  'unknown',
] as const;
const POLICY_KINDS = ['identity', 'resource', 'trust'] as const;
const POLICY_STATUS = ['audited', 'unresolved', 'not-matched', 'invalid'] as const;
const INPUT_STATUS = ['audited', 'skipped', 'error'] as const;
/** Bounds that keep a crafted report from costing more than a real one. */
const MAX_ITEMS = 100_000;
const MAX_STRING = 100_000;

export class ReportError extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ReportError(`${where}: expected an object`);
  return v as Obj;
}

function optBool(v: unknown, where: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ReportError(`${where}: expected true or false`);
  return v;
}

function list(v: unknown, where: string): unknown[] {
  if (v === undefined) return [];
  return required(v, where);
}

/**
 * A list every report has (written even when empty): one missing is a report cut short or
 * stripped, not one of nothing (a report without its findings would read as a clean one).
 */
function required(v: unknown, where: string): unknown[] {
  if (v === undefined)
    throw new ReportError(`${where}: missing; every report has it (empty when there is none)`);
  if (!Array.isArray(v)) throw new ReportError(`${where}: expected an array`);
  if (v.length > MAX_ITEMS) throw new ReportError(`${where}: more than ${MAX_ITEMS} entries`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new ReportError(`${where}: expected a string`);
  return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
}

function optStr(v: unknown, where: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, where);
}

function optNum(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ReportError(`${where}: expected a non-negative number`);
  return Math.floor(v);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], where: string): T {
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new ReportError(`${where}: expected one of ${allowed.join(', ')}`);
  return v as T;
}

function strings(v: unknown, where: string): string[] {
  return list(v, where).map((x, i) => str(x, `${where}[${i}]`));
}

function defined<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The patterns schema 2 writes: `*`, `service:*`, `service:Prefix*`, `service:Action`. */
const SET_PATTERN = /^(?:\*|[a-z0-9-]{1,64}:(?:\*|[A-Za-z0-9_-]{1,128}\*?))$/;

function patterns(v: unknown, where: string): string[] {
  return strings(v, where).map((p, i) => {
    if (!SET_PATTERN.test(p))
      throw new ReportError(`${where}[${i}]: expected *, service:*, service:Prefix* or service:Action`);
    return p;
  });
}

/** What a finding's actions are read as: the list (schema 1, or a short set), or from its actionSet. */
interface ReadContext {
  version: number;
  /** The report's catalog is the bundled one: an actionSet is expanded here. */
  bundled: boolean;
  catalogVersion: string;
  /** Expanded sets by their patterns, for this report: findings with the same set share one list. */
  expanded: Map<string, string[]>;
}

function findingActions(f: Obj, where: string, ctx: ReadContext): Pick<Finding, 'actions' | 'actionSet'> {
  if (f.actions !== undefined && f.actionSet !== undefined)
    throw new ReportError(`${where}: both actions and actionSet; a finding gives one of them`);
  if (ctx.version < 2 || f.actions !== undefined || f.actionSet === undefined) {
    // Every finding the tool writes lists its actions (or, from schema 2, gives their set): one
    // without is not read as a finding of no action (its set would be lost in a merge).
    if (f.actions === undefined)
      throw new ReportError(
        `${where}.actions: missing; every finding lists its actions${ctx.version >= 2 ? ' (or gives actionSet)' : ''}`,
      );
    return { actions: strings(f.actions, `${where}.actions`) };
  }
  const w = `${where}.actionSet`;
  const raw = obj(f.actionSet, w);
  const set: ActionSet = {
    patterns: patterns(raw.patterns, `${w}.patterns`),
    except: patterns(raw.except, `${w}.except`),
    count: optNum(raw.count, `${w}.count`) ?? -1,
  };
  if (set.count < 0) throw new ReportError(`${w}.count: expected a non-negative number`);
  if (!ctx.bundled) return { actions: [], actionSet: set };
  // Shared between the findings of the report with the same set (nothing changes a finding's
  // lists): 40,000 NotAction findings hold one list of 22,000 names, not 40,000.
  const key = JSON.stringify([set.patterns, set.except]);
  let actions = ctx.expanded.get(key);
  if (!actions) ctx.expanded.set(key, (actions = expandActionSet(set, loadCatalog()) as string[]));
  if (actions.length !== set.count)
    throw new ReportError(
      `${w}: expands to ${actions.length} actions with catalog ${ctx.catalogVersion}, the report says ${set.count}`,
    );
  return { actions };
}

function finding(v: unknown, where: string, ctx: ReadContext): Finding {
  const f = obj(v, where);
  const ignored = f.ignored === undefined ? undefined : obj(f.ignored, `${where}.ignored`);
  return defined({
    kind: oneOf(f.kind, KIND_ORDER, `${where}.kind`),
    severity: oneOf(f.severity, SEVERITIES as readonly Severity[], `${where}.severity`),
    policy: str(f.policy, `${where}.policy`),
    statement: optStr(f.statement, `${where}.statement`),
    ...findingActions(f, where, ctx),
    resources: strings(f.resources, `${where}.resources`),
    set: optStr(f.set, `${where}.set`),
    feature: optStr(f.feature, `${where}.feature`),
    choice: optStr(f.choice, `${where}.choice`),
    remediation: optStr(f.remediation, `${where}.remediation`),
    baseline: optStr(f.baseline, `${where}.baseline`),
    new: optBool(f.new, `${where}.new`),
    removed: optBool(f.removed, `${where}.removed`) === true ? true : undefined,
    path: str(f.path, `${where}.path`),
    line: optNum(f.line, `${where}.line`),
    address: optStr(f.address, `${where}.address`),
    accessLevels: f.accessLevels === undefined ? undefined : strings(f.accessLevels, `${where}.accessLevels`),
    approximate: optStr(f.approximate, `${where}.approximate`),
    ignored: ignored
      ? defined({
          reason: str(ignored.reason, `${where}.ignored.reason`),
          expires: optStr(ignored.expires, `${where}.ignored.expires`),
        })
      : undefined,
    message: str(f.message, `${where}.message`),
  }) as Finding;
}

/** Parses and checks a JSON report; throws ReportError naming the JSON path and what was expected. */
export function parseReportJson(text: string): Report {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ReportError(`not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
  const r = obj(raw, '$');
  const version = r.schemaVersion === undefined ? 1 : r.schemaVersion;
  if (version !== 1 && version !== REPORT_SCHEMA_VERSION)
    throw new ReportError(
      `$.schemaVersion: ${JSON.stringify(version)?.slice(0, 40)} is not one this version reads (1 or ${REPORT_SCHEMA_VERSION}): update the action`,
    );
  const tool = obj(r.tool, '$.tool');
  const catalog = obj(r.catalog, '$.catalog');
  const reportCatalog = {
    source: str(catalog.source, '$.catalog.source'),
    version: str(catalog.version, '$.catalog.version'),
  };
  const ctx: ReadContext = {
    version,
    bundled: isBundledCatalog(reportCatalog),
    catalogVersion: reportCatalog.version,
    expanded: new Map(),
  };
  const report: Report = {
    tool: { name: str(tool.name, '$.tool.name'), version: str(tool.version, '$.tool.version') },
    catalog: reportCatalog,
    baselines: required(r.baselines, '$.baselines').map((v, i) => {
      const b = obj(v, `$.baselines[${i}]`);
      const w = `$.baselines[${i}]`;
      return defined({
        id: str(b.id, `${w}.id`),
        name: str(b.name, `${w}.name`),
        version: optStr(b.version, `${w}.version`),
        date: optStr(b.date, `${w}.date`),
        sets: strings(b.sets, `${w}.sets`),
        remediation: optStr(b.remediation, `${w}.remediation`),
        sources: b.sources === undefined ? undefined : strings(b.sources, `${w}.sources`),
      }) as Report['baselines'][number];
    }),
    inputs: required(r.inputs, '$.inputs').map((v, i) => {
      const x = obj(v, `$.inputs[${i}]`);
      const w = `$.inputs[${i}]`;
      return defined({
        path: str(x.path, `${w}.path`),
        kind: oneOf(x.kind, INPUT_KINDS, `${w}.kind`),
        status: oneOf(x.status, INPUT_STATUS, `${w}.status`),
        reason: optStr(x.reason, `${w}.reason`),
        policies: strings(x.policies, `${w}.policies`),
      }) as Report['inputs'][number];
    }),
    policies: required(r.policies, '$.policies').map((v, i) => {
      const p = obj(v, `$.policies[${i}]`);
      const w = `$.policies[${i}]`;
      const d = p.detection === undefined ? undefined : obj(p.detection, `${w}.detection`);
      return defined({
        id: str(p.id, `${w}.id`),
        path: str(p.path, `${w}.path`),
        line: optNum(p.line, `${w}.line`),
        address: optStr(p.address, `${w}.address`),
        kind: oneOf(p.kind, POLICY_KINDS, `${w}.kind`),
        baseline: optStr(p.baseline, `${w}.baseline`),
        sets: p.sets === undefined ? undefined : strings(p.sets, `${w}.sets`),
        features: p.features === undefined ? undefined : strings(p.features, `${w}.features`),
        status: oneOf(p.status, POLICY_STATUS, `${w}.status`),
        reason: optStr(p.reason, `${w}.reason`),
        detection: d
          ? {
              baseline: str(d.baseline, `${w}.detection.baseline`),
              confidence:
                typeof d.confidence === 'number' && Number.isFinite(d.confidence)
                  ? Math.min(1, Math.max(0, d.confidence))
                  : 0,
              evidence: strings(d.evidence, `${w}.detection.evidence`),
            }
          : undefined,
      }) as ReportPolicy;
    }),
    findings: required(r.findings, '$.findings').map((v, i) => finding(v, `$.findings[${i}]`, ctx)),
    suggestions: required(r.suggestions, '$.suggestions').map((v, i) => {
      const w = `$.suggestions[${i}]`;
      const s = obj(v, w);
      const omitted =
        version >= 2 && s.diffOmitted !== undefined ? obj(s.diffOmitted, `${w}.diffOmitted`) : undefined;
      return defined({
        policy: str(s.policy, `${w}.policy`),
        minimal: s.minimal ?? null,
        diff: str(s.diff, `${w}.diff`),
        diffOmitted: omitted
          ? {
              lines: optNum(omitted.lines, `${w}.diffOmitted.lines`) ?? 0,
              bytes: optNum(omitted.bytes, `${w}.diffOmitted.bytes`) ?? 0,
            }
          : undefined,
        approximate: s.approximate === undefined ? undefined : strings(s.approximate, `${w}.approximate`),
      }) as Report['suggestions'][number];
    }),
    summary: { inputs: 0, policies: 0, findings: 0, byKind: {}, bySeverity: {} },
  };
  const notes = strings(r.notes, '$.notes');
  if (notes.length) report.notes = notes;
  report.summary = summarize(report);
  return report;
}
