// Rewriting policies written in Terraform's HCL (`.tf`), located with tree-sitter's byte ranges:
// `policy = jsonencode({...})` (the object read as `yaml` nodes, so the JSON/YAML editor rewrites
// it in HCL style), `policy = <<EOF ... EOF` heredoc JSON (the JSON editor on the heredoc's text),
// and `data "aws_iam_policy_document"` blocks (`statement { actions = [...] resources = [...] }`),
// in the same file. The module is evaluated again with the rewritten text and must read back as
// the minimal policy with every other policy unchanged (verify).
import { Pair, Scalar, YAMLMap, YAMLSeq, isSeq, type Node as YNode } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { posix } from 'node:path';
import type { InputResult, PolicyRecord, Report, Suggestion } from '../core/types.js';
import { isObject, parseJson } from '../core/json-lines.js';
import { clipShown } from '../core/escape.js';
import { parsePolicyDocument } from '../policy/document.js';
import { statementsOf } from '../policy/raw.js';
import { hclReady, readHclModules } from '../sources/hcl/index.js';
import { kids, parseHcl, type Node } from '../sources/hcl/parse.js';
import type { ModuleHost } from '../sources/hcl/module.js';
import { shortText } from '../sources/hcl/values.js';
import { alignStatements, type StatementFate } from './align.js';
import {
  applyEdits,
  hclString,
  pairOf,
  parseNodes,
  removalEdits,
  statementListEdits,
  Unfixable,
  ownLines,
  withoutComments,
  writeStringList,
  type Edit,
} from './edit.js';
import type { FileFixer } from './index.js';
import { verifyRecords } from './index.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// ---------------------------------------------------------------------------------------------
// tree-sitter -> yaml nodes (literal values; anything else is a tagged `!expr` scalar)

function unescapeHcl(s: string): string {
  return s.replace(
    /\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/gs,
    (m: string, e: string | undefined) => {
      if (m === '$${') return '${';
      if (m === '%%{') return '%{';
      const c = e![0]!;
      if (c === 'n') return '\n';
      if (c === 't') return '\t';
      if (c === 'r') return '\r';
      if (c === 'u' || c === 'U') return String.fromCodePoint(parseInt(e!.slice(1), 16));
      return e!;
    },
  );
}

function ranged<T extends YNode>(node: T, n: Node): T {
  node.range = [n.startIndex, n.endIndex, n.endIndex];
  return node;
}

function expr(n: Node): YNode {
  const s = new Scalar(n.text);
  s.tag = '!expr';
  return ranged(s, n);
}

/** Unwraps `expression`, `collection_value`, `literal_value` wrappers. */
function inner(n: Node): Node {
  let cur = n;
  while (['expression', 'collection_value', 'literal_value'].includes(cur.type)) {
    const k = kids(cur);
    if (k.length !== 1) break;
    cur = k[0]!;
  }
  return cur;
}

/** A quoted string without interpolations, as a scalar; else undefined. */
function literalString(n: Node): Scalar | undefined {
  if (n.type !== 'string_lit') return undefined;
  const parts = kids(n);
  if (
    parts.some((p) => !['quoted_template_start', 'quoted_template_end', 'template_literal'].includes(p.type))
  )
    return undefined;
  const lit = parts.find((p) => p.type === 'template_literal');
  const s = new Scalar(unescapeHcl(lit?.text ?? ''));
  s.type = 'QUOTE_DOUBLE';
  return ranged(s, n);
}

export function toYaml(node: Node): YNode {
  const n = inner(node);
  if (n.type === 'object') {
    const map = ranged(new YAMLMap(), n);
    map.flow = true;
    for (const el of kids(n).filter((k) => k.type === 'object_elem')) {
      const [k, v] = kids(el);
      if (!k || !v) return expr(n);
      const kn = inner(k);
      let key: YNode;
      if (kn.type === 'variable_expr' && IDENT.test(kn.text)) {
        const s = new Scalar(kn.text);
        s.type = 'PLAIN';
        key = ranged(s, kn);
      } else key = literalString(kn) ?? expr(kn);
      map.items.push(new Pair(key, toYaml(v)));
    }
    return map;
  }
  if (n.type === 'tuple') {
    const seq = ranged(new YAMLSeq(), n);
    seq.flow = true;
    for (const el of kids(n))
      if (el.type !== 'tuple_start' && el.type !== 'tuple_end') seq.items.push(toYaml(el));
    return seq;
  }
  if (n.type === 'string_lit') return literalString(n) ?? expr(n);
  if (n.type === 'numeric_lit') return ranged(new Scalar(Number(n.text)), n);
  if (n.type === 'bool_lit') return ranged(new Scalar(n.text === 'true'), n);
  if (n.type === 'null_lit') return ranged(new Scalar(null), n);
  return expr(n);
}

