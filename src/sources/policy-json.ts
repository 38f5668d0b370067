// Standalone IAM policy documents (`*.json`), including the wrappers the AWS CLI prints
// (`{"PolicyVersion":{"Document":…}}`, `{"Policy":…}`) and documents held as (URL-encoded) strings.
import { oneEditApart } from '../core/natural.js';
import type { PolicyRecord, SourceError } from '../core/types.js';
import { duplicateKeyMessage, duplicateKeys, unreadableDocument } from '../policy/document.js';
import { formatJsonPath, locateLines } from '../core/json-lines.js';
import { findPolicyDocument, heldDocument, policyKindOf } from '../policy/raw.js';
import type { SourceParser } from './parser.js';
import { clip, interpolationsNote, list } from './terraform/values.js';

/**
 * A `${...}` that IAM reads as a policy variable: a key with a service prefix (`aws:username`,
 * `aws:PrincipalTag/team`, `s3:prefix`, `www.amazon.com:user_id`; a default value after a comma
 * allowed), or `${*}`, `${?}`, `${$}`. Any other (`${aws_iam_role.x.arn}`, `${bucket}`,
 * `${AWS::AccountId}`) is a template's.
 */
const IAM_VARIABLE = /^\$\{\s*(?:[*?$]|[\w.-]+:(?!:)[^}]*)\}$/;
const TEMPLATE_MARK = /\$\{(?:[^{}]|\{[^{}]*\})*\}|%\{[^}]*\}/g;
/** Distinct marks collected at the most (a note names eight). */
const MAX_MARKS = 1000;

/**
 * The template syntax in a policy's text: interpolations that are not IAM policy variables
 * (Terraform's `${aws_iam_role.x.arn}`, a `templatefile()` input's `${bucket}`) and directives
 * (`%{ if … }`), each distinct one once, in order of first use.
 */
export function templateMarks(text: string): { interpolations: string[]; directives: string[] } {
  const interpolations = new Set<string>();
  const directives = new Set<string>();
  if (text.includes('${') || text.includes('%{'))
    for (const m of text.matchAll(TEMPLATE_MARK)) {
      const raw = m[0];
      if (raw[0] === '%') directives.add(raw);
      else if (!IAM_VARIABLE.test(raw)) interpolations.add(raw);
      if (interpolations.size + directives.size >= MAX_MARKS) break;
    }
  return { interpolations: [...interpolations], directives: [...directives] };
}

/**
 * Whether a text that is not valid JSON could be, its template's interpolations rendered: each
 * written as `0` (a value, or a string's characters), or as nothing (members or statements it
 * inserts, `"Condition": { ${conditions} }`, `${more_statements}` with its own comma). A text that
 * is neither is not JSON for another reason (a trailing comma): broken JSON, not a template (a
 * review: CloudZero's old policy was skipped as a template whose rendering no value could mend). A
 * text with directives (`%{ if … }`) is not tried: what they render is not known.
 */
export function jsonOnceRendered(text: string, marks: { directives: string[] }): boolean {
  if (marks.directives.length) return true;
  for (const value of ['0', '']) {
    try {
      JSON.parse(text.replace(TEMPLATE_MARK, value));
      return true;
    } catch {
      // (the next rendering)
    }
  }
  return false;
}

/** What a file with template syntax is, in a skip reason: `a template (${bucket}, %{ if x })`. */
export function templateText(marks: { interpolations: string[]; directives: string[] }): string {
  return `a template (${list(
    [...marks.directives, ...marks.interpolations].map((x) => clip(x, 40)),
    3,
  )})`;
}

/**
 * The `approximate` notes of a policy text with template syntax: its interpolations stand for
 * values that are not known (read as IAM reads an unknown `${...}`: any value), its directives are
 * not evaluated (read as the literal text they are).
 */
function templateNotes(text: string): string[] | undefined {
  const { interpolations, directives } = templateMarks(text);
  if (interpolations.length === 0 && directives.length === 0) return undefined;
  const notes: string[] = [];
  if (interpolations.length) notes.push(`a template: ${interpolationsNote(interpolations)}`);
  if (directives.length)
    notes.push(
      `template directives not evaluated: ${list(
        directives.map((x) => clip(x)),
        8,
      )}`,
    );
  return notes;
}

/** The keys of an IAM statement (compared without case: `"effect"` is a policy's mistake). */
const STATEMENT_KEYS = new Set([
  'sid',
  'effect',
  'action',
  'notaction',
  'resource',
  'notresource',
  'principal',
  'notprincipal',
  'condition',
]);

/** An action as a statement's entry would be written (`s3:GetObject`, `ec2:*`, `*`). */
const ACTION_TEXT = /^(\*|[\w-]+:[\w*?]+)$/;

