import { createTwoFilesPatch, FILE_HEADERS_ONLY, INCLUDE_HEADERS, OMIT_HEADERS } from 'diff';
import { lineTokens, unifiedDiff } from '../../src/core/unified-diff.js';
import { rng } from '../helpers/rng.js';

const jsdiff = (a: string, b: string, context: number, names = ['a.json', 'a.json (minimal)']) =>
  createTwoFilesPatch(names[0]!, names[1]!, a, b, undefined, undefined, { context });

function expectSame(a: string, b: string, context = 3, names = ['a.json', 'a.json (minimal)']) {
  const want = jsdiff(a, b, context, names);
  const got = unifiedDiff(names[0]!, names[1]!, a, b, { context });
  if (got !== want)
    throw new Error(
      `differs for context ${context}:\n${JSON.stringify(a)}\n${JSON.stringify(b)}\n${want}\n---\n${got}`,
    );
}

/** Lines drawn from a small alphabet (many equal lines: many equally short edit scripts). */
function randomText(
  next: () => number,
  lines: number,
  alphabet: number,
  ending: 'lf' | 'crlf' | 'mixed',
): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`line ${Math.floor(next() * alphabet)}`);
    const eol = ending === 'lf' ? '\n' : ending === 'crlf' ? '\r\n' : next() < 0.2 ? '\r\n' : '\n';
    if (i < lines - 1 || next() < 0.7) out.push(eol);
  }
  return out.join('');
}

/** A text with some lines removed, some changed and some added (a policy and its minimal one). */
function edited(next: () => number, text: string, rate: number, alphabet: number): string {
  const out: string[] = [];
  for (const token of lineTokens(text)) {
    const r = next();
    if (r < rate / 2) continue;
    if (r < rate) out.push(`line ${Math.floor(next() * alphabet)}\n`);
    else out.push(token);
    if (next() < rate / 3) out.push(`added ${Math.floor(next() * alphabet)}\n`);
  }
  return out.join('');
}

describe('unifiedDiff: the same text as jsdiff createTwoFilesPatch', () => {
  it('worked cases: identical, empty, one side empty, no final newline, CRLF', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['a\n', 'a\n'],
      ['', 'a\nb\n'],
      ['a\nb\n', ''],
      ['a\nb\nc\n', 'a\nc\n'],
      ['a\nb\nc', 'a\nb\nc\n'],
      ['a\nb\nc\n', 'a\nb\nd'],
      ['a\r\nb\r\nc\r\n', 'a\r\nc\r\n'],
      ['a\rb\nc\n', 'a\rb\nd\n'],
      ['\n\n\n', '\n\n'],
      ['x\n'.repeat(20), `${'x\n'.repeat(10)}y\n${'x\n'.repeat(10)}`],
    ];
    for (const [a, b] of cases) for (const context of [0, 1, 3, 4]) expectSame(a, b, context);
  });

  it('takes header options as jsdiff does', () => {
    for (const headerOptions of [INCLUDE_HEADERS, FILE_HEADERS_ONLY, OMIT_HEADERS])
      expect(
        unifiedDiff('p.json', 'p.json (minimal)', 'a\nb\n', 'a\nc\n', { context: 3, headerOptions }),
      ).toBe(
        createTwoFilesPatch('p.json', 'p.json (minimal)', 'a\nb\n', 'a\nc\n', undefined, undefined, {
          context: 3,
          headerOptions,
        }),
      );
    expect(unifiedDiff('p', 'p (minimal)', 'a\n', 'b\n', { headerOptions: FILE_HEADERS_ONLY })).toBe(
      '--- p\n+++ p (minimal)\n@@ -1,1 +1,1 @@\n-a\n+b\n',
    );
  });

  it('quotes file names as jsdiff does', () => {
    expectSame('a\n', 'b\n', 3, ['dir with space/p"olicy.json', 'dir with space/p"olicy.json (minimal)']);
    expectSame('a\n', 'b\n', 3, ['same.json', 'same.json']);
  });

  it('random texts over small alphabets (property)', () => {
    const next = rng(20260115);
    for (let i = 0; i < 1500; i++) {
      const alphabet = 1 + Math.floor(next() * 6);
      const ending = (['lf', 'crlf', 'mixed'] as const)[i % 3]!;
      const a = randomText(next, Math.floor(next() * 40), alphabet, ending);
      const b =
        i % 2 === 0
          ? randomText(next, Math.floor(next() * 40), alphabet, ending)
          : edited(next, a, next() * 0.6, alphabet);
      expectSame(a, b, [0, 1, 2, 3, 4][i % 5]!);
    }
  });

  it('random policy-like documents with many lines removed and a few changed (property)', () => {
    const next = rng(7);
    for (let i = 0; i < 25; i++) {
      const actions = Array.from({ length: 20 + Math.floor(next() * 100) }, () => ({
        Sid: `S${Math.floor(next() * 5)}`,
        Action: Array.from(
          { length: 1 + Math.floor(next() * 4) },
          () => `svc${Math.floor(next() * 9)}:Act${Math.floor(next() * 30)}`,
        ),
      }));
      const before = `${JSON.stringify({ Version: '2012-10-17', Statement: actions }, null, 2)}\n`;
      const kept = actions
        .filter(() => next() > 0.4)
        .map((s) => ({ ...s, Action: s.Action.filter(() => next() > 0.3) }));
      const after = `${JSON.stringify({ Version: '2012-10-17', Statement: kept }, null, 2)}\n`;
      expectSame(before, after, 3);
    }
  });
});

describe('lineTokens', () => {
  it('keeps each line with its ending, the last without when the text has none', () => {
    expect(lineTokens('a\nb\r\nc')).toEqual(['a\n', 'b\r\n', 'c']);
    expect(lineTokens('a\n')).toEqual(['a\n']);
    expect(lineTokens('')).toEqual([]);
    expect(lineTokens('\n\n')).toEqual(['\n', '\n']);
  });
});
