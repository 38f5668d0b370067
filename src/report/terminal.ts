// The text report's escaping, with a fast path: escapeTerminal and escapeLog (src/core/escape.ts)
// stay the one boundary; these only skip them for a value (or a whole text) that a cheap test
// proves they would return unchanged. A large report escapes some 200,000 values, nearly all plain
// ASCII names, paths and ARNs. Pure: no I/O.
import { escapeLog, escapeTerminal, MAX_SHOWN_LENGTH } from '../core/escape.js';

/** Printable ASCII only: no control, invisible, bidi or surrogate character for visibilise to show. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
/** With printable ASCII only, the leading workflow command escapeTerminal breaks (`::`, `  ::`). */
const LEADING_COMMAND = /^ *::/;

/**
 * escapeTerminal(value), without its three passes for a value it would leave as it is: at most
 * MAX_SHOWN_LENGTH characters (not clipped), printable ASCII (nothing to make visible; `\s` is then
 * only the space), no `##[` and no leading `::`. Anything else goes through escapeTerminal.
 */
export function terminalText(value: string): string {
  return value.length <= MAX_SHOWN_LENGTH &&
    PRINTABLE_ASCII.test(value) &&
    !value.includes('##[') &&
    !LEADING_COMMAND.test(value)
    ? value
    : escapeTerminal(value);
}

/**
 * What escapeLog changes: a carriage return (lines are rejoined with `\n`), `##[`, and a line that
 * starts with `::` after white space and colour codes. A match here may be a false alarm (`\s` can
 * run over a line end); a text without one is returned unchanged by escapeLog.
 */
const LOG_CHANGES = /\r|##\[|(?:^|\n)(?:\s|\u001B\[[0-9;]*m)*::/;

/** escapeLog(text), without splitting and rejoining a text it would leave as it is. */
export function logText(text: string): string {
  return LOG_CHANGES.test(text) ? escapeLog(text) : text;
}