/**
 * Whether a document with a `Statement` is an IAM policy's: a `Version`, no statement, a template's
 * text, or a statement that reads as one (an object with a key of an IAM statement, or one a letter
 * away: `Efect`, `Actions`; a list of them, a missing flatten; an action's text). Other JSON with a
 * `Statement` (a rule engine's data, `{"Statement": "a SQL statement"}`) is not IAM: skipped, never
 * an invalid policy (a review found four findings made of one such file). A policy with mistakes
 * is still read, and its mistakes reported.
 */
function readsAsIam(doc: Record<string, unknown>): boolean {
  if ('Version' in doc) return true;
  const st = doc.Statement;
  const list = Array.isArray(st) ? st : [st];
  if (list.length === 0) return true;
  const reads = (x: unknown, depth = 0): boolean => {
    if (typeof x === 'string') return x.includes('${') || ACTION_TEXT.test(x.trim());
    if (Array.isArray(x)) return depth < 2 && x.some((y) => reads(y, depth + 1));
    if (typeof x !== 'object' || x === null) return false;
    return Object.keys(x).some((k) => {
      const key = k.toLowerCase();
      // (near only to the long keys: `Id` is not a misspelt `Sid`)
      return (
        STATEMENT_KEYS.has(key) ||
        (key.length >= 5 && [...STATEMENT_KEYS].some((s) => s.length >= 6 && oneEditApart(key, s)))
      );
    });
  };
  return list.some((x) => reads(x));
}

/** A policy's top-level element names, by their lower case. */
const POLICY_KEYS = new Map([
  ['version', 'Version'],
  ['statement', 'Statement'],
  ['id', 'Id'],
]);

/**
 * What is wrong with a document that would be an IAM policy but for the case of its element names
 * (`{"version": …, "statement": [{"effect": …}]}`): IAM's element names are case-sensitive, and AWS
 * rejects it. Undefined for any other document (no `statement` of statements that read as IAM's).
 * Reported as the file's error, not skipped as "not an IAM policy" (a review found one so skipped).
 */
export function miscasedPolicy(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || 'Statement' in json)
    return undefined;
  const doc = json as Record<string, unknown>;
  const key = Object.keys(doc).find((k) => k.toLowerCase() === 'statement');
  if (key === undefined) return undefined;
  const st = doc[key];
  if ((Array.isArray(st) && st.length === 0) || !readsAsIam({ Statement: st })) return undefined;
  const wrong = Object.keys(doc).filter(
    (k) => POLICY_KEYS.has(k.toLowerCase()) && POLICY_KEYS.get(k.toLowerCase()) !== k,
  );
  return `IAM element names are case-sensitive: ${wrong
    .slice(0, 3)
    .map((k) => `"${k}" must be "${POLICY_KEYS.get(k.toLowerCase())}"`)
    .join(
      ', ',
    )} (and so must each statement's: "Effect", "Action", "Resource"); AWS rejects the policy as written`;
}

export const policyJsonParser: SourceParser = {
  kind: 'policy',
  detect(json) {
    const doc = findPolicyDocument(json);
    return doc !== undefined && readsAsIam(doc);
  },
  parse(file, json) {
    const doc = findPolicyDocument(json);
    const record: PolicyRecord = {
      id: file.path,
      path: file.path,
      line: 1,
      // The kind from the statements themselves, also when the wrapper holds them as JSON text.
      kind: policyKindOf(heldDocument(json) ?? doc),
      name: file.path.replace(/^.*\//, '').replace(/\.json$/i, ''),
      document: json,
      status: 'resolved',
    };
    // A template (a templatefile() input, a file a tool renders): its findings are approximate.
    const approximate = templateNotes(file.text);
    if (approximate) record.approximate = approximate;
    // Nested deeper than any policy can be: not handed on (nothing downstream walks a hostile depth).
    const deep = unreadableDocument(json);
    if (deep) {
      record.status = 'unresolved';
      delete record.document;
      record.reason = deep;
      return {
        path: file.path,
        kind: 'policy',
        status: 'error',
        reason: deep,
        policies: [record],
        errors: [{ path: file.path, line: 1, jsonPath: '$', message: deep }],
      };
    }
    // The same key twice in an object: flagged (JSON.parse silently keeps the last).
    const dups = duplicateKeys(file.text);
    const lines =
      dups.length > 0
        ? locateLines(
            file.text,
            dups.map((d) => d.path),
            json,
          )
        : [];
    const errors: SourceError[] = dups.map((d, i) => {
      const e: SourceError = {
        path: file.path,
        jsonPath: formatJsonPath(d.path),
        message: duplicateKeyMessage(d.key),
      };
      if (lines[i] !== undefined) e.line = lines[i];
      return e;
    });
    return { path: file.path, kind: 'policy', status: 'audited', policies: [record], errors };
  },
};
