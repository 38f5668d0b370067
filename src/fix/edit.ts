// Rewriting the statements of a policy in JSON or YAML text, in place, through the `yaml`
// package's document nodes (which read JSON too and give every node's character range). Only the
// values that change are rewritten, each in the style of the text around it (quotes, one line or
// one item a line, indentation copied from neighbours); everything else stays byte for byte.
import YAML, {
  Lexer,
  YAMLMap,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLSeq,
} from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import type { StatementFate } from './align.js';

/** Replace text[start, end) with `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits (any order). In a text whose lines all end with CRLF, the new text's
 * line ends are written as CRLF too.
 */
export function applyEdits(text: string, edits: Edit[]): string {
  const crlf = text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
  const sorted = [...edits]
    .map((e) => (crlf ? { ...e, text: e.text.replace(/\r?\n/g, '\r\n') } : e))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.end > limit) throw new Error('overlapping edits');
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** Thrown (and turned into a `notFixed` reason) where the text is not in a form this rewrites. */
export class Unfixable extends Error {}

/** Parses JSON or YAML text into `yaml` nodes with ranges (no custom tags: a tag stays visible). */
export function parseNodes(text: string): YAML.Document.Parsed {
  return YAML.parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: false,
    keepSourceTokens: false,
    logLevel: 'error',
  });
}

/** The value of a key in a map node (the last one, as JSON.parse reads duplicates). */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const p of map.items) if (isScalar(p.key) && String(p.key.value) === key) found = p;
  return found;
}

function start(n: Node): number {
  return n.range![0];
}

/** Where the node's own text ends (a block collection ends at its last value, not after comments). */
export function endOf(n: Node): number {
  if (isScalar(n)) return n.range![1];
  if ((isMap(n) || isSeq(n)) && !n.flow) {
    const last = n.items[n.items.length - 1];
    if (last === undefined) return n.range![1];
    if (isPair(last)) {
      const v = last.value as Node | null;
      return v && v.range ? endOf(v) : endOf(last.key as Node);
    }
    return endOf(last as Node);
  }
  return n.range![1];
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The white space that starts the line holding `pos`. */
function lineIndent(text: string, pos: number): string {
  const ls = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(ls, pos))![0];
}

/** Column of pos (as white space of the same length, tabs kept). */
function columnPad(text: string, pos: number): string {
  return text.slice(lineStart(text, pos), pos).replace(/[^\t]/g, ' ');
}

/** How comments are written in the text: YAML `#`; HCL `#`, `//` and block comments; JSON none. */
export type CommentSyntax = 'yaml' | 'hcl' | 'json';

function syntaxOf(style: Style): CommentSyntax {
  return style.hcl ? 'hcl' : style.json ? 'json' : 'yaml';
}

/** Is the line (without its line break) a comment and nothing else? */
function isCommentLine(line: string, syntax: CommentSyntax): boolean {
  const s = line.trim();
  if (syntax === 'yaml') return s.startsWith('#');
  if (syntax === 'hcl')
    return (
      s.startsWith('#') ||
      s.startsWith('//') ||
      (s.startsWith('/*') && s.endsWith('*/') && s.indexOf('*/') === s.length - 2)
    );
  return false;
}

/** What may follow an item on its last line for the line to be the item's own: a comma and a comment. */
function lineRestIsOwn(rest: string, syntax: CommentSyntax): boolean {
  const comment =
    syntax === 'yaml'
      ? '(?:(?<=^|[ \\t,])#.*)?'
      : syntax === 'hcl'
        ? '(?:(?:#|//).*|/\\*(?:(?!\\*/).)*\\*/[ \\t]*)?'
        : '';
  return new RegExp(`^[ \\t]*,?[ \\t]*${comment}\\r?$`).test(rest);
}

/**
 * The lines of a run of list items that has lines of its own (the first starts its line at
 * `first`, the last ends at `lastEnd` with at most a comma and a comment after it on that line):
 * from the comment lines directly above the first (a comment line directly above an item is that
 * item's) to the line break after the last. Undefined when the items share a line with something else.
 */
