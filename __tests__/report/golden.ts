// Golden outputs: the expected rendering of each fixture lives in a golden directory
// (__tests__/report/golden/ for the renderers' hand-built reports, __tests__/golden/out/ for the
// real fixtures run through the whole pipeline, see __tests__/golden/README.md), so a change shows
// up as a reviewable diff. Regenerate with UPDATE_GOLDEN=1 npm test -- --testPathPatterns <tests>.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORT_GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/** True when the run rewrites golden files instead of comparing (UPDATE_GOLDEN=1). */
export const UPDATING_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/**
 * Compares `actual` with the golden file `name` under `dir` (default: the renderers' directory),
 * or writes it under UPDATE_GOLDEN=1. A difference names the file and its first differing line.
 */
export function expectGolden(name: string, actual: string, dir = REPORT_GOLDEN): void {
  const file = join(dir, name);
  if (UPDATING_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${name} is missing: run UPDATE_GOLDEN=1 npm test -- --testPathPatterns <this test>, then review and commit it`,
    );
  }
  const expected = readFileSync(file, 'utf8');
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  let line = 0;
  while (line < a.length && line < e.length && a[line] === e[line]) line++;
  // The first differing line (1-based) in a small object: a readable failure even for a large file.
  expect({ file: name, line: line + 1, text: a[line] ?? '<end of output>' }).toEqual({
    file: name,
    line: line + 1,
    text: e[line] ?? '<end of golden file>',
  });
  expect(actual).toBe(expected);
}

/**
 * The Markdown outside code: fenced code blocks and code spans removed (CommonMark rules: a fence
 * closes on a line of at least as many backticks; a span closes on a run of exactly its length;
 * a backslash-escaped backtick opens nothing).
 */
export function outsideCode(markdown: string): string {
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let fence = 0;
  for (const line of lines) {
    if (fence > 0) {
      const close = /^ {0,3}(`+)\s*$/.exec(line);
      if (close && close[1]!.length >= fence) fence = 0;
      continue;
    }
    const open = /^ {0,3}(`{3,})[^`]*$/.exec(line);
    if (open) {
      fence = open[1]!.length;
      continue;
    }
    kept.push(line);
  }
  const text = kept.join('\n');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '`') {
      let n = 0;
      while (text[i + n] === '`') n++;
      // Find the closing run of exactly n backticks.
      let j = i + n;
      let closed = -1;
      while (j < text.length) {
        if (text[j] === '`') {
          let m = 0;
          while (text[j + m] === '`') m++;
          if (m === n) {
            closed = j;
            break;
          }
          j += m;
        } else j++;
      }
      if (closed >= 0) {
        out += ' ';
        i = closed + n;
      } else {
        out += text.slice(i, i + n);
        i += n;
      }
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}
