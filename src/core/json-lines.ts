// JSON helpers shared by every parser: JSON paths, parsing with a line/column on failure, and
// finding the 1-based line where values start, for many paths at once in one linear pass.
//
// locateLines never recurses (100,000 levels of nesting are fine) and never builds a tree: it walks
// the text once with a small explicit stack that only follows containers some requested path
// enters; every other value is skipped with a tight character-code loop.

export type JsonPath = (string | number)[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * `['resource_changes', 3, 'change', 'after', 'policy']` -> `$.resource_changes[3].change.after.policy`.
 * Joined, not built up with `+=`: one flat string rather than a tree of a node and a copied piece
 * per step (a record keeps its path to the end of the run).
 */
export function formatJsonPath(p: JsonPath): string {
  const parts: string[] = ['$'];
  for (const k of p) {
    if (typeof k === 'number') parts.push('[', String(k), ']');
    else if (IDENT.test(k)) parts.push('.', k);
    else parts.push('[', JSON.stringify(k), ']');
  }
  return parts.join('');
}

export type ParseJsonResult =
  { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/** JSON.parse that strips a leading UTF-8 BOM and, on failure, says where (1-based line and column). */
export function parseJson(text: string): ParseJsonResult {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(t) as unknown };
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const lc = /\(line (\d+) column (\d+)\)/.exec(raw);
    if (lc) return { ok: false, message: cleanMessage(raw), line: Number(lc[1]), column: Number(lc[2]) };
    const pos = /at position (\d+)/.exec(raw);
    let offset: number | undefined = pos ? Number(pos[1]) : undefined;
    if (offset === undefined) offset = findJsonErrorOffset(t);
    if (offset === undefined) return { ok: false, message: cleanMessage(raw), line: 1, column: 1 };
    const { line, column } = lineColumnAt(t, offset);
    return { ok: false, message: cleanMessage(raw) + trailingComma(t, offset), line, column };
  }
}

/**
 * The hint for an error at a `}` or `]` that a comma comes just before (`"Resource": "*", }`): the
 * usual slip when a policy is edited by hand, which V8 calls a missing property name (a review).
 */
function trailingComma(t: string, offset: number): string {
  const at = t[offset];
  if (at !== '}' && at !== ']') return '';
  let i = offset - 1;
  while (i >= 0 && /\s/.test(t[i]!)) i--;
  return t[i] === ',' ? ` (a trailing comma before this ${at}: JSON allows none, remove it)` : '';
}

/** Drops V8's position suffix and its quoted excerpt of the input (which could hold a secret). */
function cleanMessage(raw: string): string {
  let m = raw
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/\s*at position \d+/, '');
  // `Unexpected token 'x', "excerpt" is not valid JSON` (the excerpt may be cut with `...`)
  m = m.replace(/,\s.* is not valid JSON$/s, '');
  m = m.replace(/^.* is not valid JSON$/s, 'Not valid JSON');
  return m.trim() || 'Not valid JSON';
}

/** 1-based line and column (in UTF-16 code units) of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = 0;
  let i = text.indexOf('\n', 0);
  while (i !== -1 && i < end) {
    line++;
    lineStart = i + 1;
    i = text.indexOf('\n', lineStart);
  }
  return { line, column: end - lineStart + 1 };
}

// Character codes.
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACK = 91;
const RBRACK = 93;
const COMMA = 44;
const COLON = 58;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipWs(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** From an opening quote, the index just after the closing quote (text.length when unterminated). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q === -1) return text.length;
    // Count the backslashes right before the quote: an odd count escapes it.
    let b = q - 1;
    while (b > i && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** From `{` or `[`, the index just after the matching close (text.length when unbalanced). */
function skipContainer(text: string, i: number): number {
  const n = text.length;
  let depth = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (c === LBRACE || c === LBRACK) depth++;
    else if (c === RBRACE || c === RBRACK) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return n;
}

/** A scalar (number, true, false, null): the index of the first character after it. */
function skipScalar(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === RBRACE || c === RBRACK || isWs(c)) break;
    i++;
  }
  return i;
}

interface Trie {
  children: Map<string | number, Trie> | undefined;
  ids: number[] | undefined;
}

interface Frame {
  node: Trie;
  isArray: boolean;
  index: number;
}