export function ownLines(
  text: string,
  first: number,
  lastEnd: number,
  syntax: CommentSyntax,
): { from: number; to: number; trailingComma: boolean } | undefined {
  const ls = lineStart(text, first);
  if (!/^[ \t]*$/.test(text.slice(ls, first))) return undefined;
  const nl = text.indexOf('\n', lastEnd);
  const rest = text.slice(lastEnd, nl === -1 ? text.length : nl);
  if (!lineRestIsOwn(rest, syntax)) return undefined;
  let from = ls;
  while (from > 0) {
    const prev = lineStart(text, from - 1);
    if (!isCommentLine(text.slice(prev, from - 1), syntax)) break;
    from = prev;
  }
  let to = nl === -1 ? text.length : nl + 1;
  // a blank line on each side: one of them goes too
  const blank = (a: number, b: number) => /^[ \t]*\r?$/.test(text.slice(a, b));
  if (from > 0 && to < text.length) {
    const prev = lineStart(text, from - 1);
    const nextNl = text.indexOf('\n', to);
    if (blank(prev, from - 1) && nextNl !== -1 && blank(to, nextNl)) to = nextNl + 1;
  }
  return { from, to, trailingComma: /^[ \t]*,/.test(rest) };
}

/** Where a list item's text starts: a block list item at its `-`. */
function dashOf(text: string, n: Node, flow: boolean | undefined): number {
  if (flow) return start(n);
  const dash = text.lastIndexOf('-', start(n));
  return dash === -1 ? start(n) : dash;
}

/**
 * The edit deleting items [i, k) of a list (kept items elsewhere), when they have lines of their
 * own: each goes with its comment lines directly above it and its comment on its last line; the
 * comments of the kept items stay. `lineOf` gives where an item's line starts (a block list's `-`).
 */
function runDeletion(
  text: string,
  items: Node[],
  i: number,
  k: number,
  flow: boolean,
  syntax: CommentSyntax,
  lineOf: (n: Node) => number,
): Edit[] | undefined {
  const own = ownLines(text, lineOf(items[i]!), endOf(items[k - 1]!), syntax);
  if (!own) return undefined;
  if (k < items.length) {
    if (start(items[k]!) < own.to) return undefined;
    return [{ start: own.from, end: own.to, text: '' }];
  }
  if (!flow || own.trailingComma) return [{ start: own.from, end: own.to, text: '' }];
  // the last items of a flow list written without a trailing comma: the comma before them goes too
  const prevEnd = endOf(items[i - 1]!);
  const comma = /^[ \t]*,/.exec(text.slice(prevEnd));
  if (!comma || prevEnd + comma[0].length > own.from) return undefined;
  return [
    { start: prevEnd + comma[0].length - 1, end: prevEnd + comma[0].length, text: '' },
    { start: own.from, end: own.to, text: '' },
  ];
}

/**
 * The edits deleting items [i, k) of a list: their own lines (runDeletion); else, in a flow list,
 * from the first to the next kept item (at the end, from the last kept one); else whole lines, from
 * the `- ` of the first to the next kept item's line, or to the end of the last's line (and, with
 * `joinAtFileEnd`, the line break before them when the file ends there).
 */
function deleteRun(
  text: string,
  items: Node[],
  i: number,
  k: number,
  flow: boolean,
  syntax: CommentSyntax,
  joinAtFileEnd: boolean,
): Edit[] {
  const own = runDeletion(text, items, i, k, flow, syntax, (n) => dashOf(text, n, flow));
  if (own) return own;
  if (flow)
    return k < items.length
      ? [{ start: start(items[i]!), end: start(items[k]!), text: '' }]
      : [{ start: endOf(items[i - 1]!), end: endOf(items[k - 1]!), text: '' }];
  const from = lineStart(text, start(items[i]!));
  if (k < items.length) return [{ start: from, end: lineStart(text, start(items[k]!)), text: '' }];
  const nl = text.indexOf('\n', endOf(items[k - 1]!));
  if (nl === -1) return [{ start: joinAtFileEnd ? from - 1 : from, end: text.length, text: '' }];
  return [{ start: from, end: nl + 1, text: '' }];
}