// ---------------------------------------------------------------------------------------------
// Locating a policy's block and attribute

function labels(block: Node): string[] {
  return kids(block)
    .filter((k) => k.type === 'string_lit' || k.type === 'identifier')
    .slice(1)
    .map((k) => (k.type === 'string_lit' ? unescapeHcl(k.text.slice(1, -1)) : k.text));
}

function blockType(block: Node): string {
  return kids(block)[0]?.text ?? '';
}

function bodyOf(block: Node): Node | undefined {
  return kids(block).find((k) => k.type === 'body');
}

function findBlock(root: Node, type: string, want: string[]): Node | undefined {
  const body = kids(root).find((k) => k.type === 'body');
  if (!body) return undefined;
  const found = kids(body).filter(
    (b) => b.type === 'block' && blockType(b) === type && isDeepStrictEqual(labels(b), want),
  );
  return found.length === 1 ? found[0] : undefined;
}

function attribute(body: Node, name: string): Node | undefined {
  return kids(body).find((a) => a.type === 'attribute' && kids(a)[0]?.text === name);
}

function attrValue(attr: Node): Node {
  return kids(attr)[kids(attr).length - 1]!;
}

/** `module.a.aws_iam_policy.p["k"]` -> the block's kind, type and name; indexes reported. */
function parseAddress(
  address: string,
): { mode: 'resource' | 'data'; type: string; name: string; indexed: boolean } | undefined {
  const m = /^(?:module\.[^.[]+(?:\[[^\]]*\])?\.)*(data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(\[.*\])?$/.exec(
    address,
  );
  if (!m) return undefined;
  return { mode: m[1] ? 'data' : 'resource', type: m[2]!, name: m[3]!, indexed: m[4] !== undefined };
}

// ---------------------------------------------------------------------------------------------

function originalsOf(record: PolicyRecord): Record<string, unknown>[] {
  const parsed = parsePolicyDocument(record.document);
  if (!parsed.raw) throw new Unfixable('the policy document could not be read');
  return statementsOf(parsed.raw) as Record<string, unknown>[];
}

function minimalOf(s: Suggestion): Record<string, unknown>[] {
  return statementsOf(s.minimal) as Record<string, unknown>[];
}

/** Edits for a `jsonencode({...})` document. */
function jsonencodeEdits(
  text: string,
  call: Node,
  originals: Record<string, unknown>[],
  minimal: Record<string, unknown>[],
): Edit[] {
  const args = kids(call).find((k) => k.type === 'function_arguments');
  const argList = args ? kids(args) : [];
  if (argList.length !== 1) throw new Unfixable('jsonencode(...) does not have one argument');
  const doc = toYaml(argList[0]!);
  if (!(doc instanceof YAMLMap)) throw new Unfixable('jsonencode(...) is not given an object literal');
  const st = pairOf(doc, 'Statement');
  if (!st || !st.value) throw new Unfixable('the jsonencode object has no literal Statement');
  const list = st.value as YNode;
  if (isSeq(list) && list.items.length !== originals.length)
    throw new Unfixable('the statements as written are not those the audit read');
  const fates = alignStatements(originals, minimal);
  if (!fates)
    throw new Unfixable(
      'the minimal policy could not be matched statement by statement with the policy as written',
    );
  return statementListEdits(text, true, list, originals, fates, false, true);
}

/** Edits for a heredoc holding JSON (`<<EOF` / `<<-EOF`). */
function heredocEdits(
  text: string,
  heredoc: Node,
  originals: Record<string, unknown>[],
  minimal: Record<string, unknown>[],
): Edit[] {
  const parts = kids(heredoc);
  const open = parts.find((p) => p.type === 'heredoc_identifier');
  const close = [...parts].reverse().find((p) => p.type === 'heredoc_identifier');
  if (!open || !close || open === close) throw new Unfixable('the heredoc could not be read');
  if (
    parts.some(
      (p) => p.type !== 'heredoc_start' && p.type !== 'heredoc_identifier' && p.type !== 'template_literal',
    )
  )
    throw new Unfixable(
      'the heredoc holds interpolations or directives (${...}, %{...}): it is not a literal document',
    );
  const nl = text.indexOf('\n', open.endIndex);
  const from = nl < 0 ? open.endIndex : nl + 1;
  const to = text.lastIndexOf('\n', close.startIndex - 1) + 1;
  const body = text.slice(from, to);
  if (!parseJson(body).ok) throw new Unfixable('the heredoc is not JSON');
  const doc = parseNodes(body);
  if (doc.errors.length) throw new Unfixable('the heredoc JSON could not be read with positions');
  const root = doc.contents as YNode | null;
  if (!(root instanceof YAMLMap)) throw new Unfixable('the heredoc JSON is not an object');
  const st = pairOf(root, 'Statement');
  if (!st || !st.value) throw new Unfixable('the heredoc JSON has no Statement');
  const list = st.value as YNode;
  if (isSeq(list) && list.items.length !== originals.length)
    throw new Unfixable('the statements as written are not those the audit read');
  const fates = alignStatements(originals, minimal);
  if (!fates)
    throw new Unfixable(
      'the minimal policy could not be matched statement by statement with the policy as written',
    );
  // `$${` in a heredoc is a literal `${` (an interpolation would be a node of its own, refused
  // above): the body's `${` are all escaped ones, policy variables, not interpolations. The JSON
  // editor writes none unescaped.
  return statementListEdits(body, true, list, originals, fates, false).map((e) => ({
    start: e.start + from,
    end: e.end + from,
    // (text copied from the heredoc keeps its `$${`; only new values are escaped)
    text: e.text.replace(/(?<!\$)\$\{/g, () => '$${').replace(/(?<!%)%\{/g, () => '%%{'),
  }));
}

// ---------------------------------------------------------------------------------------------
// data "aws_iam_policy_document" blocks

const DOC_KEYS: Record<string, [string, string | undefined]> = {
  Sid: ['sid', undefined],
  Action: ['actions', 'not_actions'],
  Resource: ['resources', 'not_resources'],
};

function lineStartOf(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function indentOf(text: string, pos: number): string {
  return /^[ \t]*/.exec(text.slice(lineStartOf(text, pos)))![0];
}

/** The condition entries of `part` that `original` does not have (undefined when one changed or went). */
function addedConditions(
  original: unknown,
  part: unknown,
): { test: string; variable: string; values: string[] }[] | undefined {
  const o = isObject(original) ? original : {};
  const p = isObject(part) ? part : {};
  const out: { test: string; variable: string; values: string[] }[] = [];
  for (const [op, keys] of Object.entries(o)) {
    if (!isObject(keys)) return undefined;
    for (const [k, v] of Object.entries(keys)) {
      const pk = isObject(p[op]) ? (p[op] as Record<string, unknown>)[k] : undefined;
      if (!isDeepStrictEqual(pk, v)) return undefined;
    }
  }
  for (const [op, keys] of Object.entries(p)) {
    if (!isObject(keys)) return undefined;
    for (const [k, v] of Object.entries(keys)) {
      if (isObject(o[op]) && k in (o[op] as Record<string, unknown>)) continue;
      const values = Array.isArray(v) ? v : [v];
      if (!values.every((x) => typeof x === 'string')) return undefined;
      out.push({ test: op, variable: k, values: values as string[] });
    }
  }
  return out;
}

/** The text of statement block `block` rewritten as `part`. */
function statementBlockText(
  text: string,
  block: Node,
  original: Record<string, unknown>,
  part: Record<string, unknown>,
): string {
  const body = bodyOf(block);
  if (!body) throw new Unfixable('an empty statement block');
  const edits: Edit[] = [];
  const firstAttr = kids(body)[0];
  const memberIndent = firstAttr ? indentOf(text, firstAttr.startIndex) : '    ';
  const unit = memberIndent.slice(indentOf(text, block.startIndex).length) || '  ';
  const insertAt =
    kids(body)
      .filter((k) => k.type === 'attribute' || k.type === 'block')
      .pop()?.endIndex ?? body.endIndex;
  const inserts: string[] = [];
  let renamed = false;
  for (const [k, v] of Object.entries(part)) {
    if (isDeepStrictEqual(v, original[k]) || k === 'Effect' || k === 'Principal' || k === 'NotPrincipal') {
      if (!isDeepStrictEqual(v, original[k])) throw new Unfixable(`the statement's ${k} would change`);
      continue;
    }
    if (k === 'Condition') {
      const added = addedConditions(original.Condition, v);
      if (!added) throw new Unfixable('a condition of the statement would change');
      for (const c of added)
        inserts.push(
          `\n${memberIndent}condition {\n${memberIndent}${unit}test     = ${hclString(c.test)}\n${memberIndent}${unit}variable = ${hclString(c.variable)}\n${memberIndent}${unit}values   = [${c.values.map(hclString).join(', ')}]\n${memberIndent}}`,
        );
      continue;
    }
    const names = DOC_KEYS[k];
    if (!names) throw new Unfixable(`the statement's ${k} would change`);
    const values =
      typeof v === 'string'
        ? [v]
        : Array.isArray(v) && v.every((x) => typeof x === 'string')
          ? (v as string[])
          : undefined;
    if (!values) throw new Unfixable(`the statement's ${k} is not a list of strings`);
    let attr = attribute(body, names[0]);
    let rename = false;
    if (!attr && names[1]) {
      attr = attribute(body, names[1]);
      rename = attr !== undefined;
    }
    if (!attr) {
      if (k !== 'Sid') throw new Unfixable(`the statement block has no ${names[0]}`);
      inserts.push(`\n${memberIndent}sid = ${hclString(values[0]!)}`);
      continue;
    }
    if (rename) {
      const id = kids(attr)[0]!;
      edits.push({ start: id.startIndex, end: id.endIndex, text: names[0] });
      renamed = true;
    }
    const valueNode = attrValue(attr);
    if (k === 'Sid') {
      const lit = literalString(inner(valueNode));
      if (!lit) throw new Unfixable('the statement sid is not a literal string');
      edits.push({ start: valueNode.startIndex, end: valueNode.endIndex, text: hclString(values[0]!) });
      continue;
    }
    const seq = toYaml(valueNode);
    if (!(seq instanceof YAMLSeq) || seq.items.some((x) => (x as YNode).tag === '!expr'))
      throw new Unfixable(
        `the statement's ${names[0]} (${clipShown(text.slice(valueNode.startIndex, valueNode.endIndex), 60)}) is not a literal list: change it where it is defined`,
      );
    const removal = removalEdits(text, seq, values, 'hcl');
    if (removal) edits.push(...removal);
    else
      edits.push({
        start: valueNode.startIndex,
        end: valueNode.endIndex,
        text: writeStringList(text, values, seq, memberIndent),
      });
  }
  if (inserts.length) edits.push({ start: insertAt, end: insertAt, text: inserts.join('') });
  const s = block.startIndex;
  const out = applyEdits(
    text.slice(s, block.endIndex),
    edits.map((e) => ({ start: e.start - s, end: e.end - s, text: e.text })),
  );
  return renamed ? alignedAttributes(out) : out;
}

/** A line that starts a one-line attribute (or the first line of a longer one): its indent, name and `=`. */
const ATTRIBUTE_LINE = /^([ \t]+)([A-Za-z_][\w-]*)([ \t]*)=(?!=)/;

/**
 * `text` with the `=` of each run of attributes on consecutive lines of one indent aligned, one
 * space after the longest name, as `terraform fmt` writes them: after `not_resources` becomes
 * `resources`, the statement's other attributes were still aligned to the old name.
 */
function alignedAttributes(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length;) {
    const first = ATTRIBUTE_LINE.exec(lines[i]!);
    if (!first) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && ATTRIBUTE_LINE.exec(lines[j]!)?.[1] === first[1]) j++;
    const run = lines.slice(i, j).map((l) => ATTRIBUTE_LINE.exec(l)!);
    const width = run.reduce((w, m) => Math.max(w, m[2]!.length), 0);
    run.forEach((m, n) => {
      lines[i + n] = `${m[1]}${m[2]!.padEnd(width)} =${lines[i + n]!.slice(m[0].length)}`;
    });
    i = j;
  }
  return lines.join('\n');
}

/** Edits for the statement blocks of a `data "aws_iam_policy_document"` block. */
function dataDocumentEdits(
  text: string,
  data: Node,
  originals: Record<string, unknown>[],
  minimal: Record<string, unknown>[],
): Edit[] {
  const body = bodyOf(data);
  if (!body) throw new Unfixable('the policy document data source is empty');
  for (const k of kids(body)) {
    if (
      k.type === 'attribute' &&
      /^(source_policy_documents|override_policy_documents|source_json|override_json)$/.test(
        kids(k)[0]?.text ?? '',
      )
    )
      throw new Unfixable(
        'the policy document data source merges other documents (source/override): rewrite it by hand',
      );
    if (k.type === 'block' && blockType(k) === 'dynamic')
      throw new Unfixable('the policy document data source has dynamic blocks: rewrite it by hand');
  }
  const blocks = kids(body).filter((k) => k.type === 'block' && blockType(k) === 'statement');
  if (blocks.length !== originals.length)
    throw new Unfixable('the statement blocks are not those the audit read');
  const fates: StatementFate[] | undefined = alignStatements(originals, minimal);
  if (!fates)
    throw new Unfixable(
      'the minimal policy could not be matched statement by statement with the policy as written',
    );
  if (!fates.some((f) => f.kind !== 'drop'))
    throw new Unfixable('every statement would be removed: delete the policy (or detach it) instead');
  const edits: Edit[] = [];
  fates.forEach((fate, i) => {
    const block = blocks[i]!;
    if (fate.kind === 'keep') return;
    if (fate.kind === 'drop') {
      // the block's lines and the comment lines directly above it, with one blank line before
      // them when there is one
      let from =
        ownLines(text, block.startIndex, block.endIndex, 'hcl')?.from ?? lineStartOf(text, block.startIndex);
      const nl = text.indexOf('\n', block.endIndex);
      const to = nl < 0 ? text.length : nl + 1;
      if (/^[ \t]*\n$/.test(text.slice(lineStartOf(text, from - 1), from)))
        from = lineStartOf(text, from - 1);
      edits.push({ start: from, end: to, text: '' });
      return;
    }
    const indent = indentOf(text, block.startIndex);
    const next = blocks[i + 1] ?? blocks[i - 1];
    const blank = next
      ? /\n[ \t]*\n/.test(
          text.slice(Math.min(block.endIndex, next.endIndex), Math.max(block.startIndex, next.startIndex)),
        )
      : true;
    const texts = fate.parts.map((p, n) => {
      let written: string;
      try {
        written = statementBlockText(text, block, originals[i]!, p);
      } catch (e) {
        // (which statement: its sid, else its line; a review found the reason named none)
        if (!(e instanceof Unfixable)) throw e;
        const sid = originals[i]!.Sid;
        const which =
          typeof sid === 'string' && sid !== ''
            ? `statement ${sid}`
            : `the statement block of line ${block.startPosition.row + 1}`;
        throw new Unfixable(`${which}: ${e.message.replace(/^the statement(?:'s| block)? ?/, '')}`);
      }
      // the statement's comments stay once, on its first part
      return n === 0 ? written : withoutComments(written, 'hcl');
    });
    edits.push({
      start: block.startIndex,
      end: block.endIndex,
      text: texts.join(`\n${blank ? '\n' : ''}${indent}`),
    });
  });
  return edits;
}

// ---------------------------------------------------------------------------------------------

/**
 * Where a policy is written: the value of its attribute (`policy`, `assume_role_policy`, an
 * inline_policy's `policy`), or the name of the `data "aws_iam_policy_document"` it references
 * (or is).
 */
function locatePolicy(
  path: string,
  text: string,
  id: string,
  address: string,
): { kind: 'data'; name: string } | { kind: 'value'; value: Node } {
  const where = parseAddress(address);
  if (!where) throw new Unfixable(`the address ${address} could not be read`);
  if (where.indexed)
    throw new Unfixable(
      'the policy belongs to a resource with count or for_each: each instance shares the text, rewrite it by hand',
    );
  if (where.mode === 'data') {
    if (where.type !== 'aws_iam_policy_document') throw new Unfixable(`${address} is not a policy document`);
    return { kind: 'data', name: where.name };
  }
  const parsed = parseHcl(path, text);
  if (parsed.problems.length) throw new Unfixable(`${path} has syntax errors`);
  const block = findBlock(parsed.root, 'resource', [where.type, where.name]);
  const body = block && bodyOf(block);
  if (!body) throw new Unfixable(`${address} is not found in ${path}`);
  const suffix = id.slice(`${path}#${address}`.length);
  let attrName = suffix.startsWith('#') ? suffix.slice(1) : 'policy';
  let holder: Node = body;
  const inlineName = /^#inline_policy\[(.*)\]$/s.exec(suffix)?.[1];
  if (inlineName !== undefined) {
    // aws_iam_role's inline_policy { name = "..." policy = ... }, found by its literal name
    const blocks = kids(body).filter((b) => {
      if (b.type !== 'block' || blockType(b) !== 'inline_policy') return false;
      const name = bodyOf(b) && attribute(bodyOf(b)!, 'name');
      return name !== undefined && literalString(inner(attrValue(name)))?.value === inlineName;
    });
    if (blocks.length !== 1 || !bodyOf(blocks[0]!))
      throw new Unfixable(`the inline_policy "${inlineName}" is not written with a literal name in ${path}`);
    holder = bodyOf(blocks[0]!)!;
    attrName = 'policy';
  }
  if (!IDENT.test(attrName))
    throw new Unfixable(`the policy (${suffix.slice(1)}) is not a plain attribute: rewrite it by hand`);
  const attr = attribute(holder, attrName);
  if (!attr) throw new Unfixable(`${address} has no ${attrName} attribute written in ${path}`);
  const value = inner(attrValue(attr));
  const ref = /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json$/.exec(value.text.trim());
  if (ref) return { kind: 'data', name: ref[1]! };
  return { kind: 'value', value };
}

/** A reported `.tf` policy and where its value is in its own file, or undefined when that cannot be told. */
function locateReported(
  report: Report,
  read: (path: string) => string | undefined,
  policyId: string,
): { p: Report['policies'][number]; found: ReturnType<typeof locatePolicy> } | undefined {
  const p = report.policies.find((x) => x.id === policyId);
  if (!p || !p.address || !hclReady()) return undefined;
  const text = read(p.path);
  if (text === undefined) return undefined;
  try {
    return { p, found: locatePolicy(p.path, text, p.id, p.address) };
  } catch {
    return undefined;
  }
}

/**
 * The policy JSON file a `.tf` policy is read from (`policy = file("${path.module}/policy.json")`,
 * the path written as a literal under `path.module`), or undefined. That file is skipped as an
 * input of its own (read through its module: sources/index.ts) and fixed for the `.tf` policy.
 */
export function hclFileTarget(
  report: Report,
  read: (path: string) => string | undefined,
  policyId: string,
): string | undefined {
  return hclFileSite(report, read, policyId)?.target;
}

/**
 * hclFileTarget, with where the `file()` call is: the `.tf` file and the call's offset in its
 * text (fileReadSites finds the same call there).
 */
export function hclFileSite(
  report: Report,
  read: (path: string) => string | undefined,
  policyId: string,
): { target: string; site: string } | undefined {
  // (once per policy of a report: planFixes asks for a suggestion's, each reader's and every site)
  let known = fileSites.get(report);
  if (!known) fileSites.set(report, (known = new Map()));
  if (!known.has(policyId)) known.set(policyId, findFileSite(report, read, policyId));
  return known.get(policyId);
}

/** Per report, per policy id: hclFileSite's answer. */
const fileSites = new WeakMap<Report, Map<string, { target: string; site: string } | undefined>>();

function findFileSite(
  report: Report,
  read: (path: string) => string | undefined,
  policyId: string,
): { target: string; site: string } | undefined {
  const at = locateReported(report, read, policyId);
  if (!at) return undefined;
  const { p, found } = at;
  if (found.kind !== 'value' || found.value.type !== 'function_call' || kids(found.value)[0]?.text !== 'file')
    return undefined;
  // Only under `${path.module}`: a bare relative path is read from the root module's directory,
  // which a module called by a root elsewhere does not tell.
  const m = /^file\(\s*"\$\{path\.module\}\/([^"$%\\]+)"\s*\)$/.exec(found.value.text.trim());
  if (!m) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(p.path), m[1]!));
  if (target.startsWith('../')) return undefined;
  // (the site of its path, the string: as fileReadSites finds it)
  const args = kids(found.value).find((k) => k.type === 'function_arguments');
  const path = args ? kids(args)[0] : undefined;
  const str = path && stringNode(path);
  if (!str) return undefined;
  return { target, site: `${p.path}\u0000${str.startIndex}` };
}

