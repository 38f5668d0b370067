import { jest } from '@jest/globals';
import {
  findJsonErrorOffset,
  formatJsonPath,
  lineColumnAt,
  locateLines,
  parseJson,
  type JsonPath,
} from '../../src/core/json-lines.js';

/** 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`${needle} not found`);
  return text.slice(0, i).split('\n').length;
}

describe('formatJsonPath', () => {
  it('writes identifiers with dots, indices in brackets and other keys quoted', () => {
    expect(formatJsonPath(['resource_changes', 3, 'change', 'after', 'policy'])).toBe(
      '$.resource_changes[3].change.after.policy',
    );
    expect(formatJsonPath([])).toBe('$');
    expect(
      formatJsonPath(['resource', 'aws_iam_role', 'posts_api_lambda-exec_B42627E0', 'inline_policy', 0]),
    ).toBe('$.resource.aws_iam_role["posts_api_lambda-exec_B42627E0"].inline_policy[0]');
    expect(formatJsonPath(['//', 'a b', 'x"y', '$ok', '0'])).toBe('$["//"]["a b"]["x\\"y"].$ok["0"]');
  });
});

describe('parseJson', () => {
  it('parses and strips a leading BOM', () => {
    expect(parseJson('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson(' [1, 2] ')).toEqual({ ok: true, value: [1, 2] });
  });

  it('gives the line and column of an error from the position in the message', () => {
    const r = parseJson('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.line).toBe(4);
    expect(r.column).toBe(3);
    expect(r.message).not.toMatch(/position/);
  });

  it('says a trailing comma is one (a review: "Expected double-quoted property name" alone)', () => {
    for (const [text, close] of [
      ['{\n  "Effect": "Allow",\n  "Resource": "*", \n}', '}'],
      ['{"Action": ["s3:GetObject",\n ]}', ']'],
    ] as const) {
      const r = parseJson(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.message).toContain(`(a trailing comma before this ${close}: JSON allows none, remove it)`);
    }
    // (not said of another mistake)
    const other = parseJson('{"a": 1 "b": 2}');
    expect(!other.ok && other.message).not.toContain('trailing comma');
  });

  it('finds the place itself when the message has none (Node 20 "Unexpected token")', () => {
    const r = parseJson('{\n  "Statement": [\n    {"Effect": Allow}\n  ]\n}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r).toMatchObject({ line: 3, column: 16 });
    expect(r.message).toMatch(/^Unexpected token/);
  });

  it('puts an unexpected end at the end of the text', () => {
    const r = parseJson('{\n  "a": [1,\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.line).toBeGreaterThanOrEqual(2);
    const empty = parseJson('');
    expect(empty).toMatchObject({ ok: false, line: 1, column: 1 });
  });

  it('counts the BOM out of the column', () => {
    const r = parseJson('\uFEFF{x}');
    expect(r).toMatchObject({ ok: false, line: 1, column: 2 });
  });

  it('never repeats the excerpt of the input V8 quotes (it could hold a secret)', () => {
    const r = parseJson('{"password": hunter2-secret}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toContain('hunter2');
  });

  it('reads the "(line L column C)" form of newer Node versions', () => {
    const spy = jest.spyOn(JSON, 'parse').mockImplementationOnce(() => {
      throw new SyntaxError(
        "Expected ',' or '}' after property value in JSON at position 20 (line 4 column 2)",
      );
    });
    try {
      const r = parseJson('{"a":1}');
      expect(r).toEqual({
        ok: false,
        message: "Expected ',' or '}' after property value",
        line: 4,
        column: 2,
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('falls back to line 1 when no position can be found', () => {
    const spy = jest.spyOn(JSON, 'parse').mockImplementationOnce(() => {
      throw new SyntaxError('something odd');
    });
    try {
      expect(parseJson('{"a":1}')).toEqual({ ok: false, message: 'something odd', line: 1, column: 1 });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('findJsonErrorOffset', () => {
  it('agrees with JSON.parse on valid and invalid texts', () => {
    const valid = ['{}', '[]', ' {"a":[1,2,{"b":null}],"c":"\\u00e9\\n"} ', '"x"', '-1.5e3', 'true'];
    for (const t of valid) expect(findJsonErrorOffset(t)).toBeUndefined();
    expect(findJsonErrorOffset('{"a":x}')).toBe(5);
    expect(findJsonErrorOffset('[1,]')).toBe(3);
    expect(findJsonErrorOffset('{"a":1,}')).toBe(7);
    expect(findJsonErrorOffset('[1] x')).toBe(4);
    expect(findJsonErrorOffset('{"a" 1}')).toBe(5);
    expect(findJsonErrorOffset('"abc')).toBe(4);
  });

  it('is iterative', () => {
    const deep = '['.repeat(100000) + ']'.repeat(99999);
    expect(findJsonErrorOffset(deep)).toBe(deep.length);
  });
});

describe('lineColumnAt', () => {
  it('counts lines and columns from 1', () => {
    expect(lineColumnAt('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('ab\ncd\n', 99)).toEqual({ line: 3, column: 1 });
  });
});

describe('locateLines', () => {
  const text = JSON.stringify(
    {
      format_version: '1.2',
      resource_changes: [
        { address: 'a', change: { actions: ['create'], after: { policy: '{"Statement":[]}' } } },
        {
          address: 'b',
          change: { actions: ['update'], after: { policy: 'x', 'odd key': [1, { deep: true }] } },
        },
      ],
      'quoted "key"': 7,
    },
    null,
    2,
  );

  it('finds where each value starts, for nested paths, in one call', () => {
    const paths: JsonPath[] = [
      ['resource_changes', 1, 'change', 'after', 'policy'],
      ['resource_changes', 0, 'change', 'after', 'policy'],
      ['resource_changes', 1, 'change', 'after', 'odd key', 1, 'deep'],
      ['resource_changes', 0],
      ['quoted "key"'],
      [],
      ['format_version'],
    ];
    expect(locateLines(text, paths)).toEqual([
      lineOf(text, '"policy": "x"'),
      lineOf(text, '"policy": "{'),
      lineOf(text, '"deep": true'),
      lineOf(text, '{', text.indexOf('"resource_changes"')),
      lineOf(text, '"quoted \\"key\\"": 7'),
      1,
      2,
    ]);
  });

  it('says undefined for a path that is not there', () => {
    expect(
      locateLines(text, [
        ['resource_changes', 2],
        ['nope'],
        ['format_version', 'x'],
        ['resource_changes', 'x'],
        ['resource_changes', 0, 'change', 'actions', 5],
      ]),
    ).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('keeps the last of duplicate keys, as JSON.parse does', () => {
    expect(locateLines('{\n"a": 1,\n"a": 2\n}', [['a']])).toEqual([3]);
  });

  it('handles escaped quotes, backslashes and keys with escapes', () => {
    const t = '{"s": "a\\\\", "t\\u0041": "\\"}{[", \n"u": [1, "]", {"v": 0}]}';
    expect(JSON.parse(t)).toBeTruthy();
    expect(locateLines(t, [['tA'], ['u', 2, 'v'], ['s']])).toEqual([1, 2, 1]);
  });

  it('skips a leading BOM and copes with CRLF line ends', () => {
    expect(locateLines('\uFEFF{\r\n  "a": {\r\n    "b": 1\r\n  }\r\n}', [['a', 'b'], ['a']])).toEqual([3, 2]);
  });

  it('stops quietly on malformed text, keeping what it found before', () => {
    expect(locateLines('{"a": 1,\n "b": [1, 2\n', [['a'], ['b'], ['b', 1], ['c']])).toEqual([
      1,
      2,
      2,
      undefined,
    ]);
    expect(locateLines('', [['a']])).toEqual([undefined]);
    expect(locateLines('{}', [])).toEqual([]);
  });

  it('does not overflow the stack at 100,000 levels of nesting, followed or skipped', () => {
    const depth = 100000;
    const deep = '['.repeat(depth) + '\n1' + ']'.repeat(depth);
    const path: JsonPath = new Array<number>(depth).fill(0);
    expect(locateLines(deep, [path, path.slice(0, 10)])).toEqual([2, 1]);
    const skipped = `{"skip": ${'['.repeat(depth)}${']'.repeat(depth)},\n"b": {"c": 1}}`;
    expect(locateLines(skipped, [['b', 'c']])).toEqual([2]);
  });

  it('finds 5,000 paths in a 20 MB plan-like text in one pass', () => {
    // Built by hand so the expected line of every policy is known while writing it.
    const parts: string[] = ['{\n  "format_version": "1.2",\n  "resource_changes": [\n'];
    let line = 4;
    const expected: number[] = [];
    const filler = '"' + 'x'.repeat(3900) + '"';
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const tags = `{"a": [${filler}, {"b": ${filler}}], "c": ${filler}, "d": [[[${filler}]]], "e": ${filler}}`;
      parts.push(
        `    {\n      "address": "aws_iam_policy.p${i}",\n      "tags": ${tags},\n      "change": {\n`,
      );
      parts.push(
        `        "after": {\n          "name": "p${i}",\n          "policy": "{\\"Statement\\":[]}"\n        }\n`,
      );
      parts.push(`      }\n    }${i + 1 < n ? ',' : ''}\n`);
      expected.push(line + 6);
      line += 10;
    }
    parts.push('  ]\n}\n');
    const big = parts.join('');
    expect(big.length).toBeGreaterThan(20 * 1000 * 1000);
    const paths: JsonPath[] = expected.map((_, i) => ['resource_changes', i, 'change', 'after', 'policy']);
    const got = locateLines(big, paths);
    expect(got).toEqual(expected);
    expect(JSON.parse(big).resource_changes[4999].change.after.name).toBe('p4999');
  });
});
