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

/** JavaScript's `\s`, which LEADING_COMMAND of escapeLog allows before a command. */
const SPACE = /\s/;

/**
 * True when escapeLog may change the text: it holds a carriage return (lines are rejoined with
 * `\n`), `##[`, or a `::` with nothing but white space and colour codes (`\u001B[...m`) before it
 * on its line (escapeLog's leading command). False says escapeLog returns the text unchanged. A
 * report names many ARNs (`arn:aws:s3:::x`): each `::` is looked at from where it is, backwards.
 */
export function logMayChange(text: string): boolean {
  if (text.includes('\r') || text.includes('##[')) return true;
  for (let at = text.indexOf('::'); at >= 0; at = text.indexOf('::', at + 1)) {
    let i = at - 1;
    for (;;) {
      if (i < 0 || text.charCodeAt(i) === 10) return true; // the start of a line
      const c = text[i]!;
      if (SPACE.test(c)) {
        i--;
        continue;
      }
      // A colour code ends with `m`: `\u001B[`, digits and semicolons, `m`.
      if (c !== 'm') break;
      let j = i - 1;
      while (j >= 0 && /[0-9;]/.test(text[j]!)) j--;
      if (j < 1 || text[j] !== '[' || text[j - 1] !== '\u001B') break;
      i = j - 2;
    }
  }
  return false;
}

/** escapeLog(text), without splitting and rejoining a text it would leave as it is. */
export function logText(text: string): string {
  return logMayChange(text) ? escapeLog(text) : text;
}