/** Terraform functions that read a file by its path. */
const FILE_FUNCTIONS = new Set([
  'file',
  'templatefile',
  'filebase64',
  'filemd5',
  'filesha1',
  'filesha256',
  'filesha512',
  'filebase64sha256',
  'filebase64sha512',
]);

/** The string an expression is (through its single-child wrappers), or undefined. */
function stringNode(n: Node): Node | undefined {
  let x: Node | undefined = n;
  while (x && x.type !== 'string_lit' && x.type !== 'quoted_template') {
    const k = kids(x);
    x = k.length === 1 ? k[0] : undefined;
  }
  return x;
}

/** `*`-glob (no other special character) matched against a whole text. */
function globMatches(glob: string, text: string): boolean {
  const re = new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^]*')}$`,
  );
  return re.test(text);
}

/**
 * Every place in the audited Terraform files that may read the file `target`, so that `fix` does
 * not rewrite it for one policy while another reads it too: in a `.tf` file (read with the parser,
 * so comments do not count), a string that may be the target's path, as a glob where each
 * interpolation but the first `${path.module}` is `*` (`"${path.module}/policies/${var.name}.json"`):
 * from `${path.module}`, the path from the file's directory; otherwise (`${path.root}`, a bare
 * relative path, an absolute one) any path that ends with it; and a function that reads a file
 * whose path is not a string at all (`file(var.p)`), in the target's directory. In a `.tf.json`
 * file (whose readers fix does not follow), any mention of the target's name. Each as
 * `path\u0000offset` (the string's offset: hclFileSite's `site`), with `path:line` and what it is.
 */
