// Baselines: the built-in ones (compiled from baselines/*.yml into src/generated/baselines-data.ts
// by scripts/build-baselines.mjs), user-defined ones in a repository (same YAML format), and a
// plain IAM policy JSON file taken as a one-set baseline.
//
// Keys in the YAML files are kebab-case (`default-sets`); the Baseline type is camelCase.
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { bare, parseYamlWithSchema, shown, shownPath } from '../config/yaml-schema.js';
import { clipShown, visibilise } from '../core/escape.js';
import { BUILTIN_BASELINES_JSON } from '../generated/baselines-data.js';
import { validateBaseline } from '../generated/schema-validators.js';
import {
  MAX_DOCUMENT_CHARS,
  MAX_DOCUMENT_DEPTH,
  nestingDepth,
  parsePolicyDocument,
  textSize,
  typeName,
} from '../policy/document.js';
import { isConditionOperator } from '../policy/condition.js';
import { formatJsonPath, locateLines, type JsonPath } from '../core/json-lines.js';
import type {
  Baseline,
  BaselineDetect,
  BaselinePrincipal,
  BaselineSet,
  BaselineTrust,
  SetPolicyKind,
} from '../core/types.js';

/** A baseline as written in YAML (validated against schema/baseline.schema.json). */
interface RawBaseline {
  id?: string;
  name?: string;
  version?: string;
  date?: string;
  sources?: string[];
  'default-sets'?: string[];
  remediation?: string;
  principals?: BaselinePrincipal[];
  notes?: string;
  placeholders?: Record<string, string>;
  detect?: { names?: string[]; accounts?: string[]; 'actions-alone'?: boolean };
  'managed-policies'?: Record<string, string>;
  trust?: { principals: string[]; condition?: Record<string, Record<string, string | string[]>> };
  /** As in the report model: the YAML keys of a set are its field names (but `only-with`, `policy-kinds`). */
  sets: (Omit<BaselineSet, 'onlyWith' | 'policyKinds'> & {
    'only-with'?: string;
    'policy-kinds'?: SetPolicyKind[];
  })[];
}

/** Converts the YAML shape to the Baseline type. `fallbackId` names a file without an `id`. */
function toBaseline(raw: RawBaseline, fallbackId: string): Baseline {
  const sets: BaselineSet[] = raw.sets.map((s) => ({
    name: s.name,
    kind: s.kind,
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(s.remediation !== undefined ? { remediation: s.remediation } : {}),
    ...(s.choice !== undefined ? { choice: s.choice } : {}),
    ...(s['only-with'] !== undefined ? { onlyWith: s['only-with'] } : {}),
    ...(s['policy-kinds'] !== undefined ? { policyKinds: [...new Set(s['policy-kinds'])] } : {}),
    statements: s.statements,
  }));
  const b: Baseline = {
    id: raw.id ?? fallbackId,
    name: raw.name ?? raw.id ?? fallbackId,
    sets,
    defaultSets: raw['default-sets'] ?? [],
  };
  if (raw.version !== undefined) b.version = raw.version;
  if (raw.date !== undefined) b.date = raw.date;
  if (raw.sources !== undefined) b.sources = raw.sources;
  if (raw.placeholders !== undefined) b.placeholders = raw.placeholders;
  if (raw.remediation !== undefined) b.remediation = raw.remediation;
  if (raw.principals !== undefined) b.principals = raw.principals;
  if (raw.notes !== undefined) b.notes = raw.notes;
  if (raw['managed-policies'] !== undefined) b.managedPolicies = raw['managed-policies'];
  if (raw.trust !== undefined) {
    const t: BaselineTrust = { principals: raw.trust.principals };
    if (raw.trust.condition)
      t.condition = Object.fromEntries(
        Object.entries(raw.trust.condition).map(([op, keys]) => [
          op,
          Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
        ]),
      );
    b.trust = t;
  }
  if (raw.detect !== undefined) {
    const d: BaselineDetect = {};
    if (raw.detect.names) d.names = raw.detect.names;
    if (raw.detect.accounts) d.accounts = raw.detect.accounts;
    if (raw.detect['actions-alone'] === false) d.actionsAlone = false;
    b.detect = d;
  }
  return b;
}

let builtins: Baseline[] | undefined;

/** The built-in baselines (latest versions as `vendor`, earlier ones as `vendor@version`), sorted by id. */
export function builtinBaselines(): Baseline[] {
  if (!builtins) {
    const raw = JSON.parse(BUILTIN_BASELINES_JSON) as RawBaseline[];
    builtins = raw.map((r) => toBaseline(r, r.id ?? 'unknown'));
  }
  return builtins.slice();
}

/** Finds a baseline by id, case-insensitively (`coiled`, `Coiled@2022`). */
export function findBaseline(id: string, list: Baseline[]): Baseline | undefined {
  const want = id.trim().toLowerCase();
  return list.find((b) => b.id.toLowerCase() === want);
}

