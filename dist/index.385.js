export const id = 385;
export const ids = [385];
export const modules = {

/***/ 4536:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ah: () => (/* binding */ escapeLog),
/* harmony export */   Az: () => (/* binding */ longestBacktickRun),
/* harmony export */   FV: () => (/* binding */ escapeMarkdown),
/* harmony export */   SM: () => (/* binding */ clipShown),
/* harmony export */   _I: () => (/* binding */ MAX_SHOWN_LENGTH),
/* harmony export */   au: () => (/* binding */ escapeSarifText),
/* harmony export */   bK: () => (/* binding */ fencedBlockNote),
/* harmony export */   en: () => (/* binding */ escapeTerminal),
/* harmony export */   fQ: () => (/* binding */ escapeLogMessage),
/* harmony export */   nA: () => (/* binding */ hasHiddenCharacters),
/* harmony export */   nl: () => (/* binding */ inertJson),
/* harmony export */   ow: () => (/* binding */ visibilise),
/* harmony export */   uG: () => (/* binding */ LONE_SURROGATE),
/* harmony export */   z0: () => (/* binding */ hiddenMarker),
/* harmony export */   zW: () => (/* binding */ fencedBlock)
/* harmony export */ });
/* unused harmony export MARKER_PREFIX */
// Escaping at the boundary: every value that comes from the repository (Sids, paths, ARNs,
// Terraform addresses, action names, messages built from them) goes through `escapeMarkdown`
// before it reaches Markdown, and through `escapeTerminal` before it reaches a terminal.
// Pure: no I/O.
/** Our own hidden markers start with this; input must never be able to reproduce one. */
const MARKER_PREFIX = '<!-- iam-baseline-audit';
/**
 * Characters that can hide or reorder text: every format character (zero-width, bidirectional
 * controls, Unicode tags U+E0000–E007F that smuggle text, interlinear annotations), variation
 * selectors (which can carry bytes after a visible character), line and paragraph separators, and
 * the characters that render blank (Hangul fillers, the braille blank, the combining grapheme
 * joiner): shown as `\uXXXX` (`\u{XXXXX}` beyond the BMP) instead.
 */
const INVISIBLE = /[\p{Cf}\p{Variation_Selector}\u2028\u2029\u034F\u115F\u1160\u3164\uFFA0\u2800]/gu;
/** C0 and C1 control characters and DEL (ESC starts ANSI sequences). Tab and newlines included. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
/** INVISIBLE and CONTROL but the tab and the line break (hasHiddenCharacters), without the global flag. */
const HIDDEN = new RegExp(`${INVISIBLE.source}|[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]`, 'u');
/** Half of a surrogate pair on its own (`"\ud800"` in JSON): not text, and some APIs reject it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NAMED_CONTROLS = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001B': '\\x1b' };
function hex(ch, width) {
    return ch.charCodeAt(0).toString(16).toUpperCase().padStart(width, '0');
}
/**
 * Whether a text holds a character that hides or reorders text (INVISIBLE: bidi controls,
 * zero-width characters...), or a control character other than a tab: what a reader cannot see.
 */
function hasHiddenCharacters(text) {
    return HIDDEN.test(text);
}
/**
 * Makes invisible and control characters visible: `\n`, `\r`, `\t`, `\x1b`, `\x07`, `\u202E`...
 * After this a value is one line, carries no terminal escape sequence and cannot reorder or hide text.
 */
function visibilise(value) {
    return value
        .replace(CONTROL, (ch) => NAMED_CONTROLS[ch] ?? `\\x${hex(ch, 2)}`)
        .replace(INVISIBLE, (ch) => {
        const cp = ch.codePointAt(0);
        return cp > 0xffff ? `\\u{${cp.toString(16).toUpperCase()}}` : `\\u${hex(ch, 4)}`;
    })
        .replace(LONE_SURROGATE, (ch) => `\\u${hex(ch, 4)}`);
}
/**
 * Longest value shown by a renderer (Markdown, terminal, SARIF text), in UTF-16 code units. Longer
 * ones are cut with a visible `… (N more characters)`; the JSON report keeps every value whole.
 * Real Sids, ARNs, paths and messages are far shorter; a hostile 50 MB one must not make every
 * rendering (and GitHub's) slow.
 */