export function fileReadSites(
  report: Report,
  read: (path: string) => string | undefined,
  target: string,
): { site: string; where: string; call: string }[] {
  const name = posix.basename(target);
  const out: { site: string; where: string; call: string }[] = [];
  for (const c of pathCandidates(report, read)) {
    if (c.path === target) continue;
    const matches =
      c.kind === 'mention'
        ? c.text.includes(name)
        : c.kind === 'call'
          ? c.dir === posix.dirname(target)
          : c.fromModule
            ? globMatches(posix.normalize(posix.join(c.dir, c.glob.replace(/^\/+/, ''))), target)
            : globMatches(
                `*${c.glob.startsWith('/') ? '' : '/'}${c.glob.replace(/^\.\//, '')}`,
                `/${target}`,
              );
    if (!matches) continue;
    if (c.kind !== 'mention') {
      out.push({ site: `${c.path}\u0000${c.at}`, where: `${c.path}:${c.line()}`, call: c.what });
      continue;
    }
    for (let at = c.text.indexOf(name); at >= 0; at = c.text.indexOf(name, at + 1))
      out.push({
        site: `${c.path}\u0000${at}`,
        where: `${c.path}:${c.text.slice(0, at).split('\n').length}`,
        call: `a mention of ${name}`,
      });
  }
  return out;
}