/** Where the comments of `text` are ([start, end) each, without the line break). */
function commentRanges(text: string, syntax: CommentSyntax): [number, number][] {
  const out: [number, number][] = [];
  if (syntax === 'yaml') {
    let pos = 0;
    for (const tok of new Lexer().lex(text)) {
      if (/^[\x02\x18\x1f]$/.test(tok)) continue;
      if (tok.startsWith('#')) out.push([pos, pos + tok.length]);
      pos += tok.length;
    }
    return out;
  }
  if (syntax === 'json') return out;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      out.push([i, text[end - 1] === '\r' ? end - 1 : end]);
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : close + 2;
      out.push([i, end]);
      i = end - 1;
    }
  }
  return out;
}

/**
 * The text without its comments (a comment's line goes too when nothing else is on it): the parts
 * of a split statement after the first, so that its comments stay once, on the first part.
 * `column` is where the text starts on its line (so that YAML reads its layout).
 */
export function withoutComments(text: string, syntax: CommentSyntax, column = 0): string {
  const pad = ' '.repeat(column);
  const edits: Edit[] = [];
  for (const [a0, b0] of commentRanges(pad + text, syntax)) {
    const a = a0 - column;
    const b = b0 - column;
    const ls = lineStart(text, a);
    const nl = text.indexOf('\n', b);
    const lineEnd = nl === -1 ? text.length : nl;
    if (/^[ \t]*$/.test(text.slice(ls, a)) && /^[ \t\r]*$/.test(text.slice(b, lineEnd)) && ls > 0)
      edits.push({ start: ls - 1, end: lineEnd, text: '' });
    else {
      const ws = /[ \t]*$/.exec(text.slice(0, a))![0].length;
      edits.push({ start: a - ws, end: b, text: '' });
    }
  }
  return applyEdits(text, edits);
}

/** Is there a tag, an intrinsic function or an interpolation anywhere below the node? */
export function hasNonLiteral(n: unknown, interpolations: boolean): boolean {
  return nonLiteralOf(n, interpolations) !== undefined;
}

/**
 * The first tag, intrinsic function, interpolation or alias below the node, described for a
 * message (`the tag !Sub`, `Fn::Join (an intrinsic function)`, `the alias *acts`), or undefined.
 */