const MAX_SHOWN_LENGTH = 2000;
/** Cuts a value longer than MAX_SHOWN_LENGTH (never inside a surrogate pair) and says how much is left out. */
function clipShown(value, max = MAX_SHOWN_LENGTH) {
    if (value.length <= max)
        return value;
    let end = max;
    const c = value.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff)
        end--;
    return `${value.slice(0, end)}… (${value.length - end} more characters)`;
}
/** Any value as a string (arrays joined with `, `), clipped; undefined and null as the empty string. */
function asString(value) {
    if (value === undefined || value === null)
        return '';
    if (Array.isArray(value))
        return clipShown(value.map((v) => asString(v)).join(', '));
    return clipShown(typeof value === 'string' ? value : String(value));
}
/** Length of the longest run of backticks (a loop: a spread of millions of runs would overflow). */
function longestBacktickRun(text) {
    let longest = 0;
    let run = 0;
    for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) === 96) {
            run++;
            if (run > longest)
                longest = run;
        }
        else
            run = 0;
    }
    return longest;
}
// ---------------------------------------------------------------------------------------------
// Markdown
/**
 * Zero-width space, as an entity: it is ours (input's own zero-width characters are made visible),
 * and it breaks GitHub's @-mention, team-mention, #-reference and URL autolinkers, which run on the
 * rendered text (so a backslash or `&#64;` would not stop them).
 */