/** A place of the Terraform files that may name a file's path (fileReadSites). */
type PathCandidate =
  | {
      kind: 'string';
      path: string;
      dir: string;
      at: number;
      /** (counted only for a place named: a large file has many strings) */
      line: () => number;
      what: string;
      glob: string;
      fromModule: boolean;
    }
  | { kind: 'call'; path: string; dir: string; at: number; line: () => number; what: string }
  | { kind: 'mention'; path: string; text: string };

/** Per report: the places of its Terraform files that may name a path, each file parsed once. */
const candidatesOf = new WeakMap<Report, PathCandidate[]>();

function pathCandidates(report: Report, read: (path: string) => string | undefined): PathCandidate[] {
  const had = candidatesOf.get(report);
  if (had) return had;
  const out: PathCandidate[] = [];
  const short = (what: string) => (what.length > 70 ? `${what.slice(0, 67)}...` : what);
  for (const input of report.inputs) {
    if (input.kind !== 'terraform-hcl' && input.kind !== 'terraform-json') continue;
    const text = read(input.path);
    if (text === undefined) continue;
    if (input.kind === 'terraform-json') {
      out.push({ kind: 'mention', path: input.path, text });
      continue;
    }
    if (!hclReady()) continue;
    let root: Node;
    try {
      root = parseHcl(input.path, text).root;
    } catch {
      continue;
    }
    const dir = posix.dirname(input.path);
    // (the offset, not the node, kept: the tree is not held)
    const lineAt = (at: number) => () => text.slice(0, at).split('\n').length;
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'function_call' && FILE_FUNCTIONS.has(kids(n)[0]?.text ?? '')) {
        const args = kids(n).find((k) => k.type === 'function_arguments');
        const first = args ? kids(args)[0] : undefined;
        if (!first || !stringNode(first))
          out.push({
            kind: 'call',
            path: input.path,
            dir,
            at: n.startIndex,
            line: lineAt(n.startIndex),
            what: short(n.text),
          });
      }
      if (n.type === 'string_lit' || n.type === 'quoted_template') {
        let glob = '';
        let fromModule = false;
        for (const k of kids(n)) {
          if (k.type === 'template_literal') glob += k.text;
          else if (k.type === 'template_interpolation') {
            if (glob === '' && !fromModule && /^\$\{\s*path\.module\s*\}$/.test(k.text)) fromModule = true;
            else glob += '*';
          }
        }
        if (/[^*]/.test(glob))
          out.push({
            kind: 'string',
            path: input.path,
            dir,
            at: n.startIndex,
            line: lineAt(n.startIndex),
            what: short(`the path ${n.text}`),
            glob,
            fromModule,
          });
        continue;
      }
      for (const k of kids(n)) stack.push(k);
    }
  }
  candidatesOf.set(report, out);
  return out;
}