/** The vendor part of an id: `coiled@2022` -> `coiled`. */
export function vendorOf(id: string): string {
  const at = id.indexOf('@');
  return (at < 0 ? id : id.slice(0, at)).toLowerCase();
}

/**
 * A user-defined baseline file (same format as baselines/*.yml; JSON works too). Its id is the
 * file's `id`, or the path when it has none. Throws ConfigError naming the file, the line and
 * what is expected.
 */
export function parseBaselineYaml(text: string, path: string): Baseline {
  const parsed = parseYamlWithSchema(text, path, validateBaseline);
  const raw = parsed.value as RawBaseline;
  const names = new Map<string, number>();
  raw.sets.forEach((s, i) => {
    if (names.has(s.name)) {
      throw new ConfigError(
        `${shownPath(path)}, line ${parsed.lineAt(['sets', i, 'name'])}: duplicate set name ${shown(s.name)} (also sets[${names.get(s.name)}]); expected each set name once: rename or merge one of them`,
      );
    }
    names.set(s.name, i);
  });
  raw.sets.forEach((s, i) => {
    const w = s['only-with'];
    if (w === undefined) return;
    const target = names.has(w) ? raw.sets[names.get(w)!] : undefined;
    if (!target?.choice || w === s.name)
      throw new ConfigError(
        `${shownPath(path)}, line ${parsed.lineAt(['sets', i, 'only-with'])}: only-with "${bare(w)}" is not an alternative of this baseline (a set with a choice; expected one of: ${
          raw.sets
            .filter((x) => x.choice && x.name !== s.name)
            .map((x) => bare(x.name))
            .join(', ') || 'none'
        }): fix the name, or give that set a choice`,
      );
  });
  (raw['default-sets'] ?? []).forEach((n, i) => {
    if (!names.has(n)) {
      throw new ConfigError(
        `${shownPath(path)}, line ${parsed.lineAt(['default-sets', i])}: default set "${bare(n)}" is not a set of this baseline (expected one of: ${[...names.keys()].map(bare).join(', ')}): fix the name or add the set`,
      );
    }
  });
  raw.sets.forEach((s, i) => {
    const problem = setStatementProblem(s.statements, raw.placeholders);
    if (problem)
      throw new ConfigError(
        `${shownPath(path)}, line ${parsed.lineAt(['sets', i, 'statements', ...problem.at], problem.key)}: set ${shown(s.name)}, ${problem.message}`,
      );
  });
  return toBaseline(raw, path);
}

/**
 * The largest set of a baseline read (its file is at most 16 MB): a set that lists every action
 * of a few services is past a policy's limit (MAX_DOCUMENT_CHARS), and is read whole.
 */
export const MAX_BASELINE_SET_CHARS = 16 * 1024 * 1024;

/**
 * A resource that starts with a placeholder, which may stand for the whole ARN: `<bucket-arn>`,
 * `{YOUR_BUCKET}`, a template hole (`${anyscale_s3_bucket_arn}/*`) or a key of `placeholders`.
 */
function startsWithPlaceholder(r: string, placeholders: Record<string, string> | undefined): boolean {
  return (
    /^(<[^<>]+>|\{[A-Z][A-Z0-9_]*\}|\$?\{\{?[^{}<>]+\}?\})/.test(r) ||
    Object.keys(placeholders ?? {}).some((k) => r.startsWith(k))
  );
}

/**
 * The first mistake in a set's statements that would change what the baseline allows without a
 * word (the audit reads a baseline's statements as written, so a typo there turns into findings
 * about the policy): what parsePolicyDocument refuses, a condition operator that is not IAM's, an
 * empty Action or Resource list, an Allow with neither Resource nor NotResource, a resource that
 * is not `*`, an ARN or a placeholder. `at`: its path inside the set's `statements`.
 */