const ZWSP = '&#8203;';
/** ASCII punctuation that can start Markdown syntax (`$`: GitHub's math), backslash-escaped. */
const MD_PUNCTUATION = new Set('\\`*_{}[]()!|~+-.=^$'.split(''));
const ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    // In raw HTML only (where GitHub reads no Markdown): no other Markdown reader sees a link there either.
    '[': '&#91;',
    ']': '&#93;',
};
/** What escapeChars rewrites, in Markdown text and in raw HTML (one linear pass each). */
const MD_SPECIAL = /www\.|gh-(?=\d)|:(?=\/\/)|[&<>@#\\`*_{}[\]()!|~+\-.=^$]/gi;
const HTML_SPECIAL = /www\.|gh-(?=\d)|:(?=\/\/)|[&<>@#"'[\]]/gi;
/**
 * Shared walk for the text and html styles: entities for `&` `<` `>` (and quotes in html), a
 * zero-width space after `@` and `#`, inside `://`, `www.` and `GH-` before a digit (GitHub's
 * issue-reference form); in Markdown text, punctuation backslash-escaped.
 */
function escapeChars(visible, markdown) {
    return visible.replace(markdown ? MD_SPECIAL : HTML_SPECIAL, (m) => {
        if (m.length === 4)
            return `${m.slice(0, 3)}${ZWSP}${markdown ? '\\.' : '.'}`; // www.
        if (m.length === 3)
            return `${m.slice(0, 2)}${ZWSP}${markdown ? '\\-' : '-'}`; // GH-42: an issue reference
        if (!markdown && ENTITIES[m] !== undefined)
            return ENTITIES[m];
        if (m === '&' || m === '<' || m === '>')
            return ENTITIES[m];
        if (m === '@' || m === '#' || m === ':')
            return m + ZWSP;
        return MD_PUNCTUATION.has(m) ? `\\${m}` : m;
    });
}
/** Markdown text: no syntax, no HTML, no links, mentions or references survive. */
function markdownText(value) {
    return escapeChars(visibilise(value), true);
}
/** Raw HTML context (inside `<summary>`, where Markdown is not parsed): entities only. */
function htmlText(value) {
    return escapeChars(visibilise(value), false);
}
/**
 * Can this (already visibilised) value go into a code span as it is? In a code span GitHub renders
 * text literally (no HTML, no mentions, no references), but entities are not decoded either, so a
 * value with `<`, `>` or `&` goes out as escaped text instead, and never as raw HTML.
 */
function codeSafe(visible) {
    return visible.length > 0 && !/[<>&|]/.test(visible) && visible.trim().length > 0;
}
/** A code span whose fence is longer than the longest backtick run inside, padded when needed. */
function codeSpan(visible) {
    const fence = '`'.repeat(longestBacktickRun(visible) + 1);
    const pad = visible.startsWith('`') || visible.endsWith('`') || (visible.startsWith(' ') && visible.endsWith(' '));
    return pad ? `${fence} ${visible} ${fence}` : `${fence}${visible}${fence}`;
}
/**
 * The one Markdown escaping function. Every value from the repository goes through it.
 *
 * - `code` (default): a code span when the value can be shown literally in one (a fence longer than
 *   any backtick run inside), else the `text` form. Empty values become `(empty)`.
 * - `text`: escaped Markdown text: punctuation backslash-escaped (no emphasis, links, images or
 *   table cells), `<` `>` `&` as entities (never raw HTML), `@`, `#`, `:` and `www.` broken
 *   so that GitHub makes no mention, reference or autolink.
 * - `html`: for raw HTML blocks such as `<summary>`: entities only, autolinks broken.
 *
 * In every style, newlines, control characters (ANSI escapes), zero-width and bidi controls are
 * made visible (`\n`, `\x1b`, `\u202E`), and `|` never appears unescaped, so the result is one
 * line that cannot break a list, a table or our own hidden marker.
 */
function escapeMarkdown(value, style = 'code') {
    const raw = asString(value);
    if (style === 'html')
        return htmlText(raw);
    if (style === 'text')
        return markdownText(raw);
    const visible = visibilise(raw);
    if (visible === '')
        return '_(empty)_';
    return codeSafe(visible) ? codeSpan(visible) : markdownText(raw);
}
/**
 * A fenced code block for text we do not control (a diff of policy documents): the fence is longer
 * than any backtick run in the content, so nothing inside can close it, and any `<!--` is shown as
 * `<!-\-` so our hidden marker can never appear inside. Control characters other than newlines are made visible.
 */
function fencedBlock(content, language = '') {
    const lines = content
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .map((line) => visibilise(line).replace(/<!--/g, '<!-\\-'));
    const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
    return `${fence}${language}\n${lines.join('\n')}\n${fence}`;
}
/**
 * The line to put under fencedBlock(content) when it showed a `<!--` of the content as `<!-\-`
 * (Markdown text, no raw `<`), else undefined: the text copied from the block is then not the
 * text itself. (The rewrite stays: our sticky comment is found by its marker anywhere in the
 * body, and a block of someone else's text must never hold it.)
 */
function fencedBlockNote(content) {
    if (!content.includes('<!--'))
        return undefined;
    const open = escapeMarkdown('<!--', 'text');
    return `Each ${open} in the diff above is shown as ${escapeMarkdown('<!-\\-', 'text')}, so that it cannot be taken for this comment's hidden marker: the text itself has ${open}.`;
}
/**
 * A hidden marker such as `<!-- iam-baseline-audit:comment key=main -->` (a review comment's:
 * `<!-- iam-baseline-audit:suggestion key=main id=0123abcd -->`). The key and id are
 * percent-encoded outside `[A-Za-z0-9_.-]`, so they cannot close the comment early.
 */
function hiddenMarker(kind, key, id) {
    const encode = (v) => v.replace(/[^A-Za-z0-9_.-]/g, (ch) => [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
    const safe = encode(key === '' ? 'default' : key);
    return `${MARKER_PREFIX}:${kind} key=${safe}${id !== undefined ? ` id=${encode(id)}` : ''} -->`;
}
// ---------------------------------------------------------------------------------------------
// Terminal
/**
 * The one terminal escaping function: ANSI escape sequences, other C0/C1 control characters,
 * newlines, zero-width and bidi controls are made visible (`\x1b[31m` shows as text, never colours).
 */
function escapeTerminal(value) {
    return neutraliseCommands(visibilise(asString(value)));
}
// ---------------------------------------------------------------------------------------------
// The Actions log (and any terminal a CI runner reads as a log)
/**
 * The GitHub Actions runner reads its log line by line and acts on workflow commands: a line that
 * starts with `::` (after white space) and the older `##[command]` syntax. Lines end at `\n`, `\r`
 * or `\r\n`. ANSI colour codes of our own may come before a line's text.
 */
const LEADING_COMMAND = /^((?:\s|\u001B\[[0-9;]*m)*):(?=:)/;
const OLD_COMMAND = /##\[/g;
/** `##[` becomes `##\[`, and a leading `::` becomes `:\:`: visible, and never a command. */
function neutraliseCommands(line) {
    return line.replace(OLD_COMMAND, '##\\[').replace(LEADING_COMMAND, '$1:\\');
}
/**
 * The one escaping boundary for the Actions log and the terminal, applied to whole texts (the
 * text report, every message the action logs): after it no line starts with `::` and no `##[`
 * appears, so nothing the repository wrote can run as a workflow command (`::add-mask::`,
 * `::error::`, `##[set-output]`...). Our own commands (annotations, masks) are issued by
 * @actions/core, never through this function. Idempotent.
 */
function escapeLog(text) {
    return text
        .split(/\r\n|\r|\n/)
        .map(neutraliseCommands)
        .join('\n');
}
/**
 * JSON text for the Actions log that is still the same data: inside its strings (the only place
 * JSON holds them) a `:` before another `:` is written `\u003a`, and a `#` before `#[` is written
 * `\u0023`, so no line holds `::` or `##[` and a reader parses the very same values. For JSON
 * made by JSON.stringify, whole or in pieces that each hold whole strings (src/report/json-stream.ts).
 */
function inertJson(text) {
    return text.replace(/:(?=:)/g, '\\u003a').replace(/#(?=#\[)/g, '\\u0023');
}
/**
 * A message for the log or a terminal that may quote the repository (an error naming a file, a
 * reason): each line's control, invisible and bidi characters made visible, then escapeLog. Not
 * for the text report, whose values are escaped already and whose colours are ours.
 */
function escapeLogMessage(text) {
    return escapeLog(text
        .split(/\r\n|\r|\n/)
        .map((line) => visibilise(line))
        .join('\n'));
}
// ---------------------------------------------------------------------------------------------
// SARIF message strings
/**
 * Plain text for a SARIF `message.text`: one line, visible control characters, and `[`/`]`
 * backslash-escaped so no embedded link (`[text](id)`, SARIF §3.11.6) can be formed.
 */
function escapeSarifText(value) {
    return visibilise(asString(value)).replace(/[\\[\]]/g, (ch) => `\\${ch}`);
}


/***/ }),

/***/ 3385:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   log: () => (/* binding */ log),
/* harmony export */   u: () => (/* binding */ setResult)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6421);
/* harmony import */ var _core_escape_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4536);
// Everything the action writes to its log goes through here: the one boundary for the Actions log.
// The runner acts on workflow commands in any line of the log (`::cmd::` at a line's start,
// `##[cmd]` anywhere), and the repository controls much of what we print (Sids, file names,
// Terraform addresses, baseline texts, error messages that quote them). So every message passes
// escapeLog, and the text report is also printed between `::stop-commands::` markers with a
// random token, as the runner documents for untrusted output.




/** Whether the `result` output is written (once a run: a failure after the verdict keeps it). */
let resultWritten = false;
/**
 * The `result` output, written once: the verdict's, or `fail` when the step fails before one
 * (inputs, configuration, nothing to audit, a saved report refused, an internal error), so that
 * `if: steps.audit.outputs.result == 'fail'` sees every failure.
 */
function setResult(result) {
    if (resultWritten)
        return;
    resultWritten = true;
    _actions_core__WEBPACK_IMPORTED_MODULE_2__.setOutput('result', result);
}
const log = {
    info(message) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__.info((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_3__/* .escapeLogMessage */ .fQ)(message));
    },
    warning(message) {
        _actions_core__WEBPACK_IMPORTED_MODULE_2__.warning((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_3__/* .escapeLogMessage */ .fQ)(message));
    },
    /** Fails the step with this message (an error annotation too), and sets `result` to `fail`. */
    fail(message) {
        setResult('fail');
        _actions_core__WEBPACK_IMPORTED_MODULE_2__.setFailed((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_3__/* .escapeLogMessage */ .fQ)(message));
    },
    /**
     * Prints text from the repository (the text report): escaped line by line, and with workflow
     * commands switched off around it, so that even a line that got past the escaping runs nothing.
     */
    untrusted(text) {
        const token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)();
        process.stdout.write(`::stop-commands::${token}${node_os__WEBPACK_IMPORTED_MODULE_1__.EOL}`);
        _actions_core__WEBPACK_IMPORTED_MODULE_2__.info((0,_core_escape_js__WEBPACK_IMPORTED_MODULE_3__/* .escapeLog */ .Ah)(text));
        process.stdout.write(`::${token}::${node_os__WEBPACK_IMPORTED_MODULE_1__.EOL}`);
    },
};


/***/ })

};
