// Golden outputs: the expected rendering of each fixture lives in __tests__/report/golden/, so a
// rendering change shows up as a reviewable diff. Regenerate with UPDATE_GOLDEN=1 npm test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${name} is missing: run UPDATE_GOLDEN=1 npm test -- report, then review and commit it`,
    );
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
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