/**
 * Whether every value of a JSON text starts on its first line: the text has no newline, or only
 * whitespace after its first one (`terraform show -json` prints one line, and a final newline).
 */
export function onOneLine(text: string): boolean {
  const nl = text.indexOf('\n');
  if (nl === -1) return true;
  for (let i = text.length - 1; i > nl; i--) if (!isWs(text.charCodeAt(i))) return false;
  return true;
}

/** Whether `path` leads to a value in `value` (array indices in arrays, own keys in objects). */
export function hasPath(value: unknown, path: JsonPath): boolean {
  let v = value;
  for (const k of path) {
    if (typeof k === 'number') {
      if (!Array.isArray(v) || !(k >= 0 && k < v.length) || !Number.isInteger(k)) return false;
      v = v[k];
    } else {
      if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, k)) return false;
      v = v[k];
    }
  }
  return true;
}

/**
 * For each path, the 1-based line where the value at that path starts (undefined when the path is
 * not in the text). One pass over the text for all paths together; duplicate object keys resolve to
 * the last occurrence, as JSON.parse does. A leading BOM is skipped.
 *
 * `value`, when given, must be what JSON.parse made of `text`: a text on one line (a plan as
 * `terraform show -json` prints it) then needs no pass at all, each path being looked up in the
 * value instead (every path found there starts on line 1; when one is not found there, the text
 * is walked as usual, so the answers are the same either way).
 */
export function locateLines(
  text: string,
  paths: JsonPath[],
  value?: unknown,
  /**
   * The text was on one line and has been let go (`text` is then not read; SourceFile.oneLine):
   * a path found in `value` is on line 1, and one not found there gets no line. The one case where
   * the walk of the text answered otherwise is a path held only by the first of two equal keys (a
   * value JSON.parse replaced by the second's): the walk gave it line 1.
   */
  textGone = false,
): (number | undefined)[] {
  const result: (number | undefined)[] = new Array<number | undefined>(paths.length).fill(undefined);
  if (paths.length === 0) return result;
  if (textGone) {
    if (value !== undefined)
      for (let i = 0; i < paths.length; i++) if (hasPath(value, paths[i]!)) result[i] = 1;
    return result;
  }
  if (value !== undefined && onOneLine(text) && paths.every((p) => hasPath(value, p))) return result.fill(1);
  const root: Trie = { children: undefined, ids: undefined };
  for (let id = 0; id < paths.length; id++) {
    let node = root;
    for (const k of paths[id]!) {
      if (!node.children) node.children = new Map();
      let next = node.children.get(k);
      if (!next) {
        next = { children: undefined, ids: undefined };
        node.children.set(k, next);
      }
      node = next;
    }
    (node.ids ??= []).push(id);
  }

  // Lines are counted lazily up to recorded positions, which only move forward. The next newline
  // is remembered, so each is found once (a one-line plan of 100 MB is not searched again per path).
  let line = 1;
  let nextNl = text.indexOf('\n');
  const lineAt = (pos: number): number => {
    while (nextNl !== -1 && nextNl < pos) {
      line++;
      nextNl = text.indexOf('\n', nextNl + 1);
    }
    return line;
  };

  const n = text.length;
  const stack: Frame[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let target: Trie | undefined = root;

  // Each turn handles one value (with `target` its trie node, if a path reaches it), then finds the
  // next value by closing containers and reading the next array element or object member.
  for (;;) {
    i = skipWs(text, i);
    if (i >= n) break;
    if (target?.ids) {
      const l = lineAt(i);
      for (const id of target.ids) result[id] = l;
    }
    const c = text.charCodeAt(i);
    let opened = false;
    if (c === LBRACE || c === LBRACK) {
      if (target?.children) {
        stack.push({ node: target, isArray: c === LBRACK, index: 0 });
        i++;
        opened = true;
      } else {
        i = skipContainer(text, i);
      }
    } else if (c === QUOTE) {
      i = skipString(text, i);
    } else {
      const j = skipScalar(text, i);
      if (j === i) break; // a stray `,` `]` `}`: malformed
      i = j;
    }

    // Find where the next value starts.
    target = undefined;
    let found = false;
    let first = opened;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      i = skipWs(text, i);
      if (i >= n) break;
      const d = text.charCodeAt(i);
      if (d === RBRACE || d === RBRACK) {
        stack.pop();
        i++;
        first = false;
        continue;
      }
      if (!first) {
        if (d !== COMMA) break; // malformed
        i = skipWs(text, i + 1);
        if (i >= n) break;
      }
      if (top.isArray) {
        target = top.node.children!.get(top.index++);
        found = true;
        break;
      }
      if (text.charCodeAt(i) !== QUOTE) break; // malformed
      const end = skipString(text, i);
      const rawKey = text.slice(i + 1, end - 1);
      let key = rawKey;
      if (rawKey.indexOf('\\') !== -1) {
        try {
          key = JSON.parse(text.slice(i, end)) as string;
        } catch {
          key = rawKey;
        }
      }
      i = skipWs(text, end);
      if (text.charCodeAt(i) !== COLON) break; // malformed
      i++;
      target = top.node.children!.get(key);
      found = true;
      break;
    }
    if (!found) break;
  }
  return result;
}

