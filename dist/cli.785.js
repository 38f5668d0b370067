export const id = 785;
export const ids = [785];
export const modules = {

/***/ 2785:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fileDiff: () => (/* binding */ fileDiff),
  fixCommand: () => (/* binding */ fixCommand),
  writeAtomically: () => (/* binding */ writeAtomically)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./node_modules/diff/libesm/patch/create.js + 2 modules
var create = __webpack_require__(7291);
// EXTERNAL MODULE: ./src/audit/run.ts + 22 modules
var run = __webpack_require__(6934);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/escape.ts
var core_escape = __webpack_require__(4536);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/core/json-lines.ts
var json_lines = __webpack_require__(531);
// EXTERNAL MODULE: ./src/policy/document.ts
var policy_document = __webpack_require__(1561);
// EXTERNAL MODULE: ./src/policy/raw.ts
var policy_raw = __webpack_require__(420);
// EXTERNAL MODULE: ./src/sources/index.ts + 10 modules
var sources = __webpack_require__(403);
// EXTERNAL MODULE: ./src/audit/report-model.ts
var report_model = __webpack_require__(2649);
// EXTERNAL MODULE: ./src/policy/glob.ts
var glob = __webpack_require__(4062);
;// CONCATENATED MODULE: ./src/fix/align.ts
// Which statements of the minimal policy come from which statement as written. The minimal policy
// (src/audit/minimal.ts) keeps a statement as written, drops it, or rewrites it into one or more
// parts (same keys in the same order, only Sid, Action, Resource and Condition changed): this
// finds the alignment that keeps the most statements as written. Pure.



/** Keys a minimal part may change (the rest must be as written). */
const CHANGEABLE = new Set(['Sid', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
/** Could `part` be a rewrite of `original` (see minimal.ts rewriteStatement)? */
function derivable(part, original) {
    if (!(0,json_lines/* isObject */.Gv)(part) || !(0,json_lines/* isObject */.Gv)(original))
        return false;
    if (original.Effect === 'Deny')
        return false;
    // rewriteStatement keeps a Sid when there is one, always writes an Action, and keeps a
    // Condition (the written one, or one with the baseline's added)
    if ('Sid' in original !== 'Sid' in part || !('Action' in part))
        return false;
    if ('Condition' in original && !('Condition' in part))
        return false;
    for (const [k, v] of Object.entries(part)) {
        if (k === 'Sid') {
            const sid = original.Sid;
            if (typeof sid !== 'string' || typeof v !== 'string')
                return false;
            if (v !== sid && !(v.startsWith(sid) && /^\d+$/.test(v.slice(sid.length))))
                return false;
            continue;
        }
        if (CHANGEABLE.has(k))
            continue;
        if (!(k in original) || !(0,external_node_util_.isDeepStrictEqual)(v, original[k]))
            return false;
    }
    for (const k of Object.keys(original))
        if (!CHANGEABLE.has(k) && !(k in part))
            return false;
    return true;
}
function asList(v) {
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => typeof x === 'string');
}
/**
 * A test of whether a part names an action its original does not write: one a pattern of its
 * Action matches (`ec2:DescribeImages` of `ec2:Describe*`, which the minimal policy names one by
 * one) is written. Made once per original (its names and compiled patterns).
 */
function foreignTest(original) {
    if (!(0,json_lines/* isObject */.Gv)(original))
        return () => true;
    const written = new Set([...asList(original.Action), ...asList(original.NotAction)].map((a) => a.toLowerCase()));
    const globs = asList(original.Action)
        .filter(glob/* hasWildcard */.rl)
        .map((p) => (0,glob/* compileGlob */.SO)(p, { caseInsensitive: true }));
    return (part) => !(0,json_lines/* isObject */.Gv)(part) ||
        asList(part.Action).some((a) => !written.has(a.toLowerCase()) && !globs.some((g) => g.matches(a.toLowerCase())));
}
/** A value as text with each object's keys sorted: two values are deep-equal when their texts are. */
function canonical(v) {
    return JSON.stringify(v, (_k, x) => (0,json_lines/* isObject */.Gv)(x) && !Array.isArray(x)
        ? Object.fromEntries(Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]))
        : x);
}
/**
 * The fate of each original statement, or undefined when the minimal statements cannot be read as
 * rewrites of the originals in order. Each original takes a run (maybe empty) of the minimal
 * statements; a run equal to the original is a keep (cost 0), anything else costs 1 (a part whose
 * actions are not all written in the original costs a quarter more: it breaks ties towards the
 * statement the actions come from). Of equal costs: keep, then drop, then the shortest rewrite.
 *
 * In O(n·m) steps: for an original, the parts it can take from minimal[j] on are a run of
 * derivable ones, so the best rewrite from j is a running minimum over that run, kept as j
 * goes down (a review: the run was walked again from each j, O(n·m²), and a policy of 1,000
 * statements without Sids did not finish `fix` in five minutes).
 */