export function setStatementProblem(
  statements: readonly unknown[],
  placeholders?: Record<string, string>,
): { at: (string | number)[]; key?: string; message: string } | undefined {
  const parsed = parsePolicyDocument(
    { Version: '2012-10-17', Statement: statements },
    [],
    MAX_BASELINE_SET_CHARS,
  );
  const first = parsed.problems[0];
  if (first) {
    const [head, ...rest] = first.path;
    return {
      at: head === 'Statement' ? rest : [],
      message: `${first.message.replace(/ \(it was not audited\)$/, '')}`,
    };
  }
  for (const stmt of parsed.doc?.statements ?? []) {
    const at = (...rest: (string | number)[]) => [stmt.index, ...rest];
    for (const op of Object.keys(stmt.condition ?? {}))
      if (!isConditionOperator(op))
        return {
          at: at('Condition'),
          key: op,
          message: `condition operator ${shown(op)} is not an IAM condition operator; expected one such as StringEquals, StringLike, ArnLike, IpAddress, Bool or Null (with IfExists, ForAnyValue: or ForAllValues: where AWS allows them): fix the name`,
        };
    for (const field of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      const list =
        field === 'Action'
          ? stmt.actions
          : field === 'NotAction'
            ? stmt.notActions
            : field === 'Resource'
              ? stmt.resources
              : stmt.notResources;
      if (list && list.length === 0)
        return {
          at: at(field),
          message: `${field} is an empty list, which grants or excludes nothing; expected at least one entry: fill it or remove the statement`,
        };
    }
    if (stmt.effect === 'Allow' && !stmt.resources && !stmt.notResources)
      return {
        at: at(),
        message:
          'an Allow statement has neither Resource nor NotResource; expected the resources the vendor documents ("*" where it documents all): add Resource',
      };
    const resources = [...(stmt.resources ?? []), ...(stmt.notResources ?? [])];
    for (const r of resources) {
      if (r === '*' || startsWithPlaceholder(r, placeholders)) continue;
      const field = stmt.resources?.includes(r) ? 'Resource' : 'NotResource';
      if (!r.startsWith('arn:') || r.split(':').length < 6)
        return {
          at: at(field),
          message: `resource ${shown(r)} is not an ARN; expected "*", arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (e.g. arn:aws:s3:::my-bucket/*) or a placeholder such as {YOUR_BUCKET}: fix it`,
        };
      if (
        (r.match(/\{/g)?.length ?? 0) !== (r.match(/\}/g)?.length ?? 0) ||
        (r.match(/</g)?.length ?? 0) !== (r.match(/>/g)?.length ?? 0)
      )
        return {
          at: at(field),
          message: `resource ${shown(r)} opens a placeholder it does not close; expected {NAME} or <name> as a whole: close it`,
        };
    }
  }
  return undefined;
}

/** The line of a JSON syntax error: from the message's position, else from the YAML parser (a JSON superset). */
function jsonErrorLine(text: string, message: string): number | undefined {
  const pos = /position (\d+)/.exec(message);
  if (pos) return text.slice(0, Number(pos[1])).split('\n').length;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: 'error' });
  const first = doc.errors[0];
  return first ? lineCounter.linePos(first.pos[0]).line : undefined;
}

/**
 * A plain IAM policy JSON file as a one-set baseline: set `policy`, kind ongoing, id = the path.
 * Throws ConfigError (with the line for a syntax error) when it is not a policy document.
 */
export function baselineFromPolicyJson(textIn: string, path: string): Baseline {
  const text = textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn; // a byte-order mark
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = visibilise(clipShown((e as Error).message, 200));
    const line = jsonErrorLine(text, msg);
    throw new ConfigError(
      `${shownPath(path)}${line ? `, line ${line}` : ''}: not valid JSON (${msg}); expected an IAM policy document in JSON, or a baseline YAML file with named sets`,
    );
  }
  const statement = (doc as { Statement?: unknown } | null)?.Statement;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || statement === undefined) {
    throw new ConfigError(
      `${shownPath(path)}, line 1: expected an IAM policy document (an object with "Statement"), got ${typeName(doc)}${typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? ' without "Statement"' : ''}: give a policy JSON or a baseline YAML file with named sets`,
    );
  }
  // Nothing downstream may walk a hostile depth or size.
  if (nestingDepth(doc, MAX_DOCUMENT_DEPTH) > MAX_DOCUMENT_DEPTH)
    throw new ConfigError(
      `${shownPath(path)}, line 1: the policy nests values more than ${MAX_DOCUMENT_DEPTH} levels deep; expected an IAM policy document, a few levels deep`,
    );
  if (textSize(doc, MAX_DOCUMENT_CHARS) > MAX_DOCUMENT_CHARS)
    throw new ConfigError(
      `${shownPath(path)}, line 1: the policy holds more than ${MAX_DOCUMENT_CHARS} characters; expected an IAM policy document AWS accepts (at most 32 KB)`,
    );
  const statements = Array.isArray(statement) ? statement : [statement];
  statements.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      const at: JsonPath = Array.isArray(statement) ? ['Statement', i] : ['Statement'];
      const line = locateLines(text, [at])[0] ?? 1;
      throw new ConfigError(
        `${shownPath(path)}, line ${line}: ${formatJsonPath(at)} must be an object, got ${typeName(s)}; expected {"Effect": "Allow", "Action": ..., "Resource": ...}`,
      );
    }
  });
  const problem = setStatementProblem(statements);
  if (problem) {
    const at: JsonPath = Array.isArray(statement)
      ? ['Statement', ...problem.at]
      : ['Statement', ...problem.at.slice(1)];
    const line = locateLines(text, [problem.key === undefined ? at : [...at, problem.key]])[0] ?? 1;
    throw new ConfigError(`${shownPath(path)}, line ${line}: ${problem.message}`);
  }
  const file = path.split('/').pop() ?? path;
  return {
    id: path,
    name: file,
    sets: [{ name: 'policy', kind: 'ongoing', description: `The statements of ${file}`, statements }],
    defaultSets: ['policy'],
  };
}
