// Parses an IAM policy document into statements, accepting the shapes found in the wild:
// `Statement` as an object or an array; each field a string or an array; the wrappers
// `{"PolicyVersion":{"Document":…}}`, `{"document":…}`, `{"PolicyDocument":…}`, and a document
// held as a JSON string, URL-encoded as the AWS API returns it. Never throws: each problem is
// reported with the JSON path of the offending value, and the valid statements are kept.

import { formatJsonPath, type JsonPath } from '../sources/json-lines.js';
import { isObject } from '../sources/parser.js';

/** operator (as written, e.g. `StringEquals`) -> condition key (as written) -> values. */
export type Condition = Record<string, Record<string, string[]>>;

export interface Statement {
  /** 0-based position in the document's Statement list. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principal?: unknown;
  notPrincipal?: unknown;
  condition?: Condition;
  /** JSON path of the statement inside its file. */
  path: JsonPath;
}

export interface PolicyDocument {
  version?: string;
  id?: string;
  statements: Statement[];
}

export interface DocumentProblem {
  path: JsonPath;
  message: string;
}

export function problemPath(p: DocumentProblem): string {
  return formatJsonPath(p.path);
}

export interface ParsedDocument {
  doc?: PolicyDocument;
  /** The document object itself, after unwrapping and decoding (for the minimal-policy diff). */
  raw?: Record<string, unknown>;
  problems: DocumentProblem[];
}

const WRAPPERS = ['PolicyVersion', 'Document', 'document', 'PolicyDocument', 'policyDocument', 'Policy', 'policy'];

function child(path: JsonPath, key: string | number): JsonPath {
  return [...path, key];
}

/** Decodes a policy held as a JSON string (possibly URL-encoded, as `aws iam` returns it). */
export function decodePolicyString(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const trimmed = text.trim();
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (e) {
    if (/^%7B/i.test(trimmed) || trimmed.includes('%22')) {
      try {
        return { ok: true, value: JSON.parse(decodeURIComponent(trimmed.replace(/\+/g, ' '))) };
      } catch {
        // fall through to the original error
      }
    }
    return { ok: false, message: `the policy is a string that is not valid JSON (${(e as Error).message})` };
  }
}

function asStringList(
  v: unknown,
  path: JsonPath,
  field: string,
  problems: DocumentProblem[],
): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string') out.push(item);
      else problems.push({ path: child(path, i), message: `${field} entries must be strings, got ${typeName(item)}` });
    });
    return out;
  }
  problems.push({ path: path, message: `${field} must be a string or an array of strings, got ${typeName(v)}` });
  return undefined;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function parseCondition(v: unknown, path: JsonPath, problems: DocumentProblem[]): Condition | undefined {
  if (!isObject(v)) {
    problems.push({ path: path, message: `Condition must be an object, got ${typeName(v)}` });
    return undefined;
  }
  const out: Condition = {};
  for (const [op, block] of Object.entries(v)) {
    const opPath = child(path, op);
    if (!isObject(block)) {
      problems.push({ path: opPath, message: `condition operator ${op} must map keys to values, got ${typeName(block)}` });
      continue;
    }
    const keys: Record<string, string[]> = {};
    for (const [key, val] of Object.entries(block)) {
      const list = Array.isArray(val) ? val : [val];
      const strs: string[] = [];
      list.forEach((x, i) => {
        if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') strs.push(String(x));
        else
          problems.push({
            path: Array.isArray(val) ? child(child(opPath, key), i) : child(opPath, key),
            message: `condition values must be strings, numbers or booleans, got ${typeName(x)}`,
          });
      });
      keys[key] = strs;
    }
    out[op] = keys;
  }
  return out;
}