export function nonLiteralOf(n: unknown, interpolations: boolean): string | undefined {
  const stack: unknown[] = [n];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== 'object') continue;
    const node = x as Node;
    if (node.tag === '!expr' && isScalar(node)) return `the expression ${short(String(node.value))}`;
    if (node.tag && node.tag.startsWith('!')) return `the tag ${node.tag} (an intrinsic function)`;
    if (isScalar(node)) {
      if (interpolations && typeof node.value === 'string' && /\$\{|%\{/.test(node.value))
        return `the interpolation ${short(node.value)}`;
    } else if (isMap(node)) {
      for (const p of node.items) {
        if (isScalar(p.key) && /^(Ref|Fn::|Condition$)/.test(String(p.key.value)) && isIntrinsicKey(p))
          return `${String(p.key.value)} (an intrinsic function)`;
        stack.push(p.key, p.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
    else if (isPair(node)) stack.push(node.key, node.value);
    else if (isAlias(node)) return `the alias *${node.source}`;
    else return 'a value that is not written literally';
  }
  return undefined;
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return JSON.stringify(one.length > 60 ? `${one.slice(0, 57)}...` : one);
}

/** The line of `pos` (1-based). */
function lineNumber(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Where the anchor `&name` an alias at `pos` refers to is written (its line), when the text shows it. */
function anchorLine(text: string, name: string, pos: number): number | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let found: number | undefined;
  for (const m of text.slice(0, pos).matchAll(new RegExp(`&${esc}(?=[\\s,\\]}]|$)`, 'g'))) found = m.index;
  return found === undefined ? undefined : lineNumber(text, found);
}

function isIntrinsicKey(p: Pair): boolean {
  const k = String((p.key as YAML.Scalar).value);
  return k === 'Ref' || k.startsWith('Fn::');
}

/** How scalars are written: JSON (always double quotes) or YAML in the quote style of a neighbour. */
interface Style {
  /** JSON, or any text whose collections are all flow (HCL): one line or one item a line. */
  json: boolean;
  /** HCL (`jsonencode({...})`): `Key = value`, strings with `$${` for a literal `${`. */
  hcl: boolean;
  text: string;
  /** `${...}` and `%{...}` in strings are Terraform interpolations (*.tf.json), not policy variables. */
  interpolations: boolean;
}

/** An HCL quoted string (JSON escapes; `${` and `%{` doubled so they stay literal). */
export function hclString(value: string): string {
  // (a function: in a replacement string `$$` is one `$`)
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

/** An HCL value (objects with `=`, keys quoted unless identifiers), on one line or indented. */
function hclValue(v: unknown, eq: string, comma: string, indent: string | undefined, unit: string): string {
  if (typeof v === 'string') return hclString(v);
  if (Array.isArray(v)) return `[${v.map((x) => hclValue(x, eq, comma, undefined, unit)).join(comma)}]`;
  if (v !== null && typeof v === 'object') {
    const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k));
    const entries = Object.entries(v);
    if (indent === undefined)
      return `{ ${entries.map(([k, x]) => `${key(k)}${eq}${hclValue(x, eq, comma, undefined, unit)}`).join(comma)} }`;
    const inner = indent + unit;
    // As `terraform fmt` writes them: the `=` of consecutive entries of one line each aligned one
    // space after the longest key, an entry whose value spans lines with one space.
    // (each run of one-line entries measured once: linear in the entries)
    const oneLine = entries.map(([, x]) => x === null || typeof x !== 'object' || Array.isArray(x));
    const width = entries.map(([k]) => key(k).length);
    for (let i = 0; i < entries.length;) {
      if (!oneLine[i]) {
        i++;
        continue;
      }
      let j = i;
      let w = 0;
      while (j < entries.length && oneLine[j]) w = Math.max(w, width[j++]!);
      width.fill(w, i, j);
      i = j;
    }
    return `{${entries.map(([k, x], i) => `\n${inner}${key(k).padEnd(width[i]!)} = ${hclValue(x, eq, comma, inner, unit)}`).join('')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

function needsQuotes(value: string): boolean {
  return /^["']/.test(YAML.stringify(value, { lineWidth: 0 }));
}

function quoteLike(style: Style, value: string, like: Node | undefined): string {
  if (style.hcl) return hclString(value);
  if (style.json) return JSON.stringify(value);
  let type = like && isScalar(like) ? like.type : undefined;
  // quotes the neighbour could not do without (`"*"`) say nothing about the file's style
  if (type !== 'PLAIN' && like && isScalar(like) && typeof like.value === 'string' && needsQuotes(like.value))
    type = 'PLAIN';
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  const plain = YAML.stringify(value, { lineWidth: 0 }).trimEnd();
  return plain.includes('\n') ? JSON.stringify(value) : plain;
}

/** A scalar sibling whose quoting new scalars copy (the first string in the statement). */
function sampleScalar(stmt: YAMLMap): Node | undefined {
  for (const p of stmt.items) {
    const v = p.value as Node | null;
    if (v && isScalar(v) && typeof v.value === 'string') return v;
    if (v && isSeq(v)) {
      const s = v.items.find((x) => isScalar(x));
      if (s) return s as Node;
    }
  }
  return undefined;
}

function keyText(style: Style, key: string, like: Node | undefined): string {
  if (style.hcl)
    return like && isScalar(like) && like.type === 'PLAIN' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)
      ? key
      : hclString(key);
  return quoteLike(style, key, like);
}

/** The indentation unit of the statement (its members' column minus the statement's). */
function unitOf(style: Style, stmt: YAMLMap): string {
  const first = stmt.items[0]?.key as Node | undefined;
  if (!first) return '  ';
  if (!style.json && !stmt.flow) {
    // a block list under a key, as the statement writes one, else two spaces
    for (const p of stmt.items) {
      const v = p.value as Node | null;
      if (v && isSeq(v) && !v.flow && v.items.length) {
        const d = columnPad(style.text, start(v)).length - columnPad(style.text, start(p.key as Node)).length;
        if (d > 0 && d <= 8) return ' '.repeat(d);
      }
    }
    return '  ';
  }
  const member = lineIndent(style.text, start(first)).length;
  const outer = lineIndent(style.text, start(stmt)).length;
  const d = member - outer;
  return ' '.repeat(d > 0 && d <= 8 ? d : 2);
}

/** A string list written where `orig` (a list or a string) was, in its style. */
function writeList(
  style: Style,
  values: string[],
  orig: Node | undefined,
  stmt: YAMLMap,
  memberIndent: string,
): string {
  const t = style.text;
  const like = orig && isSeq(orig) ? (orig.items[0] as Node | undefined) : orig;
  const q = (v: string) => quoteLike(style, v, like ?? sampleScalar(stmt));
  if (orig && isSeq(orig) && orig.flow) {
    const src = t.slice(start(orig), orig.range![1]);
    if (src.includes('\n') && orig.items.length > 0) {
      const first = orig.items[0] as Node;
      const itemIndent = lineIndent(t, start(first));
      const closeIndent = lineIndent(t, orig.range![1] - 1);
      const lastEnd = endOf(orig.items[orig.items.length - 1] as Node);
      // separator after each item as written (`,` or `, `), from the first one
      const sep = orig.items.length > 1 ? (/^\s*,/.exec(t.slice(endOf(first)))?.[0].trim() ?? ',') : ',';
      const trailing = /^\s*,/.test(t.slice(lastEnd, orig.range![1] - 1)) ? ',' : '';
      return `[${values.map((v) => `\n${itemIndent}${q(v)}`).join(sep)}${trailing}\n${closeIndent}]`;
    }
    if (orig.items.length > 0) {
      const first = orig.items[0] as Node;
      const lead = t.slice(start(orig) + 1, start(first));
      const last = orig.items[orig.items.length - 1] as Node;
      const tail = t.slice(endOf(last), orig.range![1] - 1);
      const sep =
        orig.items.length > 1
          ? t.slice(endOf(first), start(orig.items[1] as Node))
          : style.json
            ? ', '
            : ', ';
      return `[${lead}${values.map(q).join(sep)}${tail}]`;
    }
    return `[${values.map(q).join(', ')}]`;
  }
  if (orig && isSeq(orig) && !orig.flow) {
    const pad = columnPad(t, start(orig));
    return values.map((v) => `- ${q(v)}`).join(`\n${pad}`);
  }
  // A string (or nothing) becomes a list: one item a line below the key when the statement is on
  // several lines, else on one line.
  const multiline = t.slice(start(stmt), endOf(stmt)).includes('\n');
  if (style.json || (orig === undefined ? stmt.flow : false)) {
    if (!multiline) return `[${values.map(q).join(inlineSeparators(style, stmt).comma)}]`;
    const ind = memberIndent + unitOf(style, stmt);
    return `[${values.map((v) => `\n${ind}${q(v)}`).join(',')}\n${memberIndent}]`;
  }
  if (stmt.flow) return `[${values.map(q).join(', ')}]`;
  // YAML block: the caller writes `Key:` then this (starting with a newline)
  const ind = memberIndent + unitOf(style, stmt);
  return values.map((v) => `\n${ind}- ${q(v)}`).join('');
}

/** A condition (or any JSON value) written in the statement's style. */
function writeObject(style: Style, value: unknown, stmt: YAMLMap, memberIndent: string): string {
  const t = style.text;
  const multiline = t.slice(start(stmt), endOf(stmt)).includes('\n');
  const unit = unitOf(style, stmt);
  if (style.hcl) {
    const { colon, comma } = inlineSeparators(style, stmt);
    return hclValue(value, colon, comma, multiline ? memberIndent : undefined, unit);
  }
  if (style.json || stmt.flow) {
    if (!multiline) {
      const { colon, comma } = inlineSeparators(style, stmt);
      return compactJson(value, colon, comma);
    }
    return JSON.stringify(value, null, unit).replace(/\n/g, `\n${memberIndent}`);
  }
  const body = YAML.stringify(value, { indent: unit.length, lineWidth: 0 }).trimEnd();
  return body
    .split('\n')
    .map((l) => `\n${memberIndent}${unit}${l}`)
    .join('');
}

/** The `:` and `,` of a one-line statement as written (`": "` or `":"`, `", "` or `","`). */
function inlineSeparators(style: Style, stmt: YAMLMap): { colon: string; comma: string } {
  const t = style.text;
  const [a, b] = stmt.items;
  let colon = ': ';
  let comma = ', ';
  if (a && a.value && (a.value as Node).range)
    colon = t.slice((a.key as Node).range![1], start(a.value as Node));
  if (a && b && a.value && (a.value as Node).range)
    comma = t.slice(endOf(a.value as Node), start(b.key as Node));
  if (!/^\s*[:=]\s*$/.test(colon)) colon = style.hcl ? ' = ' : ': ';
  if (!/^\s*,\s*$/.test(comma) || comma.includes('\n')) comma = ', ';
  return { colon, comma };
}

/** JSON on one line with the given separators. */
function compactJson(v: unknown, colon: string, comma: string): string {
  if (Array.isArray(v)) return `[${v.map((x) => compactJson(x, colon, comma)).join(comma)}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}${colon}${compactJson(x, colon, comma)}`)
      .join(comma)}}`;
  return JSON.stringify(v);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Text for `value` where `orig` was (YAML block values that start on the next line begin with \n). */
function writeValue(
  style: Style,
  value: unknown,
  orig: Node | undefined,
  stmt: YAMLMap,
  memberIndent: string,
): string {
  if (typeof value === 'string') {
    const like = orig && isScalar(orig) ? orig : sampleScalar(stmt);
    return quoteLike(style, value, like);
  }
  if (isStringList(value)) return writeList(style, value, orig, stmt, memberIndent);
  if (value !== null && typeof value === 'object') return writeObject(style, value, stmt, memberIndent);
  throw new Unfixable(`cannot write a value of type ${typeof value}`);
}

/**
 * The edits that remove items from the list `seq` so that it holds `values` (a subsequence of its
 * string items, at least one kept); undefined when `values` is not such a subsequence.
 */
export function removalEdits(
  text: string,
  seq: YAMLSeq,
  values: string[],
  syntax: CommentSyntax,
): Edit[] | undefined {
  const items = seq.items as Node[];
  if (!items.every((x) => isScalar(x) && typeof x.value === 'string' && !x.tag)) return undefined;
  const kept: boolean[] = [];
  let j = 0;
  for (const item of items) {
    const keep = j < values.length && (item as YAML.Scalar).value === values[j];
    kept.push(keep);
    if (keep) j++;
  }
  if (j !== values.length || j === 0) return undefined;
  const edits: Edit[] = [];
  let i = 0;
  while (i < items.length) {
    if (kept[i]) {
      i++;
      continue;
    }
    let k = i;
    while (k < items.length && !kept[k]) k++;
    edits.push(...deleteRun(text, items, i, k, seq.flow === true, syntax, true));
    i = k;
  }
  return edits;
}

/** Edits turning the statement map `stmt` (written as `original`) into `part`. */
function statementEdits(
  style: Style,
  stmt: YAMLMap,
  original: Record<string, unknown>,
  part: Record<string, unknown>,
  index = 0,
): Edit[] {
  const t = style.text;
  const changed = nonLiteralChanged(style, stmt, original, part);
  if (changed) {
    const label = typeof original.Sid === 'string' && original.Sid ? original.Sid : `#${index}`;
    const alias = /^the alias \*(.*)$/.exec(changed.what)?.[1];
    const anchor = alias === undefined ? undefined : anchorLine(t, alias, changed.at);
    throw new Unfixable(
      `the part of statement ${label} (line ${lineNumber(t, start(stmt))}) that changes is not literal: its ${changed.key} holds ${changed.what}` +
        (alias === undefined
          ? ', which fix does not rewrite: change it by hand'
          : `, whose value is the anchor &${alias}${anchor ? ` at line ${anchor}` : ''}: rewriting it would change the anchor and its other uses; edit it by hand`),
    );
  }
  const edits: Edit[] = [];
  const firstKey = stmt.items[0]?.key as Node | undefined;
  if (!firstKey) throw new Unfixable('an empty statement');
  // Members start at the first key's column (in YAML the line may start with the item's `- `).
  const memberIndent =
    style.json || stmt.flow ? lineIndent(t, start(firstKey)) : columnPad(t, start(firstKey));
  const keyLike = firstKey;
  const renamed: Record<string, string> = { Action: 'NotAction', Resource: 'NotResource' };
  const done = new Set<string>();
  const blockYaml = !style.json && !stmt.flow;
  for (const [k, v] of Object.entries(part)) {
    let pair = pairOf(stmt, k);
    let rename = false;
    if (!pair && renamed[k] && pairOf(stmt, renamed[k]!)) {
      pair = pairOf(stmt, renamed[k]!);
      rename = true;
    }
    if (pair) {
      done.add(String((pair.key as YAML.Scalar).value));
      const orig = pair.value as Node | null;
      if (!rename && isDeepStrictEqual(v, original[k])) continue;
      if (!orig || !orig.range) throw new Unfixable(`the statement's ${k} has no value`);
      const keyNode = pair.key as Node;
      if (rename)
        edits.push({ start: start(keyNode), end: keyNode.range![1], text: keyText(style, k, keyNode) });
      // Items only removed: each removed item goes with its line or separator, the rest (and any
      // comment beside them) stays as written.
      const removal = isSeq(orig) && isStringList(v) ? removalEdits(t, orig, v, syntaxOf(style)) : undefined;
      if (removal) {
        edits.push(...removal);
        continue;
      }
      const text = writeValue(style, v, orig, stmt, memberIndent);
      if (blockYaml && text.startsWith('\n')) {
        // a block value below the key: replace from the key's end (`Key:` + value)
        const colon = t.indexOf(':', keyNode.range![1]);
        edits.push({ start: colon + 1, end: endOf(orig), text });
      } else edits.push({ start: start(orig), end: endOf(orig), text });
      continue;
    }
    // A new key (an added Condition): after the statement's last member, in its style.
    const lastPair = stmt.items[stmt.items.length - 1]!;
    const lastEnd =
      lastPair.value && (lastPair.value as Node).range
        ? endOf(lastPair.value as Node)
        : endOf(lastPair.key as Node);
    const value = writeValue(style, v, undefined, stmt, memberIndent);
    const multiline = t.slice(start(stmt), endOf(stmt)).includes('\n');
    if (blockYaml) {
      edits.push({
        start: lastEnd,
        end: lastEnd,
        text: `\n${memberIndent}${keyText(style, k, keyLike)}:${value.startsWith('\n') ? '' : ' '}${value}`,
      });
    } else {
      // (an HCL value of several lines takes one space each side of its `=`, as terraform fmt
      // writes it, whatever padding aligns the one-line members above it)
      const colon =
        style.hcl && value.includes('\n')
          ? ' = '
          : (/^\s*[:=]\s*/.exec(t.slice((lastPair.key as Node).range![1]))?.[0] ??
            (style.hcl ? ' = ' : ': '));
      // HCL members on their own lines need no comma (unless the object writes them)
      const commas =
        !style.hcl ||
        (stmt.items.length > 1 &&
          t.slice(endOf(stmt.items[0]!.value as Node), start(stmt.items[1]!.key as Node)).includes(','));
      const sep = multiline ? `${commas ? ',' : ''}\n${memberIndent}` : inlineSeparators(style, stmt).comma;
      edits.push({
        start: lastEnd,
        end: lastEnd,
        text: `${sep}${keyText(style, k, keyLike)}${colon}${value}`,
      });
    }
  }
  for (const p of stmt.items) {
    const k = String((p.key as YAML.Scalar).value);
    if (!done.has(k) && !(k in part)) throw new Unfixable(`the statement's ${k} would be removed`);
  }
  return edits;
}

/** The first value that changes and holds a tag, an intrinsic function, an interpolation or an alias. */
function nonLiteralChanged(
  style: Style,
  stmt: YAMLMap,
  original: Record<string, unknown>,
  part: Record<string, unknown>,
): { key: string; what: string; at: number } | undefined {
  for (const p of stmt.items) {
    const k = String((p.key as YAML.Scalar).value);
    const kept = k in part && isDeepStrictEqual(part[k], original[k]);
    const what = kept ? undefined : nonLiteralOf(p.value, style.interpolations);
    if (what) {
      const v = p.value as Node | null;
      return { key: k, what, at: v && v.range ? start(v) : start(stmt) };
    }
  }
  return undefined;
}

/**
 * The edits that rewrite a statement list (a sequence node, or a single statement map) as the
 * fates say. `originals` are the statements as written (index-aligned with the nodes).
 */
export function statementListEdits(
  text: string,
  json: boolean,
  list: Node,
  originals: Record<string, unknown>[],
  fates: StatementFate[],
  interpolations = false,
  hcl = false,
): Edit[] {
  const style: Style = { json: json || hcl, hcl, text, interpolations };
  if (isMap(list)) {
    const fate = fates[0];
    if (!fate || fate.kind === 'keep') return [];
    if (fate.kind === 'drop' || fate.parts.length !== 1)
      throw new Unfixable(
        'the single statement (not in a list) would be removed or split: write the statements as a list first',
      );
    return statementEdits(style, list, originals[0]!, fate.parts[0]!);
  }
  if (!isSeq(list)) throw new Unfixable('the Statement is neither a list nor an object');
  const items = list.items as Node[];
  if (items.length !== fates.length)
    throw new Unfixable('the statements as written do not match the document read');
  const edits: Edit[] = [];
  const kept = fates.map((f) => f.kind !== 'drop');
  if (!kept.some(Boolean))
    throw new Unfixable('every statement would be removed: delete the policy (or detach it) instead');
  // Separator between two items (to join the parts of a split statement).
  const joiner = (i: number): string => {
    const item = items[i]!;
    if (!list.flow) {
      const dash = text.lastIndexOf('-', start(item));
      return `\n${columnPad(text, dash)}${text.slice(dash, start(item))}`;
    }
    const next = items[i + 1] ?? items[i - 1];
    if (next && items.length > 1) {
      const a = i + 1 < items.length ? item : next;
      const b = i + 1 < items.length ? next : item;
      const between = text.slice(endOf(a), start(b));
      // Without the comments it holds (a neighbour's, or a line of its own): copied between the
      // parts, they would be written twice.
      if (!/#|\/\/|\/\*/.test(between)) return between;
      const comma = between.includes(',') ? ',' : '';
      return between.includes('\n') ? `${comma}\n${lineIndent(text, start(b))}` : `${comma} `;
    }
    const multiline = text.slice(start(item), endOf(item)).includes('\n');
    return multiline ? `,\n${lineIndent(text, start(item))}` : ', ';
  };
  fates.forEach((fate, i) => {
    const item = items[i]!;
    if (fate.kind !== 'rewrite') return;
    if (!isMap(item)) {
      // Numbered as the audit's findings number statements (`#1`); a CloudFormation `!If` or
      // `Fn::If` that picks a statement is not rewritten.
      const tag = (item as { tag?: string } | null)?.tag;
      const fn = tag && tag.startsWith('!') ? tag : undefined;
      throw new Unfixable(
        fn
          ? `statement #${i} is chosen by ${fn} (an intrinsic function), which fix does not rewrite: change it in the template`
          : `statement #${i} is not written as an object (an intrinsic function or a reference chooses it), which fix does not rewrite: change it in the template`,
      );
    }
    const partTexts = fate.parts.map((part, n) => {
      const es = statementEdits(style, item, originals[i]!, part, i);
      const s = start(item);
      const body = text.slice(s, endOf(item));
      const written = applyEdits(
        body,
        es.map((e) => ({ start: e.start - s, end: e.end - s, text: e.text })),
      );
      // the statement's comments stay once, on its first part
      return n === 0 ? written : withoutComments(written, syntaxOf(style), columnPad(text, s).length);
    });
    edits.push({ start: start(item), end: endOf(item), text: partTexts.join(joiner(i)) });
  });
  // Deletions: each run of dropped items goes with the separator after it (or, at the end, before).
  let i = 0;
  while (i < items.length) {
    if (kept[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < items.length && !kept[j]) j++;
    edits.push(...deleteRun(text, items, i, j, list.flow === true, syntaxOf(style), false));
    i = j;
  }
  return edits;
}

/** A list of strings written in place of the HCL list `orig` (a flow sequence), in its layout. */
export function writeStringList(text: string, values: string[], orig: YAMLSeq, memberIndent: string): string {
  const style: Style = { json: true, hcl: true, text, interpolations: false };
  const stmt = new YAMLMap();
  stmt.flow = true;
  stmt.range = orig.range ?? [0, 0, 0];
  return writeList(style, values, orig as Node, stmt, memberIndent);
}