function alignStatements(originals, minimal) {
    const n = originals.length;
    const m = minimal.length;
    const INF = Number.POSITIVE_INFINITY;
    const originalText = originals.map(canonical);
    const minimalText = minimal.map(canonical);
    // best[i][j]: least cost aligning originals[i..] with minimal[j..]; choice: how (see below).
    const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1).fill(INF));
    const choice = Array.from({ length: n + 1 }, () => new Int32Array(m + 1).fill(-1));
    best[n][m] = 0;
    for (let i = n - 1; i >= 0; i--) {
        const here = best[i];
        const next = best[i + 1];
        const how = choice[i];
        const foreign = foreignTest(originals[i]);
        // The best rewrite of originals[i] into minimal[j..t-1] for t in j+1..(end of j's run of
        // derivable parts): cost next[t] + 1 + 0.25 × (foreign parts in j..t-1), with the shortest t
        // of equal costs. As the foreign count from j is F(j) - F(t) (F counted from the run's end),
        // the minimum is of next[t] - 0.25 F(t), plus 1 + 0.25 F(j).
        let runMin = INF; // min over t of next[t] - 0.25 F(t), in the current run
        let runAt = -1; // its t (the smallest of equal values)
        let foreignFromEnd = 0; // F(j+1): foreign parts from j+1 to the run's end
        for (let j = m; j >= 0; j--) {
            // keep: exactly one, equal
            if (j < m &&
                minimalText[j] === originalText[i] &&
                next[j + 1] < here[j] &&
                (0,external_node_util_.isDeepStrictEqual)(minimal[j], originals[i])) {
                here[j] = next[j + 1];
                how[j] = 1 + 1_000_000; // marker: keep of length 1
            }
            // drop
            if (next[j] + 1 < here[j]) {
                here[j] = next[j] + 1;
                how[j] = 0;
            }
            if (j === m)
                continue;
            if (!derivable(minimal[j], originals[i])) {
                runMin = INF;
                runAt = -1;
                foreignFromEnd = 0;
                continue;
            }
            // t = j + 1 joins the run's candidates (its F is F(j+1), before this part is counted).
            const candidate = next[j + 1] - 0.25 * foreignFromEnd;
            if (candidate <= runMin) {
                runMin = candidate;
                runAt = j + 1;
            }
            foreignFromEnd += foreign(minimal[j]) ? 1 : 0;
            const c = runMin + 1 + 0.25 * foreignFromEnd;
            if (c < here[j]) {
                here[j] = c;
                how[j] = runAt - j;
            }
        }
    }
    if (best[0][0] === INF)
        return undefined;
    const out = [];
    let j = 0;
    for (let i = 0; i < n; i++) {
        const c = choice[i][j];
        if (c > 1_000_000) {
            out.push({ kind: 'keep' });
            j += 1;
        }
        else if (c === 0)
            out.push({ kind: 'drop' });
        else {
            out.push({ kind: 'rewrite', parts: minimal.slice(j, j + c) });
            j += c;
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./src/fix/edit.ts
// Rewriting the statements of a policy in JSON or YAML text, in place, through the `yaml`
// package's document nodes (which read JSON too and give every node's character range). Only the
// values that change are rewritten, each in the style of the text around it (quotes, one line or
// one item a line, indentation copied from neighbours); everything else stays byte for byte.


/**
 * Applies non-overlapping edits (any order). In a text whose lines all end with CRLF, the new text's
 * line ends are written as CRLF too.
 */
function applyEdits(text, edits) {
    const crlf = text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
    const sorted = [...edits]
        .map((e) => (crlf ? { ...e, text: e.text.replace(/\r?\n/g, '\r\n') } : e))
        .sort((a, b) => b.start - a.start || b.end - a.end);
    let out = text;
    let limit = Number.POSITIVE_INFINITY;
    for (const e of sorted) {
        if (e.end > limit)
            throw new Error('overlapping edits');
        out = out.slice(0, e.start) + e.text + out.slice(e.end);
        limit = e.start;
    }
    return out;
}
/** Thrown (and turned into a `notFixed` reason) where the text is not in a form this rewrites. */
class Unfixable extends Error {
}
/** Parses JSON or YAML text into `yaml` nodes with ranges (no custom tags: a tag stays visible). */
function parseNodes(text) {
    return dist.parseDocument(text, {
        uniqueKeys: false,
        prettyErrors: false,
        keepSourceTokens: false,
        logLevel: 'error',
    });
}
/** The value of a key in a map node (the last one, as JSON.parse reads duplicates). */
function pairOf(map, key) {
    let found;
    for (const p of map.items)
        if ((0,dist.isScalar)(p.key) && String(p.key.value) === key)
            found = p;
    return found;
}
function start(n) {
    return n.range[0];
}
/** Where the node's own text ends (a block collection ends at its last value, not after comments). */
function endOf(n) {
    if ((0,dist.isScalar)(n))
        return n.range[1];
    if (((0,dist.isMap)(n) || (0,dist.isSeq)(n)) && !n.flow) {
        const last = n.items[n.items.length - 1];
        if (last === undefined)
            return n.range[1];
        if ((0,dist.isPair)(last)) {
            const v = last.value;
            return v && v.range ? endOf(v) : endOf(last.key);
        }
        return endOf(last);
    }
    return n.range[1];
}
function lineStart(text, pos) {
    return text.lastIndexOf('\n', pos - 1) + 1;
}
/** The white space that starts the line holding `pos`. */
function lineIndent(text, pos) {
    const ls = lineStart(text, pos);
    return /^[ \t]*/.exec(text.slice(ls, pos))[0];
}
/** Column of pos (as white space of the same length, tabs kept). */
function columnPad(text, pos) {
    return text.slice(lineStart(text, pos), pos).replace(/[^\t]/g, ' ');
}
function syntaxOf(style) {
    return style.hcl ? 'hcl' : style.json ? 'json' : 'yaml';
}
/** Is the line (without its line break) a comment and nothing else? */
function isCommentLine(line, syntax) {
    const s = line.trim();
    if (syntax === 'yaml')
        return s.startsWith('#');
    if (syntax === 'hcl')
        return (s.startsWith('#') ||
            s.startsWith('//') ||
            (s.startsWith('/*') && s.endsWith('*/') && s.indexOf('*/') === s.length - 2));
    return false;
}
/** What may follow an item on its last line for the line to be the item's own: a comma and a comment. */
function lineRestIsOwn(rest, syntax) {
    const comment = syntax === 'yaml'
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
function ownLines(text, first, lastEnd, syntax) {
    const ls = lineStart(text, first);
    if (!/^[ \t]*$/.test(text.slice(ls, first)))
        return undefined;
    const nl = text.indexOf('\n', lastEnd);
    const rest = text.slice(lastEnd, nl === -1 ? text.length : nl);
    if (!lineRestIsOwn(rest, syntax))
        return undefined;
    let from = ls;
    while (from > 0) {
        const prev = lineStart(text, from - 1);
        if (!isCommentLine(text.slice(prev, from - 1), syntax))
            break;
        from = prev;
    }
    let to = nl === -1 ? text.length : nl + 1;
    // a blank line on each side: one of them goes too
    const blank = (a, b) => /^[ \t]*\r?$/.test(text.slice(a, b));
    if (from > 0 && to < text.length) {
        const prev = lineStart(text, from - 1);
        const nextNl = text.indexOf('\n', to);
        if (blank(prev, from - 1) && nextNl !== -1 && blank(to, nextNl))
            to = nextNl + 1;
    }
    return { from, to, trailingComma: /^[ \t]*,/.test(rest) };
}
/** Where a list item's text starts: a block list item at its `-`. */
function dashOf(text, n, flow) {
    if (flow)
        return start(n);
    const dash = text.lastIndexOf('-', start(n));
    return dash === -1 ? start(n) : dash;
}
/**
 * The edit deleting items [i, k) of a list (kept items elsewhere), when they have lines of their
 * own: each goes with its comment lines directly above it and its comment on its last line; the
 * comments of the kept items stay. `lineOf` gives where an item's line starts (a block list's `-`).
 */
function runDeletion(text, items, i, k, flow, syntax, lineOf) {
    const own = ownLines(text, lineOf(items[i]), endOf(items[k - 1]), syntax);
    if (!own)
        return undefined;
    if (k < items.length) {
        if (start(items[k]) < own.to)
            return undefined;
        return [{ start: own.from, end: own.to, text: '' }];
    }
    if (!flow || own.trailingComma)
        return [{ start: own.from, end: own.to, text: '' }];
    // the last items of a flow list written without a trailing comma: the comma before them goes too
    const prevEnd = endOf(items[i - 1]);
    const comma = /^[ \t]*,/.exec(text.slice(prevEnd));
    if (!comma || prevEnd + comma[0].length > own.from)
        return undefined;
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
function deleteRun(text, items, i, k, flow, syntax, joinAtFileEnd) {
    const own = runDeletion(text, items, i, k, flow, syntax, (n) => dashOf(text, n, flow));
    if (own)
        return own;
    if (flow)
        return k < items.length
            ? [{ start: start(items[i]), end: start(items[k]), text: '' }]
            : [{ start: endOf(items[i - 1]), end: endOf(items[k - 1]), text: '' }];
    const from = lineStart(text, start(items[i]));
    if (k < items.length)
        return [{ start: from, end: lineStart(text, start(items[k])), text: '' }];
    const nl = text.indexOf('\n', endOf(items[k - 1]));
    if (nl === -1)
        return [{ start: joinAtFileEnd ? from - 1 : from, end: text.length, text: '' }];
    return [{ start: from, end: nl + 1, text: '' }];
}
/** Where the comments of `text` are ([start, end) each, without the line break). */
function commentRanges(text, syntax) {
    const out = [];
    if (syntax === 'yaml') {
        let pos = 0;
        for (const tok of new dist.Lexer().lex(text)) {
            if (/^[\x02\x18\x1f]$/.test(tok))
                continue;
            if (tok.startsWith('#'))
                out.push([pos, pos + tok.length]);
            pos += tok.length;
        }
        return out;
    }
    if (syntax === 'json')
        return out;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            for (i++; i < text.length && text[i] !== '"'; i++)
                if (text[i] === '\\')
                    i++;
        }
        else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
            const nl = text.indexOf('\n', i);
            const end = nl === -1 ? text.length : nl;
            out.push([i, text[end - 1] === '\r' ? end - 1 : end]);
            i = end;
        }
        else if (c === '/' && text[i + 1] === '*') {
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
function withoutComments(text, syntax, column = 0) {
    const pad = ' '.repeat(column);
    const edits = [];
    for (const [a0, b0] of commentRanges(pad + text, syntax)) {
        const a = a0 - column;
        const b = b0 - column;
        const ls = lineStart(text, a);
        const nl = text.indexOf('\n', b);
        const lineEnd = nl === -1 ? text.length : nl;
        if (/^[ \t]*$/.test(text.slice(ls, a)) && /^[ \t\r]*$/.test(text.slice(b, lineEnd)) && ls > 0)
            edits.push({ start: ls - 1, end: lineEnd, text: '' });
        else {
            const ws = /[ \t]*$/.exec(text.slice(0, a))[0].length;
            edits.push({ start: a - ws, end: b, text: '' });
        }
    }
    return applyEdits(text, edits);
}
/** Is there a tag, an intrinsic function or an interpolation anywhere below the node? */
function hasNonLiteral(n, interpolations) {
    return nonLiteralOf(n, interpolations) !== undefined;
}
/**
 * The first tag, intrinsic function, interpolation or alias below the node, described for a
 * message (`the tag !Sub`, `Fn::Join (an intrinsic function)`, `the alias *acts`), or undefined.
 */
function nonLiteralOf(n, interpolations) {
    const stack = [n];
    while (stack.length) {
        const x = stack.pop();
        if (!x || typeof x !== 'object')
            continue;
        const node = x;
        if (node.tag === '!expr' && (0,dist.isScalar)(node))
            return `the expression ${edit_short(String(node.value))}`;
        if (node.tag && node.tag.startsWith('!'))
            return `the tag ${node.tag} (an intrinsic function)`;
        if ((0,dist.isScalar)(node)) {
            if (interpolations && typeof node.value === 'string' && /\$\{|%\{/.test(node.value))
                return `the interpolation ${edit_short(node.value)}`;
        }
        else if ((0,dist.isMap)(node)) {
            for (const p of node.items) {
                if ((0,dist.isScalar)(p.key) && /^(Ref|Fn::|Condition$)/.test(String(p.key.value)) && isIntrinsicKey(p))
                    return `${String(p.key.value)} (an intrinsic function)`;
                stack.push(p.key, p.value);
            }
        }
        else if ((0,dist.isSeq)(node))
            stack.push(...node.items);
        else if ((0,dist.isPair)(node))
            stack.push(node.key, node.value);
        else if ((0,dist.isAlias)(node))
            return `the alias *${node.source}`;
        else
            return 'a value that is not written literally';
    }
    return undefined;
}
function edit_short(s) {
    const one = s.replace(/\s+/g, ' ');
    return JSON.stringify(one.length > 60 ? `${one.slice(0, 57)}...` : one);
}
/** The line of `pos` (1-based). */
function lineNumber(text, pos) {
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1))
        n++;
    return n;
}
/** Where the anchor `&name` an alias at `pos` refers to is written (its line), when the text shows it. */
function anchorLine(text, name, pos) {
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let found;
    for (const m of text.slice(0, pos).matchAll(new RegExp(`&${esc}(?=[\\s,\\]}]|$)`, 'g')))
        found = m.index;
    return found === undefined ? undefined : lineNumber(text, found);
}
function isIntrinsicKey(p) {
    const k = String(p.key.value);
    return k === 'Ref' || k.startsWith('Fn::');
}
/** An HCL quoted string (JSON escapes; `${` and `%{` doubled so they stay literal). */
function hclString(value) {
    // (a function: in a replacement string `$$` is one `$`)
    return JSON.stringify(value)
        .replace(/\$\{/g, () => '$${')
        .replace(/%\{/g, () => '%%{');
}
/** An HCL value (objects with `=`, keys quoted unless identifiers), on one line or indented. */
function hclValue(v, eq, comma, indent, unit) {
    if (typeof v === 'string')
        return hclString(v);
    if (Array.isArray(v))
        return `[${v.map((x) => hclValue(x, eq, comma, undefined, unit)).join(comma)}]`;
    if (v !== null && typeof v === 'object') {
        const key = (k) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k));
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
            while (j < entries.length && oneLine[j])
                w = Math.max(w, width[j++]);
            width.fill(w, i, j);
            i = j;
        }
        return `{${entries.map(([k, x], i) => `\n${inner}${key(k).padEnd(width[i])} = ${hclValue(x, eq, comma, inner, unit)}`).join('')}\n${indent}}`;
    }
    return JSON.stringify(v);
}
function needsQuotes(value) {
    return /^["']/.test(dist.stringify(value, { lineWidth: 0 }));
}
function quoteLike(style, value, like) {
    if (style.hcl)
        return hclString(value);
    if (style.json)
        return JSON.stringify(value);
    let type = like && (0,dist.isScalar)(like) ? like.type : undefined;
    // quotes the neighbour could not do without (`"*"`) say nothing about the file's style
    if (type !== 'PLAIN' && like && (0,dist.isScalar)(like) && typeof like.value === 'string' && needsQuotes(like.value))
        type = 'PLAIN';
    if (type === 'QUOTE_DOUBLE')
        return JSON.stringify(value);
    if (type === 'QUOTE_SINGLE')
        return `'${value.replace(/'/g, "''")}'`;
    const plain = dist.stringify(value, { lineWidth: 0 }).trimEnd();
    return plain.includes('\n') ? JSON.stringify(value) : plain;
}
/** A scalar sibling whose quoting new scalars copy (the first string in the statement). */
function sampleScalar(stmt) {
    for (const p of stmt.items) {
        const v = p.value;
        if (v && (0,dist.isScalar)(v) && typeof v.value === 'string')
            return v;
        if (v && (0,dist.isSeq)(v)) {
            const s = v.items.find((x) => (0,dist.isScalar)(x));
            if (s)
                return s;
        }
    }
    return undefined;
}
function keyText(style, key, like) {
    if (style.hcl)
        return like && (0,dist.isScalar)(like) && like.type === 'PLAIN' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)
            ? key
            : hclString(key);
    return quoteLike(style, key, like);
}
/** The indentation unit of the statement (its members' column minus the statement's). */
function unitOf(style, stmt) {
    const first = stmt.items[0]?.key;
    if (!first)
        return '  ';
    if (!style.json && !stmt.flow) {
        // a block list under a key, as the statement writes one, else two spaces
        for (const p of stmt.items) {
            const v = p.value;
            if (v && (0,dist.isSeq)(v) && !v.flow && v.items.length) {
                const d = columnPad(style.text, start(v)).length - columnPad(style.text, start(p.key)).length;
                if (d > 0 && d <= 8)
                    return ' '.repeat(d);
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
function writeList(style, values, orig, stmt, memberIndent) {
    const t = style.text;
    const like = orig && (0,dist.isSeq)(orig) ? orig.items[0] : orig;
    const q = (v) => quoteLike(style, v, like ?? sampleScalar(stmt));
    if (orig && (0,dist.isSeq)(orig) && orig.flow) {
        const src = t.slice(start(orig), orig.range[1]);
        if (src.includes('\n') && orig.items.length > 0) {
            const first = orig.items[0];
            const itemIndent = lineIndent(t, start(first));
            const closeIndent = lineIndent(t, orig.range[1] - 1);
            const lastEnd = endOf(orig.items[orig.items.length - 1]);
            // separator after each item as written (`,` or `, `), from the first one
            const sep = orig.items.length > 1 ? (/^\s*,/.exec(t.slice(endOf(first)))?.[0].trim() ?? ',') : ',';
            const trailing = /^\s*,/.test(t.slice(lastEnd, orig.range[1] - 1)) ? ',' : '';
            return `[${values.map((v) => `\n${itemIndent}${q(v)}`).join(sep)}${trailing}\n${closeIndent}]`;
        }
        if (orig.items.length > 0) {
            const first = orig.items[0];
            const lead = t.slice(start(orig) + 1, start(first));
            const last = orig.items[orig.items.length - 1];
            const tail = t.slice(endOf(last), orig.range[1] - 1);
            const sep = orig.items.length > 1
                ? t.slice(endOf(first), start(orig.items[1]))
                : style.json
                    ? ', '
                    : ', ';
            return `[${lead}${values.map(q).join(sep)}${tail}]`;
        }
        return `[${values.map(q).join(', ')}]`;
    }
    if (orig && (0,dist.isSeq)(orig) && !orig.flow) {
        const pad = columnPad(t, start(orig));
        return values.map((v) => `- ${q(v)}`).join(`\n${pad}`);
    }
    // A string (or nothing) becomes a list: one item a line below the key when the statement is on
    // several lines, else on one line.
    const multiline = t.slice(start(stmt), endOf(stmt)).includes('\n');
    if (style.json || (orig === undefined ? stmt.flow : false)) {
        if (!multiline)
            return `[${values.map(q).join(inlineSeparators(style, stmt).comma)}]`;
        const ind = memberIndent + unitOf(style, stmt);
        return `[${values.map((v) => `\n${ind}${q(v)}`).join(',')}\n${memberIndent}]`;
    }
    if (stmt.flow)
        return `[${values.map(q).join(', ')}]`;
    // YAML block: the caller writes `Key:` then this (starting with a newline)
    const ind = memberIndent + unitOf(style, stmt);
    return values.map((v) => `\n${ind}- ${q(v)}`).join('');
}
/** A condition (or any JSON value) written in the statement's style. */
function writeObject(style, value, stmt, memberIndent) {
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
    const body = dist.stringify(value, { indent: unit.length, lineWidth: 0 }).trimEnd();
    return body
        .split('\n')
        .map((l) => `\n${memberIndent}${unit}${l}`)
        .join('');
}
/** The `:` and `,` of a one-line statement as written (`": "` or `":"`, `", "` or `","`). */
function inlineSeparators(style, stmt) {
    const t = style.text;
    const [a, b] = stmt.items;
    let colon = ': ';
    let comma = ', ';
    if (a && a.value && a.value.range)
        colon = t.slice(a.key.range[1], start(a.value));
    if (a && b && a.value && a.value.range)
        comma = t.slice(endOf(a.value), start(b.key));
    if (!/^\s*[:=]\s*$/.test(colon))
        colon = style.hcl ? ' = ' : ': ';
    if (!/^\s*,\s*$/.test(comma) || comma.includes('\n'))
        comma = ', ';
    return { colon, comma };
}
/** JSON on one line with the given separators. */
function compactJson(v, colon, comma) {
    if (Array.isArray(v))
        return `[${v.map((x) => compactJson(x, colon, comma)).join(comma)}]`;
    if (v !== null && typeof v === 'object')
        return `{${Object.entries(v)
            .map(([k, x]) => `${JSON.stringify(k)}${colon}${compactJson(x, colon, comma)}`)
            .join(comma)}}`;
    return JSON.stringify(v);
}
function isStringList(v) {
    return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
/** Text for `value` where `orig` was (YAML block values that start on the next line begin with \n). */
function writeValue(style, value, orig, stmt, memberIndent) {
    if (typeof value === 'string') {
        const like = orig && (0,dist.isScalar)(orig) ? orig : sampleScalar(stmt);
        return quoteLike(style, value, like);
    }
    if (isStringList(value))
        return writeList(style, value, orig, stmt, memberIndent);
    if (value !== null && typeof value === 'object')
        return writeObject(style, value, stmt, memberIndent);
    throw new Unfixable(`cannot write a value of type ${typeof value}`);
}
/**
 * The edits that remove items from the list `seq` so that it holds `values` (a subsequence of its
 * string items, at least one kept); undefined when `values` is not such a subsequence.
 */
function removalEdits(text, seq, values, syntax) {
    const items = seq.items;
    if (!items.every((x) => (0,dist.isScalar)(x) && typeof x.value === 'string' && !x.tag))
        return undefined;
    const kept = [];
    let j = 0;
    for (const item of items) {
        const keep = j < values.length && item.value === values[j];
        kept.push(keep);
        if (keep)
            j++;
    }
    if (j !== values.length || j === 0)
        return undefined;
    const edits = [];
    let i = 0;
    while (i < items.length) {
        if (kept[i]) {
            i++;
            continue;
        }
        let k = i;
        while (k < items.length && !kept[k])
            k++;
        edits.push(...deleteRun(text, items, i, k, seq.flow === true, syntax, true));
        i = k;
    }
    return edits;
}
/** Edits turning the statement map `stmt` (written as `original`) into `part`. */
function statementEdits(style, stmt, original, part, index = 0) {
    const t = style.text;
    const changed = nonLiteralChanged(style, stmt, original, part);
    if (changed) {
        const label = typeof original.Sid === 'string' && original.Sid ? original.Sid : `#${index}`;
        const alias = /^the alias \*(.*)$/.exec(changed.what)?.[1];
        const anchor = alias === undefined ? undefined : anchorLine(t, alias, changed.at);
        throw new Unfixable(`the part of statement ${label} (line ${lineNumber(t, start(stmt))}) that changes is not literal: its ${changed.key} holds ${changed.what}` +
            (alias === undefined
                ? ', which fix does not rewrite: change it by hand'
                : `, whose value is the anchor &${alias}${anchor ? ` at line ${anchor}` : ''}: rewriting it would change the anchor and its other uses; edit it by hand`));
    }
    const edits = [];
    const firstKey = stmt.items[0]?.key;
    if (!firstKey)
        throw new Unfixable('an empty statement');
    // Members start at the first key's column (in YAML the line may start with the item's `- `).
    const memberIndent = style.json || stmt.flow ? lineIndent(t, start(firstKey)) : columnPad(t, start(firstKey));
    const keyLike = firstKey;
    const renamed = { Action: 'NotAction', Resource: 'NotResource' };
    const done = new Set();
    const blockYaml = !style.json && !stmt.flow;
    for (const [k, v] of Object.entries(part)) {
        let pair = pairOf(stmt, k);
        let rename = false;
        if (!pair && renamed[k] && pairOf(stmt, renamed[k])) {
            pair = pairOf(stmt, renamed[k]);
            rename = true;
        }
        if (pair) {
            done.add(String(pair.key.value));
            const orig = pair.value;
            if (!rename && (0,external_node_util_.isDeepStrictEqual)(v, original[k]))
                continue;
            if (!orig || !orig.range)
                throw new Unfixable(`the statement's ${k} has no value`);
            const keyNode = pair.key;
            if (rename)
                edits.push({ start: start(keyNode), end: keyNode.range[1], text: keyText(style, k, keyNode) });
            // Items only removed: each removed item goes with its line or separator, the rest (and any
            // comment beside them) stays as written.
            const removal = (0,dist.isSeq)(orig) && isStringList(v) ? removalEdits(t, orig, v, syntaxOf(style)) : undefined;
            if (removal) {
                edits.push(...removal);
                continue;
            }
            const text = writeValue(style, v, orig, stmt, memberIndent);
            if (blockYaml && text.startsWith('\n')) {
                // a block value below the key: replace from the key's end (`Key:` + value)
                const colon = t.indexOf(':', keyNode.range[1]);
                edits.push({ start: colon + 1, end: endOf(orig), text });
            }
            else
                edits.push({ start: start(orig), end: endOf(orig), text });
            continue;
        }
        // A new key (an added Condition): after the statement's last member, in its style.
        const lastPair = stmt.items[stmt.items.length - 1];
        const lastEnd = lastPair.value && lastPair.value.range
            ? endOf(lastPair.value)
            : endOf(lastPair.key);
        const value = writeValue(style, v, undefined, stmt, memberIndent);
        const multiline = t.slice(start(stmt), endOf(stmt)).includes('\n');
        if (blockYaml) {
            edits.push({
                start: lastEnd,
                end: lastEnd,
                text: `\n${memberIndent}${keyText(style, k, keyLike)}:${value.startsWith('\n') ? '' : ' '}${value}`,
            });
        }
        else {
            // (an HCL value of several lines takes one space each side of its `=`, as terraform fmt
            // writes it, whatever padding aligns the one-line members above it)
            const colon = style.hcl && value.includes('\n')
                ? ' = '
                : (/^\s*[:=]\s*/.exec(t.slice(lastPair.key.range[1]))?.[0] ??
                    (style.hcl ? ' = ' : ': '));
            // HCL members on their own lines need no comma (unless the object writes them)
            const commas = !style.hcl ||
                (stmt.items.length > 1 &&
                    t.slice(endOf(stmt.items[0].value), start(stmt.items[1].key)).includes(','));
            const sep = multiline ? `${commas ? ',' : ''}\n${memberIndent}` : inlineSeparators(style, stmt).comma;
            edits.push({
                start: lastEnd,
                end: lastEnd,
                text: `${sep}${keyText(style, k, keyLike)}${colon}${value}`,
            });
        }
    }
    for (const p of stmt.items) {
        const k = String(p.key.value);
        if (!done.has(k) && !(k in part))
            throw new Unfixable(`the statement's ${k} would be removed`);
    }
    return edits;
}
/** The first value that changes and holds a tag, an intrinsic function, an interpolation or an alias. */
function nonLiteralChanged(style, stmt, original, part) {
    for (const p of stmt.items) {
        const k = String(p.key.value);
        const kept = k in part && (0,external_node_util_.isDeepStrictEqual)(part[k], original[k]);
        const what = kept ? undefined : nonLiteralOf(p.value, style.interpolations);
        if (what) {
            const v = p.value;
            return { key: k, what, at: v && v.range ? start(v) : start(stmt) };
        }
    }
    return undefined;
}
/**
 * The edits that rewrite a statement list (a sequence node, or a single statement map) as the
 * fates say. `originals` are the statements as written (index-aligned with the nodes).
 */
function statementListEdits(text, json, list, originals, fates, interpolations = false, hcl = false) {
    const style = { json: json || hcl, hcl, text, interpolations };
    if ((0,dist.isMap)(list)) {
        const fate = fates[0];
        if (!fate || fate.kind === 'keep')
            return [];
        if (fate.kind === 'drop' || fate.parts.length !== 1)
            throw new Unfixable('the single statement (not in a list) would be removed or split: write the statements as a list first');
        return statementEdits(style, list, originals[0], fate.parts[0]);
    }
    if (!(0,dist.isSeq)(list))
        throw new Unfixable('the Statement is neither a list nor an object');
    const items = list.items;
    if (items.length !== fates.length)
        throw new Unfixable('the statements as written do not match the document read');
    const edits = [];
    const kept = fates.map((f) => f.kind !== 'drop');
    if (!kept.some(Boolean))
        throw new Unfixable('every statement would be removed: delete the policy (or detach it) instead');
    // Separator between two items (to join the parts of a split statement).
    const joiner = (i) => {
        const item = items[i];
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
            if (!/#|\/\/|\/\*/.test(between))
                return between;
            const comma = between.includes(',') ? ',' : '';
            return between.includes('\n') ? `${comma}\n${lineIndent(text, start(b))}` : `${comma} `;
        }
        const multiline = text.slice(start(item), endOf(item)).includes('\n');
        return multiline ? `,\n${lineIndent(text, start(item))}` : ', ';
    };
    fates.forEach((fate, i) => {
        const item = items[i];
        if (fate.kind !== 'rewrite')
            return;
        if (!(0,dist.isMap)(item)) {
            // Numbered as the audit's findings number statements (`#1`); a CloudFormation `!If` or
            // `Fn::If` that picks a statement is not rewritten.
            const tag = item?.tag;
            const fn = tag && tag.startsWith('!') ? tag : undefined;
            throw new Unfixable(fn
                ? `statement #${i} is chosen by ${fn} (an intrinsic function), which fix does not rewrite: change it in the template`
                : `statement #${i} is not written as an object (an intrinsic function or a reference chooses it), which fix does not rewrite: change it in the template`);
        }
        const partTexts = fate.parts.map((part, n) => {
            const es = statementEdits(style, item, originals[i], part, i);
            const s = start(item);
            const body = text.slice(s, endOf(item));
            const written = applyEdits(body, es.map((e) => ({ start: e.start - s, end: e.end - s, text: e.text })));
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
        while (j < items.length && !kept[j])
            j++;
        edits.push(...deleteRun(text, items, i, j, list.flow === true, syntaxOf(style), false));
        i = j;
    }
    return edits;
}
/** A list of strings written in place of the HCL list `orig` (a flow sequence), in its layout. */
function writeStringList(text, values, orig, memberIndent) {
    const style = { json: true, hcl: true, text, interpolations: false };
    const stmt = new dist.YAMLMap();
    stmt.flow = true;
    stmt.range = orig.range ?? [0, 0, 0];
    return writeList(style, values, orig, stmt, memberIndent);
}

// EXTERNAL MODULE: ./src/sources/hcl/index.ts + 7 modules
var hcl = __webpack_require__(1196);
// EXTERNAL MODULE: ./src/sources/hcl/parse.ts
var parse = __webpack_require__(5889);
// EXTERNAL MODULE: ./src/sources/hcl/values.ts
var values = __webpack_require__(1382);
;// CONCATENATED MODULE: ./src/fix/hcl.ts
// Rewriting policies written in Terraform's HCL (`.tf`), located with tree-sitter's byte ranges:
// `policy = jsonencode({...})` (the object read as `yaml` nodes, so the JSON/YAML editor rewrites
// it in HCL style), `policy = <<EOF ... EOF` heredoc JSON (the JSON editor on the heredoc's text),
// and `data "aws_iam_policy_document"` blocks (`statement { actions = [...] resources = [...] }`),
// in the same file. The module is evaluated again with the rewritten text and must read back as
// the minimal policy with every other policy unchanged (verify).













const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
// ---------------------------------------------------------------------------------------------
// tree-sitter -> yaml nodes (literal values; anything else is a tagged `!expr` scalar)
function unescapeHcl(s) {
    return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/gs, (m, e) => {
        if (m === '$${')
            return '${';
        if (m === '%%{')
            return '%{';
        const c = e[0];
        if (c === 'n')
            return '\n';
        if (c === 't')
            return '\t';
        if (c === 'r')
            return '\r';
        if (c === 'u' || c === 'U')
            return String.fromCodePoint(parseInt(e.slice(1), 16));
        return e;
    });
}
function ranged(node, n) {
    node.range = [n.startIndex, n.endIndex, n.endIndex];
    return node;
}
function expr(n) {
    const s = new dist.Scalar(n.text);
    s.tag = '!expr';
    return ranged(s, n);
}
/** Unwraps `expression`, `collection_value`, `literal_value` wrappers. */
function inner(n) {
    let cur = n;
    while (['expression', 'collection_value', 'literal_value'].includes(cur.type)) {
        const k = (0,parse/* kids */.aw)(cur);
        if (k.length !== 1)
            break;
        cur = k[0];
    }
    return cur;
}
/** A quoted string without interpolations, as a scalar; else undefined. */
function literalString(n) {
    if (n.type !== 'string_lit')
        return undefined;
    const parts = (0,parse/* kids */.aw)(n);
    if (parts.some((p) => !['quoted_template_start', 'quoted_template_end', 'template_literal'].includes(p.type)))
        return undefined;
    const lit = parts.find((p) => p.type === 'template_literal');
    const s = new dist.Scalar(unescapeHcl(lit?.text ?? ''));
    s.type = 'QUOTE_DOUBLE';
    return ranged(s, n);
}
function toYaml(node) {
    const n = inner(node);
    if (n.type === 'object') {
        const map = ranged(new dist.YAMLMap(), n);
        map.flow = true;
        for (const el of (0,parse/* kids */.aw)(n).filter((k) => k.type === 'object_elem')) {
            const [k, v] = (0,parse/* kids */.aw)(el);
            if (!k || !v)
                return expr(n);
            const kn = inner(k);
            let key;
            if (kn.type === 'variable_expr' && IDENT.test(kn.text)) {
                const s = new dist.Scalar(kn.text);
                s.type = 'PLAIN';
                key = ranged(s, kn);
            }
            else
                key = literalString(kn) ?? expr(kn);
            map.items.push(new dist.Pair(key, toYaml(v)));
        }
        return map;
    }
    if (n.type === 'tuple') {
        const seq = ranged(new dist.YAMLSeq(), n);
        seq.flow = true;
        for (const el of (0,parse/* kids */.aw)(n))
            if (el.type !== 'tuple_start' && el.type !== 'tuple_end')
                seq.items.push(toYaml(el));
        return seq;
    }
    if (n.type === 'string_lit')
        return literalString(n) ?? expr(n);
    if (n.type === 'numeric_lit')
        return ranged(new dist.Scalar(Number(n.text)), n);
    if (n.type === 'bool_lit')
        return ranged(new dist.Scalar(n.text === 'true'), n);
    if (n.type === 'null_lit')
        return ranged(new dist.Scalar(null), n);
    return expr(n);
}
// ---------------------------------------------------------------------------------------------
// Locating a policy's block and attribute
function labels(block) {
    return (0,parse/* kids */.aw)(block)
        .filter((k) => k.type === 'string_lit' || k.type === 'identifier')
        .slice(1)
        .map((k) => (k.type === 'string_lit' ? unescapeHcl(k.text.slice(1, -1)) : k.text));
}
function blockType(block) {
    return (0,parse/* kids */.aw)(block)[0]?.text ?? '';
}
function bodyOf(block) {
    return (0,parse/* kids */.aw)(block).find((k) => k.type === 'body');
}
function findBlock(root, type, want) {
    const body = (0,parse/* kids */.aw)(root).find((k) => k.type === 'body');
    if (!body)
        return undefined;
    const found = (0,parse/* kids */.aw)(body).filter((b) => b.type === 'block' && blockType(b) === type && (0,external_node_util_.isDeepStrictEqual)(labels(b), want));
    return found.length === 1 ? found[0] : undefined;
}
function attribute(body, name) {
    return (0,parse/* kids */.aw)(body).find((a) => a.type === 'attribute' && (0,parse/* kids */.aw)(a)[0]?.text === name);
}
function attrValue(attr) {
    return (0,parse/* kids */.aw)(attr)[(0,parse/* kids */.aw)(attr).length - 1];
}
/** `module.a.aws_iam_policy.p["k"]` -> the block's kind, type and name; indexes reported. */
function parseAddress(address) {
    const m = /^(?:module\.[^.[]+(?:\[[^\]]*\])?\.)*(data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(\[.*\])?$/.exec(address);
    if (!m)
        return undefined;
    return { mode: m[1] ? 'data' : 'resource', type: m[2], name: m[3], indexed: m[4] !== undefined };
}
// ---------------------------------------------------------------------------------------------
function originalsOf(record) {
    const parsed = (0,policy_document/* parsePolicyDocument */.X)(record.document);
    if (!parsed.raw)
        throw new Unfixable('the policy document could not be read');
    return (0,policy_raw/* statementsOf */.GX)(parsed.raw);
}
function minimalOf(s) {
    return (0,policy_raw/* statementsOf */.GX)(s.minimal);
}
/** Edits for a `jsonencode({...})` document. */
function jsonencodeEdits(text, call, originals, minimal) {
    const args = (0,parse/* kids */.aw)(call).find((k) => k.type === 'function_arguments');
    const argList = args ? (0,parse/* kids */.aw)(args) : [];
    if (argList.length !== 1)
        throw new Unfixable('jsonencode(...) does not have one argument');
    const doc = toYaml(argList[0]);
    if (!(doc instanceof dist.YAMLMap))
        throw new Unfixable('jsonencode(...) is not given an object literal');
    const st = pairOf(doc, 'Statement');
    if (!st || !st.value)
        throw new Unfixable('the jsonencode object has no literal Statement');
    const list = st.value;
    if ((0,dist.isSeq)(list) && list.items.length !== originals.length)
        throw new Unfixable('the statements as written are not those the audit read');
    const fates = alignStatements(originals, minimal);
    if (!fates)
        throw new Unfixable('the minimal policy could not be matched statement by statement with the policy as written');
    return statementListEdits(text, true, list, originals, fates, false, true);
}
/** Edits for a heredoc holding JSON (`<<EOF` / `<<-EOF`). */
function heredocEdits(text, heredoc, originals, minimal) {
    const parts = (0,parse/* kids */.aw)(heredoc);
    const open = parts.find((p) => p.type === 'heredoc_identifier');
    const close = [...parts].reverse().find((p) => p.type === 'heredoc_identifier');
    if (!open || !close || open === close)
        throw new Unfixable('the heredoc could not be read');
    if (parts.some((p) => p.type !== 'heredoc_start' && p.type !== 'heredoc_identifier' && p.type !== 'template_literal'))
        throw new Unfixable('the heredoc holds interpolations or directives (${...}, %{...}): it is not a literal document');
    const nl = text.indexOf('\n', open.endIndex);
    const from = nl < 0 ? open.endIndex : nl + 1;
    const to = text.lastIndexOf('\n', close.startIndex - 1) + 1;
    const body = text.slice(from, to);
    if (!(0,json_lines/* parseJson */.qF)(body).ok)
        throw new Unfixable('the heredoc is not JSON');
    const doc = parseNodes(body);
    if (doc.errors.length)
        throw new Unfixable('the heredoc JSON could not be read with positions');
    const root = doc.contents;
    if (!(root instanceof dist.YAMLMap))
        throw new Unfixable('the heredoc JSON is not an object');
    const st = pairOf(root, 'Statement');
    if (!st || !st.value)
        throw new Unfixable('the heredoc JSON has no Statement');
    const list = st.value;
    if ((0,dist.isSeq)(list) && list.items.length !== originals.length)
        throw new Unfixable('the statements as written are not those the audit read');
    const fates = alignStatements(originals, minimal);
    if (!fates)
        throw new Unfixable('the minimal policy could not be matched statement by statement with the policy as written');
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
const DOC_KEYS = {
    Sid: ['sid', undefined],
    Action: ['actions', 'not_actions'],
    Resource: ['resources', 'not_resources'],
};
function lineStartOf(text, pos) {
    return text.lastIndexOf('\n', pos - 1) + 1;
}
function indentOf(text, pos) {
    return /^[ \t]*/.exec(text.slice(lineStartOf(text, pos)))[0];
}
/** The condition entries of `part` that `original` does not have (undefined when one changed or went). */
function addedConditions(original, part) {
    const o = (0,json_lines/* isObject */.Gv)(original) ? original : {};
    const p = (0,json_lines/* isObject */.Gv)(part) ? part : {};
    const out = [];
    for (const [op, keys] of Object.entries(o)) {
        if (!(0,json_lines/* isObject */.Gv)(keys))
            return undefined;
        for (const [k, v] of Object.entries(keys)) {
            const pk = (0,json_lines/* isObject */.Gv)(p[op]) ? p[op][k] : undefined;
            if (!(0,external_node_util_.isDeepStrictEqual)(pk, v))
                return undefined;
        }
    }
    for (const [op, keys] of Object.entries(p)) {
        if (!(0,json_lines/* isObject */.Gv)(keys))
            return undefined;
        for (const [k, v] of Object.entries(keys)) {
            if ((0,json_lines/* isObject */.Gv)(o[op]) && k in o[op])
                continue;
            const values = Array.isArray(v) ? v : [v];
            if (!values.every((x) => typeof x === 'string'))
                return undefined;
            out.push({ test: op, variable: k, values: values });
        }
    }
    return out;
}
/** The text of statement block `block` rewritten as `part`. */
function statementBlockText(text, block, original, part) {
    const body = bodyOf(block);
    if (!body)
        throw new Unfixable('an empty statement block');
    const edits = [];
    const firstAttr = (0,parse/* kids */.aw)(body)[0];
    const memberIndent = firstAttr ? indentOf(text, firstAttr.startIndex) : '    ';
    const unit = memberIndent.slice(indentOf(text, block.startIndex).length) || '  ';
    const insertAt = (0,parse/* kids */.aw)(body)
        .filter((k) => k.type === 'attribute' || k.type === 'block')
        .pop()?.endIndex ?? body.endIndex;
    const inserts = [];
    let renamed = false;
    for (const [k, v] of Object.entries(part)) {
        if ((0,external_node_util_.isDeepStrictEqual)(v, original[k]) || k === 'Effect' || k === 'Principal' || k === 'NotPrincipal') {
            if (!(0,external_node_util_.isDeepStrictEqual)(v, original[k]))
                throw new Unfixable(`the statement's ${k} would change`);
            continue;
        }
        if (k === 'Condition') {
            const added = addedConditions(original.Condition, v);
            if (!added)
                throw new Unfixable('a condition of the statement would change');
            for (const c of added)
                inserts.push(`\n${memberIndent}condition {\n${memberIndent}${unit}test     = ${hclString(c.test)}\n${memberIndent}${unit}variable = ${hclString(c.variable)}\n${memberIndent}${unit}values   = [${c.values.map(hclString).join(', ')}]\n${memberIndent}}`);
            continue;
        }
        const names = DOC_KEYS[k];
        if (!names)
            throw new Unfixable(`the statement's ${k} would change`);
        const values = typeof v === 'string'
            ? [v]
            : Array.isArray(v) && v.every((x) => typeof x === 'string')
                ? v
                : undefined;
        if (!values)
            throw new Unfixable(`the statement's ${k} is not a list of strings`);
        let attr = attribute(body, names[0]);
        let rename = false;
        if (!attr && names[1]) {
            attr = attribute(body, names[1]);
            rename = attr !== undefined;
        }
        if (!attr) {
            if (k !== 'Sid')
                throw new Unfixable(`the statement block has no ${names[0]}`);
            inserts.push(`\n${memberIndent}sid = ${hclString(values[0])}`);
            continue;
        }
        if (rename) {
            const id = (0,parse/* kids */.aw)(attr)[0];
            edits.push({ start: id.startIndex, end: id.endIndex, text: names[0] });
            renamed = true;
        }
        const valueNode = attrValue(attr);
        if (k === 'Sid') {
            const lit = literalString(inner(valueNode));
            if (!lit)
                throw new Unfixable('the statement sid is not a literal string');
            edits.push({ start: valueNode.startIndex, end: valueNode.endIndex, text: hclString(values[0]) });
            continue;
        }
        const seq = toYaml(valueNode);
        if (!(seq instanceof dist.YAMLSeq) || seq.items.some((x) => x.tag === '!expr'))
            throw new Unfixable(`the statement's ${names[0]} (${(0,core_escape/* clipShown */.SM)(text.slice(valueNode.startIndex, valueNode.endIndex), 60)}) is not a literal list: change it where it is defined`);
        const removal = removalEdits(text, seq, values, 'hcl');
        if (removal)
            edits.push(...removal);
        else
            edits.push({
                start: valueNode.startIndex,
                end: valueNode.endIndex,
                text: writeStringList(text, values, seq, memberIndent),
            });
    }
    if (inserts.length)
        edits.push({ start: insertAt, end: insertAt, text: inserts.join('') });
    const s = block.startIndex;
    const out = applyEdits(text.slice(s, block.endIndex), edits.map((e) => ({ start: e.start - s, end: e.end - s, text: e.text })));
    return renamed ? alignedAttributes(out) : out;
}
/** A line that starts a one-line attribute (or the first line of a longer one): its indent, name and `=`. */
const ATTRIBUTE_LINE = /^([ \t]+)([A-Za-z_][\w-]*)([ \t]*)=(?!=)/;
/**
 * `text` with the `=` of each run of attributes on consecutive lines of one indent aligned, one
 * space after the longest name, as `terraform fmt` writes them: after `not_resources` becomes
 * `resources`, the statement's other attributes were still aligned to the old name.
 */
function alignedAttributes(text) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length;) {
        const first = ATTRIBUTE_LINE.exec(lines[i]);
        if (!first) {
            i++;
            continue;
        }
        let j = i + 1;
        while (j < lines.length && ATTRIBUTE_LINE.exec(lines[j])?.[1] === first[1])
            j++;
        const run = lines.slice(i, j).map((l) => ATTRIBUTE_LINE.exec(l));
        const width = run.reduce((w, m) => Math.max(w, m[2].length), 0);
        run.forEach((m, n) => {
            lines[i + n] = `${m[1]}${m[2].padEnd(width)} =${lines[i + n].slice(m[0].length)}`;
        });
        i = j;
    }
    return lines.join('\n');
}
/** Edits for the statement blocks of a `data "aws_iam_policy_document"` block. */
function dataDocumentEdits(text, data, originals, minimal) {
    const body = bodyOf(data);
    if (!body)
        throw new Unfixable('the policy document data source is empty');
    for (const k of (0,parse/* kids */.aw)(body)) {
        if (k.type === 'attribute' &&
            /^(source_policy_documents|override_policy_documents|source_json|override_json)$/.test((0,parse/* kids */.aw)(k)[0]?.text ?? ''))
            throw new Unfixable('the policy document data source merges other documents (source/override): rewrite it by hand');
        if (k.type === 'block' && blockType(k) === 'dynamic')
            throw new Unfixable('the policy document data source has dynamic blocks: rewrite it by hand');
    }
    const blocks = (0,parse/* kids */.aw)(body).filter((k) => k.type === 'block' && blockType(k) === 'statement');
    if (blocks.length !== originals.length)
        throw new Unfixable('the statement blocks are not those the audit read');
    const fates = alignStatements(originals, minimal);
    if (!fates)
        throw new Unfixable('the minimal policy could not be matched statement by statement with the policy as written');
    if (!fates.some((f) => f.kind !== 'drop'))
        throw new Unfixable('every statement would be removed: delete the policy (or detach it) instead');
    const edits = [];
    fates.forEach((fate, i) => {
        const block = blocks[i];
        if (fate.kind === 'keep')
            return;
        if (fate.kind === 'drop') {
            // the block's lines and the comment lines directly above it, with one blank line before
            // them when there is one
            let from = ownLines(text, block.startIndex, block.endIndex, 'hcl')?.from ?? lineStartOf(text, block.startIndex);
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
            ? /\n[ \t]*\n/.test(text.slice(Math.min(block.endIndex, next.endIndex), Math.max(block.startIndex, next.startIndex)))
            : true;
        const texts = fate.parts.map((p, n) => {
            let written;
            try {
                written = statementBlockText(text, block, originals[i], p);
            }
            catch (e) {
                // (which statement: its sid, else its line; a review found the reason named none)
                if (!(e instanceof Unfixable))
                    throw e;
                const sid = originals[i].Sid;
                const which = typeof sid === 'string' && sid !== ''
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
function locatePolicy(path, text, id, address) {
    const where = parseAddress(address);
    if (!where)
        throw new Unfixable(`the address ${address} could not be read`);
    if (where.indexed)
        throw new Unfixable('the policy belongs to a resource with count or for_each: each instance shares the text, rewrite it by hand');
    if (where.mode === 'data') {
        if (where.type !== 'aws_iam_policy_document')
            throw new Unfixable(`${address} is not a policy document`);
        return { kind: 'data', name: where.name };
    }
    const parsed = (0,parse/* parseHcl */.z4)(path, text);
    if (parsed.problems.length)
        throw new Unfixable(`${path} has syntax errors`);
    const block = findBlock(parsed.root, 'resource', [where.type, where.name]);
    const body = block && bodyOf(block);
    if (!body)
        throw new Unfixable(`${address} is not found in ${path}`);
    const suffix = id.slice(`${path}#${address}`.length);
    let attrName = suffix.startsWith('#') ? suffix.slice(1) : 'policy';
    let holder = body;
    const inlineName = /^#inline_policy\[(.*)\]$/s.exec(suffix)?.[1];
    if (inlineName !== undefined) {
        // aws_iam_role's inline_policy { name = "..." policy = ... }, found by its literal name
        const blocks = (0,parse/* kids */.aw)(body).filter((b) => {
            if (b.type !== 'block' || blockType(b) !== 'inline_policy')
                return false;
            const name = bodyOf(b) && attribute(bodyOf(b), 'name');
            return name !== undefined && literalString(inner(attrValue(name)))?.value === inlineName;
        });
        if (blocks.length !== 1 || !bodyOf(blocks[0]))
            throw new Unfixable(`the inline_policy "${inlineName}" is not written with a literal name in ${path}`);
        holder = bodyOf(blocks[0]);
        attrName = 'policy';
    }
    if (!IDENT.test(attrName))
        throw new Unfixable(`the policy (${suffix.slice(1)}) is not a plain attribute: rewrite it by hand`);
    const attr = attribute(holder, attrName);
    if (!attr)
        throw new Unfixable(`${address} has no ${attrName} attribute written in ${path}`);
    const value = inner(attrValue(attr));
    const ref = /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json$/.exec(value.text.trim());
    if (ref)
        return { kind: 'data', name: ref[1] };
    return { kind: 'value', value };
}
/** A reported `.tf` policy and where its value is in its own file, or undefined when that cannot be told. */
function locateReported(report, read, policyId) {
    const p = report.policies.find((x) => x.id === policyId);
    if (!p || !p.address || !(0,hcl/* hclReady */.$W)())
        return undefined;
    const text = read(p.path);
    if (text === undefined)
        return undefined;
    try {
        return { p, found: locatePolicy(p.path, text, p.id, p.address) };
    }
    catch {
        return undefined;
    }
}
/**
 * The policy JSON file a `.tf` policy is read from (`policy = file("${path.module}/policy.json")`,
 * the path written as a literal under `path.module`), or undefined. That file is skipped as an
 * input of its own (read through its module: sources/index.ts) and fixed for the `.tf` policy.
 */
function hclFileTarget(report, read, policyId) {
    return hclFileSite(report, read, policyId)?.target;
}
/**
 * hclFileTarget, with where the `file()` call is: the `.tf` file and the call's offset in its
 * text (fileReadSites finds the same call there).
 */
function hclFileSite(report, read, policyId) {
    // (once per policy of a report: planFixes asks for a suggestion's, each reader's and every site)
    let known = fileSites.get(report);
    if (!known)
        fileSites.set(report, (known = new Map()));
    if (!known.has(policyId))
        known.set(policyId, findFileSite(report, read, policyId));
    return known.get(policyId);
}
/** Per report, per policy id: hclFileSite's answer. */
const fileSites = new WeakMap();
function findFileSite(report, read, policyId) {
    const at = locateReported(report, read, policyId);
    if (!at)
        return undefined;
    const { p, found } = at;
    if (found.kind !== 'value' || found.value.type !== 'function_call' || (0,parse/* kids */.aw)(found.value)[0]?.text !== 'file')
        return undefined;
    // Only under `${path.module}`: a bare relative path is read from the root module's directory,
    // which a module called by a root elsewhere does not tell.
    const m = /^file\(\s*"\$\{path\.module\}\/([^"$%\\]+)"\s*\)$/.exec(found.value.text.trim());
    if (!m)
        return undefined;
    const target = external_node_path_.posix.normalize(external_node_path_.posix.join(external_node_path_.posix.dirname(p.path), m[1]));
    if (target.startsWith('../'))
        return undefined;
    // (the site of its path, the string: as fileReadSites finds it)
    const args = (0,parse/* kids */.aw)(found.value).find((k) => k.type === 'function_arguments');
    const path = args ? (0,parse/* kids */.aw)(args)[0] : undefined;
    const str = path && stringNode(path);
    if (!str)
        return undefined;
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
function stringNode(n) {
    let x = n;
    while (x && x.type !== 'string_lit' && x.type !== 'quoted_template') {
        const k = (0,parse/* kids */.aw)(x);
        x = k.length === 1 ? k[0] : undefined;
    }
    return x;
}
/** `*`-glob (no other special character) matched against a whole text. */
function globMatches(glob, text) {
    const re = new RegExp(`^${glob
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^]*')}$`);
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
function fileReadSites(report, read, target) {
    const name = external_node_path_.posix.basename(target);
    const out = [];
    for (const c of pathCandidates(report, read)) {
        if (c.path === target)
            continue;
        const matches = c.kind === 'mention'
            ? c.text.includes(name)
            : c.kind === 'call'
                ? c.dir === external_node_path_.posix.dirname(target)
                : c.fromModule
                    ? globMatches(external_node_path_.posix.normalize(external_node_path_.posix.join(c.dir, c.glob.replace(/^\/+/, ''))), target)
                    : globMatches(`*${c.glob.startsWith('/') ? '' : '/'}${c.glob.replace(/^\.\//, '')}`, `/${target}`);
        if (!matches)
            continue;
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
/** Per report: the places of its Terraform files that may name a path, each file parsed once. */
const candidatesOf = new WeakMap();
function pathCandidates(report, read) {
    const had = candidatesOf.get(report);
    if (had)
        return had;
    const out = [];
    const short = (what) => (what.length > 70 ? `${what.slice(0, 67)}...` : what);
    for (const input of report.inputs) {
        if (input.kind !== 'terraform-hcl' && input.kind !== 'terraform-json')
            continue;
        const text = read(input.path);
        if (text === undefined)
            continue;
        if (input.kind === 'terraform-json') {
            out.push({ kind: 'mention', path: input.path, text });
            continue;
        }
        if (!(0,hcl/* hclReady */.$W)())
            continue;
        let root;
        try {
            root = (0,parse/* parseHcl */.z4)(input.path, text).root;
        }
        catch {
            continue;
        }
        const dir = external_node_path_.posix.dirname(input.path);
        // (the offset, not the node, kept: the tree is not held)
        const lineAt = (at) => () => text.slice(0, at).split('\n').length;
        const stack = [root];
        while (stack.length) {
            const n = stack.pop();
            if (n.type === 'function_call' && FILE_FUNCTIONS.has((0,parse/* kids */.aw)(n)[0]?.text ?? '')) {
                const args = (0,parse/* kids */.aw)(n).find((k) => k.type === 'function_arguments');
                const first = args ? (0,parse/* kids */.aw)(args)[0] : undefined;
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
                for (const k of (0,parse/* kids */.aw)(n)) {
                    if (k.type === 'template_literal')
                        glob += k.text;
                    else if (k.type === 'template_interpolation') {
                        if (glob === '' && !fromModule && /^\$\{\s*path\.module\s*\}$/.test(k.text))
                            fromModule = true;
                        else
                            glob += '*';
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
            for (const k of (0,parse/* kids */.aw)(n))
                stack.push(k);
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
function hclTarget(report, read, policyId) {
    const at = locateReported(report, read, policyId);
    if (!at)
        return undefined;
    const { p, found } = at;
    if (found.kind !== 'data')
        return p.path;
    const dir = external_node_path_.posix.dirname(p.path);
    const holders = [p.path, ...report.inputs.map((i) => i.path).filter((x) => x !== p.path)]
        .filter((x) => /\.tf$/i.test(x) && external_node_path_.posix.dirname(x) === dir)
        .filter((x) => {
        const t = read(x);
        if (t === undefined)
            return false;
        const parsed = (0,parse/* parseHcl */.z4)(x, t);
        return findBlock(parsed.root, 'data', ['aws_iam_policy_document', found.name]) !== undefined;
    });
    return holders[0];
}
/**
 * The report's `.tf` modules read again as the audit read them, with the files of `override` read
 * as the texts given there and the others through `read`. Throws Unfixable when the HCL parser is
 * not loaded.
 */
function hclModuleReader(report, read) {
    const hclPaths = report.inputs.filter((i) => i.kind === 'terraform-hcl').map((i) => i.path);
    return (override) => {
        if (!(0,hcl/* hclReady */.$W)())
            throw new Unfixable('the HCL parser is not loaded');
        const get = (p) => (p in override ? override[p] : read(p));
        const files = hclPaths.flatMap((p) => {
            const t = get(p);
            return t === undefined ? [] : [{ path: p, text: t }];
        });
        const host = {
            moduleFiles(dir) {
                const d = external_node_path_.posix.normalize(dir).replace(/\/+$/, '');
                const out = hclPaths
                    .filter((p) => external_node_path_.posix.dirname(p) === d && /\.tf$/i.test(p))
                    .flatMap((p) => {
                    const t = get(p);
                    return t === undefined ? [] : [{ path: p, text: t }];
                });
                return out.length ? out : { error: `the directory ${dir} has no .tf files that were audited` };
            },
            // (read as the audit read them: the module's .tf.json files name what they declare)
            jsonConfig(dir) {
                const d = external_node_path_.posix.normalize(dir).replace(/\/+$/, '');
                return report.inputs
                    .filter((i) => i.kind === 'terraform-json' && external_node_path_.posix.dirname(i.path) === d)
                    .flatMap((i) => {
                    const t = get(i.path);
                    return t === undefined ? [] : [{ path: i.path, text: t }];
                });
            },
            readFile: (p) => get(external_node_path_.posix.normalize(p)),
        };
        return (0,hcl/* readHclModules */.P$)(files, host);
    };
}
/** `.tf` files: the module is read again (with the file's new text) to find and verify the policy. */
function hclFileFixer(path, read, report) {
    const evaluate = hclModuleReader(report, read);
    const recordsOf = (results) => results.flatMap((r) => r.policies);
    // The module read with this file's text: the last texts read are kept (a fix reads the text it
    // starts from, which the previous verify has read already).
    const memo = new Map();
    const policiesWith = (text) => {
        let r = memo.get(text);
        if (!r) {
            r = recordsOf(evaluate({ [path]: text }));
            if (memo.size >= 3)
                memo.delete(memo.keys().next().value);
            memo.set(text, r);
        }
        return r;
    };
    let beforeText;
    let beforeRecords = [];
    return {
        fix(text, s) {
            const record = policiesWith(text).find((r) => r.id === s.policy);
            if (!record)
                throw new Unfixable('the policy is not found when the module is read again');
            if (record.status !== 'resolved')
                throw new Unfixable(`the policy is not resolved: ${record.reason ?? ''}`);
            const address = record.address ?? '';
            if (/^module\./.test(address) &&
                report.policies.filter((p) => p.path === record.path &&
                    p.address?.replace(/^(module\.[^.]+\.)+/, '') === address.replace(/^(module\.[^.]+\.)+/, '')).length > 1)
                throw new Unfixable('the module is called more than once: its text is shared by every call');
            const recordText = record.path === path ? text : read(record.path);
            if (recordText === undefined)
                throw new Unfixable(`${record.path} could not be read again`);
            const found = locatePolicy(record.path, recordText, record.id, address);
            const originals = originalsOf(record);
            const minimal = minimalOf(s);
            if (found.kind === 'data') {
                const parsed = (0,parse/* parseHcl */.z4)(path, text);
                if (parsed.problems.length)
                    throw new Unfixable('the file has syntax errors');
                const data = findBlock(parsed.root, 'data', ['aws_iam_policy_document', found.name]);
                if (!data)
                    throw new Unfixable(`data.aws_iam_policy_document.${found.name} is not found in ${path}`);
                return applyEdits(text, dataDocumentEdits(text, data, originals, minimal));
            }
            if (record.path !== path)
                throw new Unfixable(`the policy is written in ${record.path}, not ${path}`);
            const value = found.value;
            if (value.type === 'function_call' && (0,parse/* kids */.aw)(value)[0]?.text === 'jsonencode')
                return applyEdits(text, jsonencodeEdits(text, value, originals, minimal));
            if (value.type === 'template_expr' && (0,parse/* kids */.aw)(value)[0]?.type === 'heredoc_template')
                return applyEdits(text, heredocEdits(text, (0,parse/* kids */.aw)(value)[0], originals, minimal));
            const fn = value.type === 'function_call' ? (0,parse/* kids */.aw)(value)[0]?.text : undefined;
            if (fn === 'file')
                throw new Unfixable(/^file\(\s*"[^"$%]*"\s*\)$/.test(value.text)
                    ? `the policy is read from a file (${(0,values/* shortText */.os)(value.text, 60)}) by a path Terraform takes from the directory it runs in, not from the module's (\${path.module}/…): fix that file`
                    : `the policy is read from a file (${(0,values/* shortText */.os)(value.text, 60)}) whose path is not written as a literal: fix that file`);
            if (fn === 'templatefile')
                throw new Unfixable(`the policy is made from a template (${(0,values/* shortText */.os)(value.text, 60)}), not a literal document: change the template by hand`);
            throw new Unfixable(`the policy is built by an expression, not a literal document (${(0,values/* shortText */.os)(value.text, 60)}): change it where it is defined`);
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

;// CONCATENATED MODULE: ./src/fix/yaml-guard.ts
// Guards for the JSON/YAML editor: an edit must change the policy and nothing else. YAML anchors
// and aliases share one value between places (`Action: &acts [...]` reused with `*acts` in a tag
// or an output): an edit of an anchored value used elsewhere, or of an alias (whose value is the
// anchor's, elsewhere), is refused with the anchor named. And, whatever the edit, the file read
// back must be the same outside the policies fixed (the parsed documents compared with the
// policies' values masked).




function lineOf(text, pos) {
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1))
        n++;
    return n;
}
/** Every anchored node and every alias of the document, with its path, in document order. */
function anchorsAndAliases(doc, text) {
    const anchors = [];
    const aliases = [];
    const walk = (n, path) => {
        if (!n || typeof n !== 'object')
            return;
        const node = n;
        if ((0,dist.isAlias)(node)) {
            if (node.range)
                aliases.push({
                    node,
                    name: node.source,
                    path,
                    start: node.range[0],
                    end: node.range[1],
                    at: node.range[0],
                });
            return;
        }
        if (((0,dist.isScalar)(node) || (0,dist.isMap)(node) || (0,dist.isSeq)(node)) && node.anchor && node.range)
            anchors.push({
                node,
                name: node.anchor,
                path,
                start: node.range[0],
                end: endOf(node),
                at: Math.max(0, text.lastIndexOf(`&${node.anchor}`, node.range[0])),
            });
        if ((0,dist.isMap)(node))
            for (const p of node.items) {
                const key = (0,dist.isScalar)(p.key) ? String(p.key.value) : '?';
                walk(p.key, path);
                walk(p.value, [...path, key]);
            }
        else if ((0,dist.isSeq)(node))
            node.items.forEach((x, i) => walk((0,dist.isPair)(x) ? x.value : x, [...path, i]));
    };
    walk(doc.contents, []);
    return { anchors, aliases };
}
function touches(e, p) {
    return e.start === e.end ? e.start > p.start && e.start < p.end : e.start < p.end && e.end > p.start;
}
/** `Resources.Topic.Properties.Tags[0].Value` (the path of a place, for a message). */
function where(text, p) {
    const path = (0,json_lines/* formatJsonPath */.pB)(p.path).replace(/^\$\.?/, '');
    return `${path || 'the document'} (line ${lineOf(text, p.at)})`;
}
/**
 * Throws Unfixable when an edit changes an alias (its value is an anchor's, written elsewhere) or
 * an anchored value that an alias uses elsewhere: the edit would change the other uses too.
 */
function checkAnchors(doc, text, edits) {
    const { anchors, aliases } = anchorsAndAliases(doc, text);
    if (!aliases.length)
        return;
    /** The anchor an alias refers to: the last of its name before it. */
    const anchorOf = (a) => [...anchors].reverse().find((x) => x.name === a.name && x.start < a.start);
    for (const e of edits) {
        const alias = aliases.find((a) => touches(e, a));
        if (alias) {
            const anchor = anchorOf(alias);
            throw new Unfixable(`the value to change at ${where(text, alias)} is the alias *${alias.name}${anchor ? ` of the anchor &${anchor.name} at ${where(text, anchor)}` : ''}: rewriting it would change the anchor and every other use of it; edit it by hand`);
        }
        for (const anchor of anchors) {
            if (!touches(e, anchor))
                continue;
            const uses = aliases.filter((a) => anchorOf(a) === anchor && !(a.start >= e.start && a.end <= e.end));
            if (uses.length)
                throw new Unfixable(`the value to change is the anchor &${anchor.name} at ${where(text, anchor)}, also used as *${anchor.name} at ${uses.map((u) => where(text, u)).join(', ')}: rewriting it would change ${uses.length === 1 ? 'that use' : 'those uses'} too; edit it by hand (or write the policy's value without the anchor)`);
        }
    }
}
/** A copy without shared objects (aliases read as copies, so masking one place masks no other). */
function copy(v) {
    if (Array.isArray(v))
        return v.map(copy);
    if (v && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
}
const MASK = Symbol('policy');
/** The alias uses (weighted by what they hold) checkOutside expands, as the yaml library counts them. */
const MAX_ALIAS_EXPANSION = 1000;
/** Replaces the value at `path` with MASK (in place); false when there is none. */
function mask(root, path) {
    let parent = root;
    let key = 'v';
    for (const seg of path) {
        const cur = parent[key];
        if (!cur || typeof cur !== 'object')
            return false;
        if (typeof seg === 'number' ? !Array.isArray(cur) : Array.isArray(cur))
            return false;
        if (!(seg in cur))
            return false;
        parent = cur;
        key = seg;
    }
    parent[key] = MASK;
    return true;
}
/** The first path where two values differ. */
function firstDifference(a, b, path = []) {
    if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        for (const k of ka) {
            const seg = Array.isArray(a) ? Number(k) : k;
            if (!(k in b))
                return [...path, seg];
            const x = a[k];
            const y = b[k];
            if (!(0,external_node_util_.isDeepStrictEqual)(x, y))
                return firstDifference(x, y, [...path, seg]);
        }
        const extra = kb.find((k) => !(k in a));
        if (extra !== undefined)
            return [...path, Array.isArray(b) ? Number(extra) : extra];
    }
    return path;
}
/**
 * Throws Unfixable unless `after` reads (as JSON or YAML, aliases resolved) as `before` everywhere
 * but at `paths` (the fixed policies' values).
 */
function checkOutside(before, after, paths) {
    const read = (t) => {
        const doc = parseNodes(t);
        if (doc.errors.length)
            throw new Unfixable('the rewritten file could not be read');
        let js;
        try {
            // (bounded: each alias is expanded into a copy, and aliases of aliases double at each level,
            // so an 800-byte template could otherwise take gigabytes)
            js = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
        }
        catch (e) {
            if (/alias count/i.test(e.message))
                throw new Unfixable(`its YAML aliases (*name) expand to too many values (over ${MAX_ALIAS_EXPANSION}) to check the rewrite`);
            throw e;
        }
        return { v: copy(js) };
    };
    const a = read(before);
    const b = read(after);
    for (const p of paths)
        if (mask(a, p) !== mask(b, p))
            throw new Unfixable('the rewritten file does not have the policy where it was');
    if ((0,external_node_util_.isDeepStrictEqual)(a, b))
        return;
    const at = (0,json_lines/* formatJsonPath */.pB)(firstDifference(a.v, b.v)).replace(/^\$\.?/, '');
    throw new Unfixable(`the rewrite would change the file outside the policy (at ${at || 'the document'}): it is not written`);
}

;// CONCATENATED MODULE: ./src/fix/index.ts
// `fix`: each audited policy rewritten to its minimal policy (the report's suggestions) in the
// file's own text. Only the statements that change are touched, in the file's style; everything
// else stays byte for byte. A file is changed only when the rewritten text reads back (through the
// same source parser) as the minimal policy with every other policy of the file unchanged;
// otherwise the policy is listed in `notFixed` with the reason. Pure: text in, text out.












/** A rewrite refused because it would write a baseline placeholder into the file. */
class PlaceholderWritten extends Unfixable {
    placeholder;
    constructor(message, placeholder) {
        super(message);
        this.placeholder = placeholder;
    }
}
/** Input kinds whose policies are generated output, never the place to fix them. */
const GENERATED = {
    'terraform-plan': 'a Terraform plan is generated output: change the Terraform configuration that produces it, then plan again',
    'terraform-state': 'a Terraform state file is generated output: change the Terraform configuration, then apply it',
    'authorization-details': 'an authorization-details export is a snapshot of the account: change the policy where it is defined (or in the account), then export again',
};
/** The minimal statements of a suggestion. */
function minimalStatements(s) {
    return (0,policy_raw/* statementsOf */.GX)(s.minimal);
}
/**
 * Rewrites each policy that has a suggestion to its minimal policy. `read` gives a file's text by
 * its report path (undefined when it cannot be read).
 */
/** The ARN of an AWS managed policy (`arn:aws:iam::aws:policy/...`, any partition). */
const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;
function planFixes(report, read) {
    const files = [];
    const notFixed = [];
    const pathOf = new Map(report.policies.map((p) => [p.id, p.path]));
    const kindOf = new Map(report.inputs.map((i) => [i.path, i.kind]));
    const byPath = new Map();
    const kept = (0,report_model/* keptByIgnore */.Yk)(report);
    const addressOf = new Map(report.policies.map((p) => [p.id, p.address]));
    const baselineOf = new Map(report.policies.map((p) => [p.id, p.baseline]));
    // The baselines each policy has findings of, and the one it is listed with (a policy audited
    // against two may have findings of both: its suggestion removes only what both call excess).
    const auditedBy = new Map();
    const audited = (policy, baseline) => {
        if (baseline)
            (auditedBy.get(policy) ?? auditedBy.set(policy, new Set()).get(policy)).add(baseline);
    };
    for (const p of report.policies)
        audited(p.id, p.baseline);
    // (a principal audited as a whole names its own id as the finding's policy, and the member
    // policy by its place: a policy two roles hold, audited against each one's baseline)
    const atPlace = new Map();
    for (const p of report.policies)
        if (p.address !== undefined)
            atPlace.set(`${p.path}\u0000${p.address}`, p.id);
    for (const f of report.findings) {
        if (f.ignored)
            continue;
        audited(f.policy, f.baseline);
        const member = f.address === undefined ? undefined : atPlace.get(`${f.path}\u0000${f.address}`);
        if (member !== undefined && member !== f.policy)
            audited(member, f.baseline);
    }
    /**
     * A suggestion for the policy of a file that a .tf policy reads with file() -> that .tf policy
     * (hclFileTarget): per suggestion, as two .tf policies may read the same file.
     */
    const viaFile = new Map();
    /** Those of a .tf policy whose audit removes nothing (the file's policy kept as written). */
    const asWritten = new Set();
    for (const s of report.suggestions) {
        // An AWS managed policy attached by ARN: AWS's text, not the repository's.
        const address = addressOf.get(s.policy);
        if (address !== undefined && AWS_MANAGED.test(address)) {
            notFixed.push({
                policy: s.policy,
                path: pathOf.get(s.policy) ?? s.policy.replace(/#.*$/, ''),
                reason: `${address} is an AWS managed policy, which cannot be edited: detach it and attach a policy of your own (its suggested minimal policy is in the JSON and Markdown reports)`,
            });
            continue;
        }
        // The minimal policy removes what an ignore rule keeps: left as written, and said why.
        const ignored = kept.get(s.policy);
        if (ignored) {
            notFixed.push({
                policy: s.policy,
                path: pathOf.get(s.policy) ?? s.policy.replace(/#.*$/, ''),
                reason: `an ignore rule keeps ${ignored.length === 1 ? 'an action' : `${ignored.length} actions`} of it (${ignored.slice(0, 3).join(', ')}${ignored.length > 3 ? ', …' : ''}) that its minimal policy removes: edit it by hand`,
            });
            continue;
        }
        const own = pathOf.get(s.policy) ?? s.policy.replace(/#.*$/, '');
        // A .tf policy read with file() is fixed in that file, for the policy the file holds (the
        // file is listed as read through its module, and fixed as its own).
        const file = kindOf.get(own) === 'terraform-hcl' ? hclFileTarget(report, read, s.policy) : undefined;
        const fileText = file !== undefined && kindOf.has(file) ? read(file) : undefined;
        const held = fileText === undefined ? [] : (0,sources/* parseSource */.PJ)({ path: file, text: fileText }, true).result.policies;
        if (file !== undefined && held.length === 1) {
            const moved = { ...s, policy: held[0].id };
            viaFile.set(moved, s.policy);
            const list = byPath.get(file) ?? [];
            list.push(moved);
            byPath.set(file, list);
            continue;
        }
        // a .tf policy may be written in another file of its module (its policy document data source)
        const path = kindOf.get(own) === 'terraform-hcl' ? (hclTarget(report, read, s.policy) ?? own) : own;
        const list = byPath.get(path) ?? [];
        list.push(s);
        byPath.set(path, list);
    }
    // The suggestions made into one for the policy of a file that several policies read (combined):
    // the policies each stands for.
    const combinedOf = new Map();
    // A .tf policy that reads one of those files and has no suggestion (its audit found nothing to
    // remove) keeps the file's policy as written: it takes part as a suggestion that removes nothing.
    if (viaFile.size) {
        const targets = new Map([...byPath].flatMap(([path, list]) => list.map((s) => [path, s.policy])));
        const suggested = new Set(report.suggestions.map((s) => s.policy));
        // Of any status: a policy not matched to a baseline, or not audited, is still deployed with
        // the file's text, and keeps it as written.
        for (const p of report.policies) {
            if (suggested.has(p.id) || kindOf.get(p.path) !== 'terraform-hcl')
                continue;
            const file = hclFileTarget(report, read, p.id);
            const held = file === undefined ? undefined : targets.get(file);
            if (file === undefined || held === undefined)
                continue;
            const keep = { policy: held, minimal: undefined, diff: '' };
            viaFile.set(keep, p.id);
            asWritten.add(keep);
            byPath.get(file).push(keep);
        }
    }
    for (const [path, listed] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        // (a policy not fixed is named with its own file, as in the report)
        // (and a file's policy that a .tf policy reads with file() by that policy)
        const idOf = (s) => viaFile.get(s) ?? s.policy;
        const idsOf = (s) => (combinedOf.get(s) ?? [s]).map(idOf);
        const own = (s) => pathOf.get(idOf(s)) ?? path;
        const no = (reason) => listed.forEach((s) => notFixed.push({ policy: idOf(s), path: own(s), reason }));
        const kind = kindOf.get(path);
        const generated = kind && GENERATED[kind];
        if (generated) {
            no(generated);
            continue;
        }
        const text = read(path);
        if (text === undefined) {
            no('the file could not be read again');
            continue;
        }
        // A file that a `.tf` policy reads in a way fix does not follow (templatefile(), a path from
        // the root module, a path not written out): rewritten for one policy, it would change the
        // other, which its own audit never asked for.
        const unfollowed = kind === 'terraform-hcl' ? undefined : unfollowedReaders(report, read, path);
        if (unfollowed) {
            no(unfollowed);
            continue;
        }
        const fixer = kind === 'terraform-hcl' ? hclFileFixer(path, read, report) : textFileFixer(path, kind);
        // Two suggestions for one policy of the file (two .tf policies that read it with file(), each
        // audited against its baseline): applied one after the other, the last would win and take
        // away what the other baseline needs. Made into one that removes only what both remove.
        const suggestions = [];
        const byPolicy = new Map();
        for (const s of listed) {
            const same = byPolicy.get(s.policy);
            if (same) {
                same.push(s);
                continue;
            }
            byPolicy.set(s.policy, [s]);
            suggestions.push(s);
        }
        for (const [i, s] of suggestions.entries()) {
            const same = byPolicy.get(s.policy);
            if (same.length < 2)
                continue;
            const who = same
                .map((x) => `${idOf(x)} (${baselineOf.get(idOf(x)) ?? 'no baseline'})`)
                .sort()
                .join(', ');
            try {
                const minimal = same.some((x) => asWritten.has(x))
                    ? undefined
                    : intersectMinimal(text, path, s.policy, same);
                if (!minimal) {
                    throw new Unfixable(`the policies ${who} read this one file and are audited apart, and no statement is excess for all of them: fix removes only what every audit calls excess; narrow it by hand, or give each its own file`);
                }
                const merged = { policy: s.policy, minimal, diff: '' };
                combinedOf.set(merged, same);
                suggestions[i] = merged;
            }
            catch (e) {
                const reason = e instanceof Unfixable ? e.message : `the text could not be rewritten (${String(e)})`;
                for (const x of same)
                    notFixed.push({ policy: idOf(x), path: own(x), reason });
                suggestions[i] = undefined;
            }
        }
        let current = text;
        const done = [];
        for (const s of suggestions) {
            if (!s)
                continue;
            try {
                const candidate = fixer.fix(current, s);
                const hole = placeholderReason(s.minimal, current, candidate);
                if (hole)
                    throw new PlaceholderWritten(hole.reason, hole.placeholder);
                const audits = [...(auditedBy.get(idOf(s)) ?? [])].sort();
                if (candidate === current && audits.length > 1)
                    throw new Unfixable(`it is audited against ${audits.join(' and ')}, and no statement is excess for all of them (each needs what another removes): fix removes only what every audit calls excess; narrow it by hand, or audit it against one baseline`);
                if (candidate === current)
                    throw new Unfixable('its minimal policy is the policy as written: what its findings name cannot be narrowed exactly (a resource with parts not known, such as a reference or a policy variable, that may be one the baseline names, is kept, and so is one that shares with the baseline resources more than one pattern can name, such as `coiled?prod` with `coiled-*`, and a resource policy statement that names the vendor and other principals together): narrow it by hand');
                fixer.verify(text, candidate, [...done, s]);
                current = candidate;
                done.push(s);
            }
            catch (e) {
                // Anything else the text makes a library throw is a reason too: fix never stops on a file.
                let reason = e instanceof Unfixable
                    ? e.message
                    : `the text could not be rewritten (${e?.message ?? String(e)})`;
                if (reason.startsWith('every statement would be removed'))
                    reason = narrowedAway(report, s) ?? reason;
                const placeholder = e instanceof PlaceholderWritten ? { placeholder: e.placeholder } : {};
                for (const id of idsOf(s))
                    notFixed.push({ policy: id, path: pathOf.get(id) ?? path, reason, ...placeholder });
            }
        }
        if (done.length)
            files.push({ path, before: text, after: current, policies: done.flatMap(idsOf) });
    }
    // A vendor's Deny statement that is missing is added by hand: a minimal policy only removes.
    const told = new Set();
    for (const f of report.findings) {
        if (f.kind !== 'missing-deny' || f.ignored || f.removed)
            continue;
        const key = `${f.policy}\u0000${f.set ?? ''}`;
        if (told.has(key))
            continue;
        told.add(key);
        notFixed.push({
            policy: f.policy,
            path: pathOf.get(f.policy) ?? f.path,
            reason: `it lacks a Deny statement of its baseline's set "${f.set ?? ''}" (missing-deny): fix does not add statements; add the vendor's Deny as the report's finding names it`,
        });
    }
    // A trust policy held to its vendor's documented trust is changed by hand: who may assume a role
    // and under which external ID is not a permission a minimal policy removes.
    const trusts = new Set(report.policies.filter((p) => p.kind === 'trust').map((p) => p.id));
    for (const f of report.findings) {
        if (f.kind !== 'broader-trust' && f.kind !== 'missing-condition')
            continue;
        if (!trusts.has(f.policy) || f.ignored || f.removed || told.has(f.policy))
            continue;
        told.add(f.policy);
        notFixed.push({
            policy: f.policy,
            path: pathOf.get(f.policy) ?? f.path,
            reason: `a role's trust policy (${f.kind}): fix does not change who may assume a role; trust only the vendor's principal, with the condition it documents, as the report's finding says`,
        });
    }
    return { files, notFixed };
}
/** Per report: the sites of the `file("${path.module}/…")` calls of its `.tf` policies (hclFileSite), found once. */
const followedOf = new WeakMap();
function followedSites(report, read) {
    let out = followedOf.get(report);
    if (out)
        return out;
    out = new Set();
    const hcl = new Set(report.inputs.filter((i) => i.kind === 'terraform-hcl').map((i) => i.path));
    for (const p of report.policies) {
        if (!hcl.has(p.path))
            continue;
        const at = hclFileSite(report, read, p.id);
        if (at)
            out.add(at.site);
    }
    followedOf.set(report, out);
    return out;
}
/**
 * Why a policy file cannot be rewritten because a `.tf` file may read it where fix cannot tell
 * which policy that is (fileReadSites, less the `file("${path.module}/…")` calls of the report's
 * policies, which fix follows), or undefined when there is no such place.
 */
function unfollowedReaders(report, read, path) {
    if (!report.inputs.some((i) => i.kind === 'terraform-hcl' || i.kind === 'terraform-json'))
        return undefined;
    const sites = fileReadSites(report, read, path);
    if (!sites.length)
        return undefined;
    const followed = followedSites(report, read);
    const others = sites.filter((s) => !followed.has(s.site));
    if (!others.length)
        return undefined;
    const named = others
        .slice(0, 3)
        .map((s) => `${s.call} at ${s.where}`)
        .join(', ');
    return `${path} may also be read elsewhere (${named}${others.length > 3 ? ', …' : ''}), by a policy fix cannot tell: rewritten for one policy, the file would change another's; narrow it by hand, or give each policy its own file`;
}
/**
 * When a policy would lose every statement only because its resources, narrowed to the baseline's,
 * cannot be written exactly (it has broader-resource findings: it grants actions the baseline
 * allows, on resources broader than the baseline's), the reason says so: narrow it by hand.
 */
function narrowedAway(report, s) {
    const broader = report.findings.filter((f) => f.policy === s.policy && f.kind === 'broader-resource' && !f.ignored && !f.removed);
    if (!broader.length)
        return undefined;
    const named = broader
        .slice(0, 3)
        .map((f) => `statement ${f.statement ?? '?'}: ${(f.actions ?? []).join(', ')}`)
        .join('; ');
    return `every statement would be removed, but only because fix cannot write exactly what its resources share with the baseline's (${named}${broader.length > 3 ? '; …' : ''}): it grants actions the baseline allows, so do not delete it; narrow its resources by hand to those the baseline names`;
}
/**
 * The minimal policy of the policy `id` of the file that removes only what every one of
 * `suggestions` removes: a statement stays as written when a suggestion keeps it so, is dropped
 * when every one drops it, and is otherwise rewritten into what any of them keeps of it (the
 * parts with the same keys but Sid and Action made into one, with the actions of each; Sids made
 * unique). Undefined when that is the policy as written.
 */
function intersectMinimal(text, path, id, suggestions) {
    const { statements } = originalStatements(recordOf(text, path, id));
    const fates = suggestions.map((s) => alignStatements(statements, minimalStatements(s)));
    if (fates.some((f) => !f))
        throw new Unfixable('the minimal policies could not be matched statement by statement with the policy as written');
    const out = [];
    let changed = false;
    const used = new Set(statements.flatMap((st) => (typeof st.Sid === 'string' ? [st.Sid.toLowerCase()] : [])));
    statements.forEach((st, i) => {
        const each = fates.map((f) => f[i]);
        if (each.some((f) => f.kind === 'keep')) {
            out.push(st);
            return;
        }
        changed = true;
        const parts = new Map();
        for (const part of each.flatMap((f) => (f.kind === 'rewrite' ? f.parts : []))) {
            const rest = { ...part };
            delete rest.Sid;
            delete rest.Action;
            const key = JSON.stringify(rest);
            const had = parts.get(key);
            if (!had) {
                parts.set(key, { ...part, Action: actionList(part.Action) });
                continue;
            }
            const list = had.Action;
            for (const a of actionList(part.Action))
                if (!list.includes(a))
                    list.push(a);
        }
        [...parts.values()].forEach((part, n) => {
            // (the first part keeps the statement's Sid, the others take free ones: `${sid}${n}`)
            if (typeof st.Sid === 'string' && 'Sid' in part) {
                let sid = st.Sid;
                if (n > 0) {
                    let k = n + 1;
                    while (used.has(`${st.Sid}${k}`.toLowerCase()))
                        k++;
                    sid = `${st.Sid}${k}`;
                    used.add(sid.toLowerCase());
                }
                part.Sid = sid;
            }
            const list = part.Action;
            out.push({ ...part, Action: list.length === 1 && typeof st.Action === 'string' ? list[0] : list });
        });
    });
    if (!changed)
        return undefined;
    return { ...suggestions[0].minimal, Statement: out };
}
function actionList(v) {
    return (Array.isArray(v) ? v : [v]).filter((x) => typeof x === 'string');
}
/** A placeholder of a baseline (`<account-ID-without-hyphens>`, `<placeholder>`, `{INPUT_BUCKET}`). */
const PLACEHOLDER = /<[^<>]+>|\{[A-Z][A-Z0-9_]*\}/g;
/** How many times `hole` occurs in `lines`. */
function occurrences(lines, hole) {
    return lines.reduce((n, l) => n + l.split(hole).length - 1, 0);
}
/**
 * Why the rewrite is refused, when it would write a baseline placeholder of a minimal policy into
 * the file: in a resource (`<account-ID-without-hyphens>`, `{INPUT_BUCKET}`, a template hole kept
 * as `<${x}>`), or in a condition's key or value (`<placeholder>`, the user's own value a baseline
 * condition needs: the condition removed from Anyscale's cloud-ID statement would come back with
 * it). Written: a change of the rewrite (`before` to `after`, line by line) has it more times in
 * the lines it writes than in those it replaces; so a file that already holds the placeholder
 * elsewhere (a vendor's document pasted as published) is not written more of it, while a statement
 * kept or edited in place keeps its own. A placeholder that is the policy's own (the account of a
 * resource a `.tf` module creates, written there as its reference) is not in the text, so is no
 * reason.
 */
function placeholderReason(minimal, before, after) {
    let hunks;
    const writes = (hole) => {
        if (!after.includes(hole))
            return false;
        if (!before.includes(hole))
            return true;
        hunks ??= (0,create/* structuredPatch */.YB)('', '', before, after, undefined, undefined, { context: 0 }).hunks;
        return hunks.some((h) => occurrences(h.lines.filter((l) => l.startsWith('+')), hole) >
            occurrences(h.lines.filter((l) => l.startsWith('-')), hole));
    };
    const written = (v) => {
        for (const m of v.matchAll(PLACEHOLDER))
            if (writes(m[0]))
                return m[0];
        return undefined;
    };
    const statements = minimal?.Statement;
    for (const st of Array.isArray(statements) ? statements : [statements]) {
        if (!(0,json_lines/* isObject */.Gv)(st))
            continue;
        const sid = typeof st.Sid === 'string' ? ` of the statement ${st.Sid}` : '';
        for (const v of Array.isArray(st.Resource) ? st.Resource : [st.Resource]) {
            const hole = typeof v === 'string' ? written(v) : undefined;
            if (hole && /account/i.test(hole))
                return {
                    placeholder: hole,
                    reason: `the rewrite would write ${hole} into the file, a placeholder for a value the file does not write that way: pass --account-id (or set \`account-id\` in the configuration) when it is the account ID, or narrow it by hand`,
                };
            if (hole)
                return {
                    placeholder: hole,
                    reason: `the rewrite would write ${hole} into the file, the baseline's placeholder for a name of your own (a bucket, a role...) that neither --account-id nor the configuration sets: narrow the resource to your own name by hand (or audit against your own copy of the baseline with the name written in, listed under \`baselines\` in the configuration)`,
                };
        }
        for (const [op, keys] of Object.entries((0,json_lines/* isObject */.Gv)(st.Condition) ? st.Condition : {})) {
            for (const [key, values] of Object.entries((0,json_lines/* isObject */.Gv)(keys) ? keys : {})) {
                for (const v of [key, ...(Array.isArray(values) ? values : [values])]) {
                    const hole = typeof v === 'string' ? written(v) : undefined;
                    if (hole)
                        return {
                            placeholder: hole,
                            reason: `the rewrite would write ${hole} into the file, in the condition ${op} ${key}${sid} that the baseline requires: a placeholder for a value of your own (the file does not have it); add the condition with your value by hand`,
                        };
                }
            }
        }
    }
    return undefined;
}
/** `$.a.b[0]["x y"]` -> ['a', 'b', 0, 'x y']. */
function parseJsonPath(p) {
    if (!p.startsWith('$'))
        return undefined;
    const out = [];
    const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
    re.lastIndex = 1;
    while (re.lastIndex < p.length) {
        const m = re.exec(p);
        if (!m)
            return undefined;
        if (m[1] !== undefined)
            out.push(m[1]);
        else if (m[2] !== undefined)
            out.push(Number(m[2]));
        else
            out.push(JSON.parse(m[3]));
    }
    return out;
}
/** Wrapper keys followed to the document (as src/policy/document.ts reads them). */
const WRAPPERS = [
    'PolicyVersion',
    'Document',
    'document',
    'PolicyDocument',
    'policyDocument',
    'Policy',
    'policy',
];
function recordOf(text, path, id) {
    const loaded = (0,sources/* parseSource */.PJ)({ path, text }, true);
    const record = loaded.result.policies.find((p) => p.id === id);
    if (!record)
        throw new Unfixable('the policy is not found when the file is read again');
    if (record.status !== 'resolved')
        throw new Unfixable(`the policy is not resolved: ${record.reason ?? ''}`);
    return record;
}
/** The statements of a record's document as the audit read them. */
function originalStatements(record) {
    const parsed = (0,policy_document/* parsePolicyDocument */.X)(record.document);
    if (!parsed.raw)
        throw new Unfixable('the policy document could not be read');
    return { raw: parsed.raw, statements: (0,policy_raw/* statementsOf */.GX)(parsed.raw) };
}
/**
 * Rewrites the statement list of the document at `node` (following wrappers, and into a document
 * held as JSON text) in `text`; returns the edits.
 */
function documentEdits(text, json, node, originals, minimal, interpolations, depth = 0) {
    if (!node || depth > 6)
        throw new Unfixable('the policy document is not written literally in the file');
    if ((0,dist.isScalar)(node)) {
        if (typeof node.value !== 'string')
            throw new Unfixable('the policy document is not an object');
        const inner = node.value;
        const written = text.slice(node.range[0], node.range[1]);
        if (!json || written !== JSON.stringify(inner))
            throw new Unfixable('the policy is held in a string this tool would not write back byte for byte (escapes, YAML or URL encoding)');
        const ref = /^\$\{\s*data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\s*\}$/.exec(inner.trim());
        if (interpolations && ref)
            throw new Unfixable(`the policy is a reference to the policy document data source data.aws_iam_policy_document.${ref[1]} (${inner.trim()}), which fix does not follow in a .tf.json file: rewrite that data source's statements by hand`);
        if (interpolations && /^\$\{[^]*\}$/.test(inner.trim()))
            throw new Unfixable(`the policy is a Terraform expression (${inner.trim().length > 80 ? `${inner.trim().slice(0, 77)}...` : inner.trim()}), not a literal document: change it where it is defined`);
        if (!(0,json_lines/* parseJson */.qF)(inner).ok)
            throw new Unfixable('the policy is held in a string that is not JSON text');
        const innerDoc = parseNodes(inner);
        if (innerDoc.errors.length)
            throw new Unfixable('the policy text could not be read with positions');
        const innerEdits = documentEdits(inner, true, innerDoc.contents, originals, minimal, interpolations, depth + 1);
        return [
            { start: node.range[0], end: node.range[1], text: JSON.stringify(applyEdits(inner, innerEdits)) },
        ];
    }
    if (!(0,dist.isMap)(node))
        throw new Unfixable('the policy document is not written literally in the file (not an object)');
    const st = pairOf(node, 'Statement');
    if (!st) {
        const key = WRAPPERS.find((k) => pairOf(node, k));
        if (!key)
            throw new Unfixable('the policy document is not written literally in the file');
        return documentEdits(text, json, pairOf(node, key).value, originals, minimal, interpolations, depth + 1);
    }
    const list = st.value;
    if (!list || !((0,dist.isSeq)(list) || (0,dist.isMap)(list)))
        throw new Unfixable('the Statement is neither a list nor an object');
    if ((0,dist.isSeq)(list) && list.items.length !== originals.length)
        throw new Unfixable('the statements as written are not those the audit read (generated or conditional statements)');
    const fates = alignStatements(originals, minimal);
    if (!fates)
        throw new Unfixable('the minimal policy could not be matched statement by statement with the policy as written');
    return statementListEdits(text, json, list, originals, fates, interpolations);
}
/** Walks the yaml nodes along a JSON path. */
function nodeAt(root, path) {
    let n = root;
    for (const seg of path) {
        if (!n)
            return undefined;
        if (typeof seg === 'number') {
            if (!(0,dist.isSeq)(n))
                return undefined;
            n = n.items[seg];
        }
        else {
            if (!(0,dist.isMap)(n))
                return undefined;
            n = pairOf(n, seg)?.value;
        }
    }
    return n ?? undefined;
}
/** Policy JSON (with the AWS CLI wrappers), *.tf.json, CloudFormation JSON and YAML templates. */
function textFileFixer(path, kind) {
    const interpolations = kind === 'terraform-json';
    let beforeText;
    let beforeRecords = [];
    return {
        fix(text, s) {
            const record = recordOf(text, path, s.policy);
            const { statements } = originalStatements(record);
            const json = (0,json_lines/* parseJson */.qF)(text).ok;
            const doc = parseNodes(text);
            if (doc.errors.length)
                throw new Unfixable('the file could not be read with positions');
            let node = doc.contents;
            if (record.jsonPath) {
                const p = parseJsonPath(record.jsonPath);
                node = p ? nodeAt(doc.contents, p) : undefined;
                if (!node)
                    throw new Unfixable(`${record.jsonPath} is not found in the file as written`);
            }
            const edits = documentEdits(text, json, node, statements, minimalStatements(s), interpolations);
            checkAnchors(doc, text, edits);
            return applyEdits(text, edits);
        },
        verify(before, after, fixed) {
            // the file as read is parsed once, however many of its policies are fixed
            if (beforeText !== before) {
                beforeText = before;
                beforeRecords = (0,sources/* parseSource */.PJ)({ path, text: before }, true).result.policies;
            }
            verifyRecords(beforeRecords, (0,sources/* parseSource */.PJ)({ path, text: after }, true).result.policies, fixed);
            // and the rest of the file reads back the same (an edit that leaks is refused, not written)
            const paths = fixed.map((f) => beforeRecords.find((r) => r.id === f.policy)?.jsonPath);
            if (paths.every((p) => p !== undefined))
                checkOutside(before, after, paths.map((p) => parseJsonPath(p) ?? []));
        },
    };
}
/** Statement as a list (a single statement object counts as a list of one). */
function statementList(raw) {
    return (0,policy_raw/* statementsOf */.GX)(raw);
}
const LISTS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);
function sortedList(v) {
    const list = Array.isArray(v) ? v : [v];
    return list.every((x) => typeof x === 'string') ? [...new Set(list)].sort() : list;
}
/** A statement in a form where equal meaning is equal value: lists sorted, a single value a list of one. */
function normalStatement(st) {
    if (!(0,json_lines/* isObject */.Gv)(st))
        return st;
    const out = {};
    for (const k of Object.keys(st).sort()) {
        const v = st[k];
        if (LISTS.has(k))
            out[k] = sortedList(v);
        else if ((k === 'Principal' || k === 'NotPrincipal') && (0,json_lines/* isObject */.Gv)(v))
            out[k] = Object.fromEntries(Object.keys(v)
                .sort()
                .map((t) => [t, sortedList(v[t])]));
        else if (k === 'Condition' && (0,json_lines/* isObject */.Gv)(v))
            out[k] = Object.fromEntries(Object.keys(v)
                .sort()
                .map((op) => {
                const keys = v[op];
                return [
                    op,
                    (0,json_lines/* isObject */.Gv)(keys)
                        ? Object.fromEntries(Object.keys(keys)
                            .sort()
                            .map((c) => [c, sortedList(keys[c])]))
                        : keys,
                ];
            }));
        else
            out[k] = v;
    }
    return out;
}
/** The same statements, in the same order, up to list order and string-or-list forms. */
function sameStatements(a, b) {
    return (0,external_node_util_.isDeepStrictEqual)(a, b) || (0,external_node_util_.isDeepStrictEqual)(a.map(normalStatement), b.map(normalStatement));
}
/**
 * The policies read back from the rewritten text: each fixed one is its minimal policy (same
 * statements, the document's other keys unchanged), every other one is as before.
 */
function verifyRecords(before, after, fixed) {
    const minimalOf = new Map(fixed.map((s) => [s.policy, s]));
    if (before.length !== after.length)
        throw new Unfixable('the rewritten file does not read back with the same policies');
    const afterById = new Map(after.map((r) => [r.id, r]));
    for (const b of before) {
        const a = afterById.get(b.id);
        if (!a)
            throw new Unfixable(`the rewritten file no longer has the policy ${b.id}`);
        const s = minimalOf.get(b.id);
        if (!s) {
            if (!(0,external_node_util_.isDeepStrictEqual)(a.document, b.document) || a.status !== b.status)
                throw new Unfixable(`the rewrite would change another policy of the file (${b.id})`);
            continue;
        }
        const rb = (0,policy_document/* parsePolicyDocument */.X)(b.document).raw;
        const ra = (0,policy_document/* parsePolicyDocument */.X)(a.document).raw;
        if (!ra || !rb)
            throw new Unfixable('the rewritten policy does not read back as a policy document');
        if (!sameStatements(statementList(ra), minimalStatements(s)))
            throw new Unfixable('the rewritten policy does not read back as the minimal policy');
        for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)]))
            if (k !== 'Statement' && !(0,external_node_util_.isDeepStrictEqual)(ra[k], rb[k]))
                throw new Unfixable(`the rewrite would change the document's ${k}`);
        if (!(0,json_lines/* isObject */.Gv)(ra))
            throw new Unfixable('the rewritten policy is not an object');
    }
}
/** A statement list value as strings (a single string a list of one); undefined when it is not one. */
function stringList(v) {
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return list.every((x) => typeof x === 'string') ? list : undefined;
}
/**
 * Does statement `part` grant no more than `whole`, as written: both Allow, the same keys, its
 * Action and Resource a part of `whole`'s (items as written; actions without case), its
 * NotAction and NotResource holding all of `whole`'s, everything else (Condition, Principal)
 * the same. Conservative: text that means the same but is written differently is not within.
 */
function statementWithin(part, whole) {
    if (!isObject(part) || !isObject(whole) || part.Effect === 'Deny' || whole.Effect === 'Deny')
        return false;
    const keys = new Set([...Object.keys(part), ...Object.keys(whole)]);
    keys.delete('Sid');
    for (const k of keys) {
        if (!(k in part) || !(k in whole))
            return false;
        const fold = (xs) => k === 'Action' || k === 'NotAction' ? xs.map((x) => x.toLowerCase()) : xs;
        if (LISTS.has(k)) {
            const p = stringList(part[k]);
            const w = stringList(whole[k]);
            if (!p || !w)
                return false;
            const [inner, outer] = k.startsWith('Not') ? [fold(w), new Set(fold(p))] : [fold(p), new Set(fold(w))];
            if (!inner.every((x) => outer.has(x)))
                return false;
        }
        else if (!isDeepStrictEqual(normalStatement({ [k]: part[k] }), normalStatement({ [k]: whole[k] })))
            return false;
    }
    return true;
}
/**
 * The statements of each policy of a file, by id (undefined for a policy whose document is not
 * read): the file's own records, or those `records` reads with the file's text (a `.tf` module).
 */
function statementsById(path, text, records) {
    const out = new Map();
    for (const r of records ? records(text) : parseSource({ path, text }, true).result.policies) {
        const raw = r.status === 'resolved' ? parsePolicyDocument(r.document).raw : undefined;
        out.set(r.id, raw ? statementList(raw) : undefined);
    }
    return out;
}
/**
 * Does `partial` (the file with only some of a fix's edits applied) grant no more than `before`,
 * where `after` is the whole fix? Each policy of `before` keeps every Deny statement as written,
 * and each of its Allow statements is within (statementWithin) one of the policy's statements as
 * written or as the whole fix writes it (a minimal statement grants no more than the original).
 * So a part that deletes an item of a NotResource or NotAction list, a Condition or a Deny, or
 * that writes a statement half-way between the two, is refused: applied alone, it may grant more.
 * A `.tf` file's policies are read by its module: `records` reads them with the file's text given.
 */
function partGrantsNoMore(path, before, partial, after, records) {
    try {
        const was = statementsById(path, before, records);
        const full = statementsById(path, after, records);
        const part = statementsById(path, partial, records);
        for (const [id, original] of was) {
            if (!original)
                continue;
            const now = part.get(id);
            if (!now)
                return false;
            const denies = original.filter((st) => isObject(st) && st.Effect === 'Deny');
            if (!denies.every((d) => now.some((st) => sameStatements([d], [st]))))
                return false;
            const allowed = [...original, ...(full.get(id) ?? [])];
            for (const st of now)
                if (!(isObject(st) && st.Effect === 'Deny') && !allowed.some((w) => statementWithin(st, w)))
                    return false;
        }
        return true;
    }
    catch {
        return false;
    }
}
/**
 * The changed regions of a fix, in order, with no context: what a pull-request review's
 * "suggested change" on lines start..end of the file as it is would replace them with.
 */
function changedRanges(f) {
    const patch = structuredPatch(f.path, f.path, f.before, f.after, undefined, undefined, { context: 0 });
    return patch.hunks.map((h) => {
        const lines = h.lines.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
        // (with no old lines, jsdiff's oldStart is the line the new ones go before)
        const start = h.oldStart;
        return { start, end: start + h.oldLines - 1, lines };
    });
}

// EXTERNAL MODULE: ./src/sources/safe-read.ts
var safe_read = __webpack_require__(4646);
// EXTERNAL MODULE: ./src/cli-options.ts
var cli_options = __webpack_require__(2830);
// EXTERNAL MODULE: ./src/report/group.ts
var group = __webpack_require__(6349);
;// CONCATENATED MODULE: ./src/cli-fix.ts
// `iam-baseline-audit fix [PATH...] [--baseline B] [--config FILE] [--dry-run]`: the same audit as
// `audit`, then each policy with a suggestion rewritten to its minimal policy in its file
// (src/fix/). --dry-run prints the unified diffs and writes nothing; otherwise each changed file is
// written atomically (a temporary file in the same directory, with the file's mode, renamed over
// it), and only when it still holds the text the fix was planned on. Everything printed that comes
// from the repository (paths, addresses, logical ids, reasons, diffs) goes through the terminal/log
// escaping: each value made visible (one line) before the line holding it is built, so no value can
// add a line of its own.













/** Rounds of audit and fix in one run (see fixCommand). */
const MAX_ROUNDS = 3;
/** A value from the repository within a line: one line, visible, never a workflow command. */
const v = (value) => (0,core_escape/* escapeTerminal */.en)(value);
/**
 * Prints lines built by this command: every value from the repository in them went through `v`
 * (or, in a diff, each line through visibilise), so each line here is one of ours; escapeLog
 * then keeps any from starting a workflow command.
 */
function out(text) {
    const safe = (0,core_escape/* escapeLog */.Ah)(text);
    process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}
/**
 * The unified diff of one file's fix (`a/PATH` -> `b/PATH`, 3 lines of context), as printed: after
 * a `diff a/PATH b/PATH` line (no line of the file can start with `diff`: each starts with ` `,
 * `+`, `-` or `\`, so where a file's diff starts cannot be forged by a removed `-- a/x` line),
 * with the path made visible in the headers and each line of the file made visible (a `\r`, an
 * escape sequence, a tab: `\r`, `\x1b`, `\t`, as in the Markdown's diffs), lines split at `\n`
 * (and `\r\n`) only, as the diff splits them.
 */
function fileDiff(f) {
    const path = v(f.path);
    // Names of our own for the library's headers, which are replaced: a path's newline would split them.
    const lines = (0,create/* createTwoFilesPatch */.ss)('a', 'b', f.before, f.after, undefined, undefined, { context: 3 }).split('\n');
    const hunks = lines.findIndex((line) => line.startsWith('@@'));
    const body = (hunks === -1 ? [] : lines.slice(hunks)).map((line) => (0,core_escape/* visibilise */.ow)(line.replace(/\r$/, '')));
    return [`diff a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...body].join('\n');
}
/**
 * Writes `text` to `file` atomically: a temporary file next to it (same directory, so the rename
 * stays on one file system) with the file's permission bits, then renamed over it. A symbolic link
 * is followed (the file it points to is replaced, the link stays).
 */
function writeAtomically(file, text, encoding) {
    const target = (0,external_node_fs_.realpathSync)(file);
    const mode = (0,external_node_fs_.statSync)(target).mode & 0o7777;
    const tmp = (0,external_node_path_.join)((0,external_node_path_.dirname)(target), `.${(0,external_node_path_.basename)(target)}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.tmp`);
    try {
        (0,external_node_fs_.writeFileSync)(tmp, (0,safe_read/* encodeText */.wx)(text, encoding), { mode, flag: 'wx' });
        (0,external_node_fs_.chmodSync)(tmp, mode);
        (0,external_node_fs_.renameSync)(tmp, target);
    }
    catch (e) {
        (0,external_node_fs_.rmSync)(tmp, { force: true });
        throw e;
    }
}
async function fixCommand(argv, toStdout, auditRoot) {
    const { values, positionals } = (0,external_node_util_.parseArgs)({
        args: argv,
        allowPositionals: true,
        options: {
            baseline: { type: 'string', short: 'b' },
            config: { type: 'string', short: 'c' },
            'dry-run': { type: 'boolean', default: false },
            'account-id': { type: 'string' },
            'max-file-size': { type: 'string' },
        },
    });
    const accountId = values['account-id'];
    if (accountId !== undefined && !/^\d{12}$/.test(accountId))
        throw new errors/* UsageError */.e(`--account-id must be a 12-digit AWS account ID, not "${accountId}"`);
    const maxFileBytes = (0,cli_options/* megabytes */.ix)(values['max-file-size']) ?? sources/* DEFAULT_MAX_FILE_BYTES */.CR;
    const cwd = process.cwd();
    const named = positionals.length ? positionals : ['.'];
    const root = (0,cli_options/* configRoot */.HG)(cwd, auditRoot(cwd, named), values.config);
    const audit = () => (0,run/* runAudit */.bD)({
        root,
        paths: root === cwd ? named : named.map((p) => (0,external_node_path_.relative)(root, (0,external_node_path_.resolve)(cwd, p)) || '.'),
        pathsAsTyped: named,
        baseline: (0,cli_options/* baselineFromCwd */.IV)(values.baseline, cwd, root),
        config: (0,cli_options/* configFrom */.DU)(cwd, root, values.config),
        accountId,
        maxFileBytes,
    });
    // Each file's encoding as read: a UTF-16 file is written back in UTF-16.
    const encodings = new Map();
    const read = (p) => {
        const r = (0,safe_read/* readRepoFile */.v6)(root, p, maxFileBytes);
        if (!r.ok)
            return undefined;
        encodings.set(p, r.encoding);
        return r.text;
    };
    const dryRun = values['dry-run'];
    const lines = [];
    const diffs = [];
    const fixedFiles = new Map();
    // Files a fix was planned for and that could not be written (the last reason of each).
    const notWritten = new Map();
    const first = await audit();
    let plan = planFixes(first, read);
    // (nothing held to a baseline is not "nothing to fix": said as the audit's reports say it)
    const audited = first.policies.filter((p) => p.status === 'audited').length;
    const nothing = audited
        ? 'nothing to fix: no policy grants more than its baseline allows'
        : `nothing to fix: no policy was held to a baseline (${(0,group/* whyNoneAudited */.$W)(first.policies)}; \`audit\` lists each with the reason)`;
    // One round is enough (a narrowed resource carries its condition); as a safety net the files
    // written are audited and fixed again, a few rounds at most, so that one `fix` leaves nothing a
    // second would change.
    for (let round = 0; round < MAX_ROUNDS; round++) {
        let written = 0;
        for (const f of plan.files) {
            if (dryRun) {
                diffs.push(fileDiff(f));
                lines.push(`would fix ${inFile(f.path, f.policies)}`);
                continue;
            }
            // Written only when the file still holds the text the fix was planned on.
            if (read(f.path) !== f.before) {
                notWritten.set(f.path, 'the file changed while it was being fixed; run fix again');
                continue;
            }
            try {
                writeAtomically((0,external_node_path_.join)(root, f.path), f.after, encodings.get(f.path));
                written++;
                notWritten.delete(f.path);
                const set = fixedFiles.get(f.path) ?? new Set();
                f.policies.forEach((id) => set.add(id));
                fixedFiles.set(f.path, set);
            }
            catch (e) {
                notWritten.set(f.path, e.message);
            }
        }
        if (dryRun || written === 0)
            break;
        const next = planFixes(await audit(), read);
        // only what the rewrite itself asks for next: files this run wrote
        const files = next.files.filter((f) => fixedFiles.has(f.path));
        if (files.length === 0) {
            plan = { files: [], notFixed: next.notFixed };
            break;
        }
        plan = { files, notFixed: next.notFixed };
    }
    for (const [path, ids] of fixedFiles)
        lines.push(`fixed ${inFile(path, [...ids])}`);
    for (const [path, why] of notWritten)
        lines.push(`not written ${v(path)}: ${v(why)}`);
    for (const n of plan.notFixed)
        lines.push(`not fixed ${v(n.policy)}: ${v(n.reason)}`);
    // Optional features the report says to keep if used: a fix leaves them out (the audit takes a
    // feature granted only in part as not in use), said per policy fixed, with how to keep them.
    const fixedIds = new Set(dryRun ? plan.files.flatMap((f) => f.policies) : [...fixedFiles.values()].flatMap((s) => [...s]));
    const features = [...(0,group/* featuresLeftOut */.vr)(first.findings)].filter(([policy]) => fixedIds.has(policy));
    for (const [policy, names] of features)
        lines.push(`${dryRun ? 'would leave out' : 'left out'} in ${v(policy)}: the optional ${names.size === 1 ? 'feature' : 'features'} ${[...names].map(v).join(', ')}; if you use ${names.size === 1 ? 'it' : 'them'}, name ${names.size === 1 ? 'it' : 'them'} among the audit's sets (sets: in the configuration) and fix again${dryRun ? '' : ' (restore the statements first)'}`);
    // Names that match no action are kept as written (which action was meant is not guessed): said,
    // or "nothing to fix" would leave them unmentioned.
    const unknown = new Map();
    for (const f of first.findings) {
        if (f.kind !== 'unknown-action' || f.ignored || f.removed)
            continue;
        const set = unknown.get(f.policy) ?? new Set();
        for (const a of f.actions)
            set.add(a);
        unknown.set(f.policy, set);
    }
    for (const [policy, names] of unknown)
        lines.push(`left as written ${v(policy)}: ${[...names].map(v).join(', ')} ${names.size === 1 ? 'matches' : 'match'} no action in the AWS catalog: fix the spelling or delete ${names.size === 1 ? 'it' : 'them'} (fix does not guess which action was meant)`);
    const written = fixedFiles.size;
    if (!dryRun && written === 0 && notWritten.size === 0 && plan.notFixed.length === 0)
        lines.push(nothing);
    else if (dryRun && plan.files.length === 0 && plan.notFixed.length === 0)
        lines.push(nothing);
    else if (!dryRun)
        lines.push(`${written} file${written === 1 ? '' : 's'} fixed${notWritten.size ? `, ${notWritten.size} file${notWritten.size === 1 ? '' : 's'} not written` : ''}, ${plan.notFixed.length} polic${plan.notFixed.length === 1 ? 'y' : 'ies'} not fixed`);
    await toStdout(() => {
        for (const d of diffs)
            out(d);
        out(lines.join('\n'));
    });
    // A fix that could not be written failed; a policy that cannot be fixed is only listed.
    return notWritten.size > 0 ? 1 : 0;
}
/**
 * A file and the policies fixed in it, each by its place in the file (`main.tf: aws_kms_key.logs`);
 * a policy file that is one policy is named once (`iam/p.json`, not `iam/p.json: iam/p.json`).
 */
function inFile(path, ids) {
    const own = ids
        .filter((id) => id !== path)
        .map((id) => (id.startsWith(`${path}#`) ? id.slice(path.length + 1) : id));
    return own.length ? `${v(path)}: ${own.map(v).join(', ')}` : v(path);
}


/***/ })

};