function parseStatement(raw: unknown, index: number, path: JsonPath, problems: DocumentProblem[]): Statement | undefined {
  if (!isObject(raw)) {
    problems.push({ path: path, message: `a statement must be an object, got ${typeName(raw)}` });
    return undefined;
  }
  const before = problems.length;
  const s: Partial<Statement> & { index: number; path: JsonPath } = { index, path };
  for (const [key, value] of Object.entries(raw)) {
    const p = child(path, key);
    switch (key) {
      case 'Sid':
        if (typeof value === 'string') s.sid = value;
        else if (typeof value === 'number') s.sid = String(value);
        else problems.push({ path: p, message: `Sid must be a string, got ${typeName(value)}` });
        break;
      case 'Effect':
        if (value === 'Allow' || value === 'Deny') s.effect = value;
        else
          problems.push({
            path: p,
            message: `Effect must be "Allow" or "Deny" (case-sensitive), got ${JSON.stringify(value)?.slice(0, 40)}`,
          });
        break;
      case 'Action':
        s.actions = asStringList(value, p, key, problems);
        break;
      case 'NotAction':
        s.notActions = asStringList(value, p, key, problems);
        break;
      case 'Resource':
        s.resources = asStringList(value, p, key, problems);
        break;
      case 'NotResource':
        s.notResources = asStringList(value, p, key, problems);
        break;
      case 'Principal':
        s.principal = value;
        break;
      case 'NotPrincipal':
        s.notPrincipal = value;
        break;
      case 'Condition':
        s.condition = parseCondition(value, p, problems);
        break;
      default:
        problems.push({ path: p, message: `unknown statement field ${JSON.stringify(key)}` });
    }
  }
  if (!('Effect' in raw)) problems.push({ path: path, message: 'the statement has no Effect' });
  if (s.actions && s.notActions) problems.push({ path: path, message: 'a statement cannot have both Action and NotAction' });
  if (!('Action' in raw) && !('NotAction' in raw))
    problems.push({ path: path, message: 'the statement has neither Action nor NotAction' });
  if (s.resources && s.notResources)
    problems.push({ path: path, message: 'a statement cannot have both Resource and NotResource' });
  if (problems.length > before) {
    // A statement with a broken Effect or action list cannot be audited; one with a stray field can.
    const fatal = problems
      .slice(before)
      .some((pr) => !pr.message.startsWith('unknown statement field') && !pr.message.startsWith('Sid must'));
    if (fatal) return undefined;
  }
  return s as Statement;
}

/**
 * Parses a policy document. `basePath` is the JSON path of `raw` inside its file (`$` for a
 * standalone file), so problems point at the right place.
 */
export function parsePolicyDocument(raw: unknown, basePath: JsonPath = []): ParsedDocument {
  const problems: DocumentProblem[] = [];
  let value = raw;
  let path = basePath;
  for (let depth = 0; depth < 6; depth++) {
    if (typeof value === 'string') {
      const decoded = decodePolicyString(value);
      if (!decoded.ok) return { problems: [{ path: path, message: decoded.message }] };
      value = decoded.value;
      continue;
    }
    if (isObject(value) && !('Statement' in value)) {
      const obj = value;
      const key = WRAPPERS.find((k) => k in obj);
      if (key) {
        value = obj[key];
        path = child(path, key);
        continue;
      }
    }
    break;
  }
  if (!isObject(value)) {
    return { problems: [{ path: path, message: `a policy document must be a JSON object, got ${typeName(value)}` }] };
  }
  if (!('Statement' in value)) {
    return { problems: [{ path: path, message: 'not an IAM policy document: it has no "Statement"' }] };
  }
  const doc: PolicyDocument = { statements: [] };
  for (const [key, v] of Object.entries(value)) {
    const p = child(path, key);
    if (key === 'Version') {
      if (v === '2012-10-17' || v === '2008-10-17') doc.version = v;
      else problems.push({ path: p, message: `Version must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(v)?.slice(0, 40)}` });
    } else if (key === 'Id') {
      if (typeof v === 'string') doc.id = v;
    } else if (key !== 'Statement') {
      problems.push({ path: p, message: `unknown policy field ${JSON.stringify(key)}` });
    }
  }
  const st = value.Statement;
  const stPath = child(path, 'Statement');
  const list = Array.isArray(st) ? st : [st];
  list.forEach((item, i) => {
    const parsed = parseStatement(item, i, Array.isArray(st) ? child(stPath, i) : stPath, problems);
    if (parsed) doc.statements.push(parsed);
  });
  return { doc, raw: value, problems };
}

/** Sid, or `#index`: how a finding names its statement. */
export function statementLabel(s: Pick<Statement, 'sid' | 'index'>): string {
  return s.sid ? s.sid : `#${s.index}`;
}