/**
 * The file a `.tf` policy is rewritten in: its own, or the module file (same directory) that holds
 * the `data "aws_iam_policy_document"` it references. Undefined when it cannot tell (the fixer
 * then says why, on the policy's own file).
 */
export function hclTarget(
  report: Report,
  read: (path: string) => string | undefined,
  policyId: string,
): string | undefined {
  const at = locateReported(report, read, policyId);
  if (!at) return undefined;
  const { p, found } = at;
  if (found.kind !== 'data') return p.path;
  const dir = posix.dirname(p.path);
  const holders = [p.path, ...report.inputs.map((i) => i.path).filter((x) => x !== p.path)]
    .filter((x) => /\.tf$/i.test(x) && posix.dirname(x) === dir)
    .filter((x) => {
      const t = read(x);
      if (t === undefined) return false;
      const parsed = parseHcl(x, t);
      return findBlock(parsed.root, 'data', ['aws_iam_policy_document', found.name]) !== undefined;
    });
  return holders[0];
}

/**
 * The report's `.tf` modules read again as the audit read them, with the files of `override` read
 * as the texts given there and the others through `read`. Throws Unfixable when the HCL parser is
 * not loaded.
 */
export function hclModuleReader(
  report: Report,
  read: (path: string) => string | undefined,
): (override: Record<string, string>) => InputResult[] {
  const hclPaths = report.inputs.filter((i) => i.kind === 'terraform-hcl').map((i) => i.path);
  return (override) => {
    if (!hclReady()) throw new Unfixable('the HCL parser is not loaded');
    const get = (p: string) => (p in override ? override[p] : read(p));
    const files = hclPaths.flatMap((p) => {
      const t = get(p);
      return t === undefined ? [] : [{ path: p, text: t }];
    });
    const host: ModuleHost = {
      moduleFiles(dir) {
        const d = posix.normalize(dir).replace(/\/+$/, '');
        const out = hclPaths
          .filter((p) => posix.dirname(p) === d && /\.tf$/i.test(p))
          .flatMap((p) => {
            const t = get(p);
            return t === undefined ? [] : [{ path: p, text: t }];
          });
        return out.length ? out : { error: `the directory ${dir} has no .tf files that were audited` };
      },
      // (read as the audit read them: the module's .tf.json files name what they declare)
      jsonConfig(dir) {
        const d = posix.normalize(dir).replace(/\/+$/, '');
        return report.inputs
          .filter((i) => i.kind === 'terraform-json' && posix.dirname(i.path) === d)
          .flatMap((i) => {
            const t = get(i.path);
            return t === undefined ? [] : [{ path: i.path, text: t }];
          });
      },
      readFile: (p) => get(posix.normalize(p)),
    };
    return readHclModules(files, host);
  };
}