/**
 * The offset of the first JSON syntax error in `text` (undefined when it is valid JSON). Used when
 * the engine's message gives no position (Node 20's "Unexpected token" messages). Iterative.
 */
export function findJsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  // Stack of open containers: true for array, false for object.
  const stack: boolean[] = [];
  let i = skipWs(text, 0);
  // state: 0 expect value, 1 after value, 2 expect key (object start or after comma)
  let state = 0;
  let afterOpen = false;
  for (;;) {
    i = skipWs(text, i);
    if (state === 0) {
      if (i >= n) return n;
      const c = text.charCodeAt(i);
      if (afterOpen && c === RBRACK && stack[stack.length - 1] === true) {
        stack.pop();
        i++;
        afterOpen = false;
        state = 1;
        continue;
      }
      afterOpen = false;
      if (c === LBRACE) {
        stack.push(false);
        i++;
        i = skipWs(text, i);
        if (text.charCodeAt(i) === RBRACE) {
          stack.pop();
          i++;
          state = 1;
        } else state = 2;
        continue;
      }
      if (c === LBRACK) {
        stack.push(true);
        i++;
        afterOpen = true;
        continue;
      }
      if (c === QUOTE) {
        const e = stringError(text, i);
        if (typeof e === 'number' && e < 0) return -e - 1;
        i = e;
        state = 1;
        continue;
      }
      const e = scalarEnd(text, i);
      if (e < 0) return -e - 1;
      i = e;
      state = 1;
      continue;
    }
    if (state === 2) {
      if (i >= n) return n;
      if (text.charCodeAt(i) !== QUOTE) return i;
      const e = stringError(text, i);
      if (e < 0) return -e - 1;
      i = skipWs(text, e);
      if (i >= n) return n;
      if (text.charCodeAt(i) !== COLON) return i;
      i++;
      state = 0;
      continue;
    }
    // state 1: after a value
    if (stack.length === 0) return i < n ? i : undefined;
    if (i >= n) return n;
    const c = text.charCodeAt(i);
    const inArray = stack[stack.length - 1]!;
    if (c === COMMA) {
      i++;
      state = inArray ? 0 : 2;
      continue;
    }
    if ((inArray && c === RBRACK) || (!inArray && c === RBRACE)) {
      stack.pop();
      i++;
      continue;
    }
    return i;
  }
}

/** End index after a valid string, or -(offset+1) of its error. */
function stringError(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c < 32) return -(j + 1);
    if (c === BACKSLASH) {
      const d = text.charCodeAt(j + 1);
      if (d === 117 /* u */) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return -(j + 1);
        j += 6;
        continue;
      }
      if ('"\\/bfnrt'.indexOf(String.fromCharCode(d)) === -1 || j + 1 >= n) return -(j + 1);
      j += 2;
      continue;
    }
    j++;
  }
  return -(n + 1);
}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;

/** End index after a valid literal or number, or -(offset+1) of its error. */
function scalarEnd(text: string, i: number): number {
  for (const lit of ['true', 'false', 'null']) {
    if (text.startsWith(lit, i)) return i + lit.length;
  }
  const m = NUMBER.exec(text.slice(i, i + 400));
  if (m && m[0].length > 0) return i + m[0].length;
  return -(i + 1);
}

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