/** `.tf` files: the module is read again (with the file's new text) to find and verify the policy. */
export function hclFileFixer(
  path: string,
  read: (path: string) => string | undefined,
  report: Report,
): FileFixer {
  const evaluate = hclModuleReader(report, read);
  const recordsOf = (results: InputResult[]) => results.flatMap((r) => r.policies);
  // The module read with this file's text: the last texts read are kept (a fix reads the text it
  // starts from, which the previous verify has read already).
  const memo = new Map<string, PolicyRecord[]>();
  const policiesWith = (text: string): PolicyRecord[] => {
    let r = memo.get(text);
    if (!r) {
      r = recordsOf(evaluate({ [path]: text }));
      if (memo.size >= 3) memo.delete(memo.keys().next().value!);
      memo.set(text, r);
    }
    return r;
  };
  let beforeText: string | undefined;
  let beforeRecords: PolicyRecord[] = [];
  return {
    fix(text, s) {
      const record = policiesWith(text).find((r) => r.id === s.policy);
      if (!record) throw new Unfixable('the policy is not found when the module is read again');
      if (record.status !== 'resolved')
        throw new Unfixable(`the policy is not resolved: ${record.reason ?? ''}`);
      const address = record.address ?? '';
      if (
        /^module\./.test(address) &&
        report.policies.filter(
          (p) =>
            p.path === record.path &&
            p.address?.replace(/^(module\.[^.]+\.)+/, '') === address.replace(/^(module\.[^.]+\.)+/, ''),
        ).length > 1
      )
        throw new Unfixable('the module is called more than once: its text is shared by every call');
      const recordText = record.path === path ? text : read(record.path);
      if (recordText === undefined) throw new Unfixable(`${record.path} could not be read again`);
      const found = locatePolicy(record.path, recordText, record.id, address);
      const originals = originalsOf(record);
      const minimal = minimalOf(s);
      if (found.kind === 'data') {
        const parsed = parseHcl(path, text);
        if (parsed.problems.length) throw new Unfixable('the file has syntax errors');
        const data = findBlock(parsed.root, 'data', ['aws_iam_policy_document', found.name]);
        if (!data) throw new Unfixable(`data.aws_iam_policy_document.${found.name} is not found in ${path}`);
        return applyEdits(text, dataDocumentEdits(text, data, originals, minimal));
      }
      if (record.path !== path) throw new Unfixable(`the policy is written in ${record.path}, not ${path}`);
      const value = found.value;
      if (value.type === 'function_call' && kids(value)[0]?.text === 'jsonencode')
        return applyEdits(text, jsonencodeEdits(text, value, originals, minimal));
      if (value.type === 'template_expr' && kids(value)[0]?.type === 'heredoc_template')
        return applyEdits(text, heredocEdits(text, kids(value)[0]!, originals, minimal));
      const fn = value.type === 'function_call' ? kids(value)[0]?.text : undefined;
      if (fn === 'file')
        throw new Unfixable(
          /^file\(\s*"[^"$%]*"\s*\)$/.test(value.text)
            ? `the policy is read from a file (${shortText(value.text, 60)}) by a path Terraform takes from the directory it runs in, not from the module's (\${path.module}/…): fix that file`
            : `the policy is read from a file (${shortText(value.text, 60)}) whose path is not written as a literal: fix that file`,
        );
      if (fn === 'templatefile')
        throw new Unfixable(
          `the policy is made from a template (${shortText(value.text, 60)}), not a literal document: change the template by hand`,
        );
      throw new Unfixable(
        `the policy is built by an expression, not a literal document (${shortText(value.text, 60)}): change it where it is defined`,
      );
    },
    verify(before, after, fixed) {
      if (beforeText !== before) {
        beforeText = before;
        beforeRecords = policiesWith(before);
      }
      verifyRecords(beforeRecords, policiesWith(after), fixed);
    },
  };
}
