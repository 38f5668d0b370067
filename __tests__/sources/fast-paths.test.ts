// The faster readers of sources give the same answers as the plain ones they replaced: each is
// checked against a reference (the earlier implementation, kept here) on generated inputs, and on
// the edge cases where a shortcut could go wrong (duplicate keys, escapes, depth, odd file sizes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hasPath, locateLines, onOneLine, type JsonPath } from '../../src/core/json-lines.js';
import {
  duplicateKeys,
  MAX_DOCUMENT_CHARS,
  MAX_DOCUMENT_DEPTH,
  measureDocument,
  nestingDepth,
  noteParsedText,
  parsePolicyDocument,
  scanKeys,
  textSize,
  unreadableDocument,
} from '../../src/policy/document.js';
import { readRepoFile } from '../../src/sources/safe-read.js';

const RUNS = { seed: 20260115, numRuns: 300 };

// ---- references: the implementations these functions replaced

function refDuplicateKeys(text: string, max = 20): { path: JsonPath; key: string }[] {
  interface Frame {
    obj: boolean;
    keys: Set<string> | undefined;
    parent: Frame | undefined;
    seg: string | number;
    index: number;
    expectKey: boolean;
    key: string;
  }
  const pathOf = (f: Frame, last: string): JsonPath => {
    const out: JsonPath = [last];
    for (let x: Frame | undefined = f; x?.parent; x = x.parent) out.push(x.seg);
    return out.reverse();
  };
  const out: { path: JsonPath; key: string }[] = [];
  const stack: Frame[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n && out.length < max) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 34) break;
        j++;
      }
      const top = stack[stack.length - 1];
      if (top?.obj && top.expectKey) {
        let key = text.slice(i + 1, j);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(i, j + 1)) as string;
          } catch {
            // keep the raw text
          }
        }
        top.keys ??= new Set();
        if (top.keys.has(key)) out.push({ path: pathOf(top, key), key });
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 123 || c === 91) {
      const top = stack[stack.length - 1];
      const seg = top ? (top.obj ? top.key : top.index) : '';
      stack.push({
        obj: c === 123,
        keys: undefined,
        parent: top,
        seg,
        index: 0,
        expectKey: c === 123,
        key: '',
      });
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top?.obj) top.expectKey = true;
      else if (top) top.index++;
    }
    i++;
  }
  return out;
}

function refNestingDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>))
      if (typeof x === 'object' && x !== null) stack.push([x, depth]);
  }
  return max;
}

function refTextSize(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') n += v.length;
    else if (typeof v === 'number' || typeof v === 'boolean') n += 5;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) {
        n += k.length;
        stack.push(x);
      }
  }
  return n;
}

// ---- generators

/** Keys that collide often, with escapes, `__proto__` and integer-like keys among them. */
const key = fc.constantFrom(
  'a',
  'b',
  'Action',
  'Effect',
  'x"y',
  'back\\slash',
  'é',
  '__proto__',
  '0',
  '10',
  'a b',
);

/** A JSON text, possibly with duplicate keys and escapes, and sometimes pretty-printed. */
const jsonText: fc.Arbitrary<string> = fc
  .letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('1', 'true', 'null', '"s"', '"\\"q\\""', '"a\\\\"', '"\\u0041"', '-2.5e3'),
      fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('value')), { maxLength: 5 })
        .map((ms) => `{${ms.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  }))
  .value.chain((t) =>
    fc.constantFrom(t, `\uFEFF${t}`, ` ${t} \n`, t.replace(/,/g, ',\n '), t.replace(/:/g, ' : ')),
  );

/** Every path to a value of a JSON value (duplicate keys resolved as JSON.parse does). */
function pathsOf(v: unknown, base: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(base);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...base, i], out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...base, k], out);
  return out;
}

describe('locateLines with the parsed value', () => {
  it('gives the same lines as the walk over the text, for paths there and not there', () => {
    fc.assert(
      fc.property(jsonText, fc.array(fc.array(fc.oneof(key, fc.nat(4)), { maxLength: 3 })), (text, extra) => {
        const value = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
        const paths = [...pathsOf(value), ...extra];
        expect(locateLines(text, paths, value)).toEqual(locateLines(text, paths));
      }),
      RUNS,
    );
  });

  it('answers line 1 for a one-line plan without walking it, and undefined where there is nothing', () => {
    const value = { resource_changes: [{ change: { after: { policy: '{"Statement":[]}' } } }] };
    const text = `${JSON.stringify(value)}\n`;
    expect(
      locateLines(
        text,
        [
          ['resource_changes', 0, 'change', 'after', 'policy'],
          ['resource_changes', 1],
        ],
        value,
      ),
    ).toEqual([1, undefined]);
  });

  it('follows the text where a duplicate key hides a path from the value', () => {
    // JSON.parse keeps the second "a"; the walk still finds a.b in the first one.
    const text = '{"a": {"b": 1}, "a": 2}';
    const value = JSON.parse(text) as unknown;
    expect(locateLines(text, [['a', 'b']], value)).toEqual(locateLines(text, [['a', 'b']]));
    expect(locateLines(text, [['a', 'b']], value)).toEqual([1]);
  });
});

describe('onOneLine', () => {
  it('is true when no value starts after the first newline', () => {
    expect(onOneLine('{"a":1}')).toBe(true);
    expect(onOneLine('{"a":1}\n')).toBe(true);
    expect(onOneLine('{"a":1}\r\n \t\n')).toBe(true);
    expect(onOneLine('{"a":\n1}')).toBe(false);
    expect(onOneLine('\n{"a":1}')).toBe(false);
    expect(onOneLine('')).toBe(true);
  });
});

describe('hasPath', () => {
  it('follows own keys in objects and indices in arrays only', () => {
    const v = JSON.parse('{"a": [{"b": null}], "__proto__": 1, "0": 2}') as unknown;
    expect(hasPath(v, [])).toBe(true);
    expect(hasPath(v, ['a', 0, 'b'])).toBe(true);
    expect(hasPath(v, ['__proto__'])).toBe(true);
    expect(hasPath(v, ['0'])).toBe(true);
    expect(hasPath(v, ['a', 1])).toBe(false);
    expect(hasPath(v, ['a', '0'])).toBe(false);
    expect(hasPath(v, ['a', -1])).toBe(false);
    expect(hasPath(v, ['a', 0.5])).toBe(false);
    expect(hasPath(v, ['toString'])).toBe(false);
    expect(hasPath(v, ['a', 0, 'b', 'c'])).toBe(false);
    expect(hasPath(v, [0])).toBe(false);
  });
});

describe('duplicateKeys', () => {
  it('finds the same duplicates, at the same paths, as the character-by-character scan', () => {
    fc.assert(
      fc.property(jsonText, fc.integer({ min: 1, max: 25 }), (text, max) => {
        expect(duplicateKeys(text, max)).toEqual(refDuplicateKeys(text, max));
      }),
      { ...RUNS, numRuns: 1000 },
    );
  });

  it('compares keys with escapes by their value, also past the keys compared one by one', () => {
    expect(duplicateKeys('{"a":1,"\\u0061":2}')).toEqual([{ path: ['a'], key: 'a' }]);
    const many = Array.from({ length: 40 }, (_, i) => `"k${i % 30}":${i}`).join(',');
    const text = `{"outer":[{},{${many},"\\u006b3":0}]}`;
    expect(duplicateKeys(text, 50)).toEqual(refDuplicateKeys(text, 50));
    expect(duplicateKeys(text, 50).length).toBe(11);
    expect(duplicateKeys(text, 50)[0]!.path).toEqual(['outer', 1, 'k0']);
  });

  it('is not confused by a deep text after a shallow one (its arrays are reused between calls)', () => {
    const deep = `${'['.repeat(5000)}{"a":1,"a":2}${']'.repeat(5000)}`;
    expect(duplicateKeys(deep)).toEqual([{ path: [...new Array<number>(5000).fill(0), 'a'], key: 'a' }]);
    expect(duplicateKeys('{"b":{"c":1},"d":{"c":2}}')).toEqual([]);
    expect(duplicateKeys('{"b":{"c":1,"c":2}}')).toEqual([{ path: ['b', 'c'], key: 'c' }]);
  });
});

describe('nestingDepth, textSize and measureDocument', () => {
  const anyJson = fc.jsonValue({ maxDepth: 6 });

  it('agree with the iterative walks they replaced', () => {
    fc.assert(
      fc.property(anyJson, fc.integer({ min: 0, max: 8 }), (v, limit) => {
        expect(nestingDepth(v)).toBe(refNestingDepth(v));
        const bounded = nestingDepth(v, limit);
        const ref = refNestingDepth(v, limit);
        expect(bounded > limit).toBe(ref > limit);
        if (ref <= limit) expect(bounded).toBe(ref);
        expect(textSize(v)).toBe(refTextSize(v));
        if (typeof v === 'object' && v !== null)
          expect(measureDocument(v)).toBe(refNestingDepth(v) > MAX_DOCUMENT_DEPTH ? -1 : refTextSize(v));
      }),
      RUNS,
    );
  });

  it('stop past the limit and walk 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100000; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(nestingDepth(deep)).toBe(100000);
    expect(nestingDepth(deep, MAX_DOCUMENT_DEPTH)).toBe(MAX_DOCUMENT_DEPTH + 1);
    expect(textSize(deep)).toBe(refTextSize(deep));
    expect(measureDocument(deep as object)).toBe(-1);
    const shallow = { Statement: [{ Action: 'a'.repeat(10) }], n: 1, t: true, z: null };
    expect(measureDocument(shallow)).toBe(refTextSize(shallow));
  });

  it('leave parsePolicyDocument saying what it said of a deep or a large document', () => {
    let deep: unknown = {};
    for (let i = 0; i < MAX_DOCUMENT_DEPTH; i++) deep = { x: deep };
    const tooDeep = parsePolicyDocument({ Statement: [], Deep: deep });
    expect(tooDeep.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(`more than ${MAX_DOCUMENT_DEPTH} levels deep`),
    ]);
    const large = parsePolicyDocument({
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(MAX_DOCUMENT_CHARS) }],
    });
    expect(large.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(`more than ${MAX_DOCUMENT_CHARS} characters`),
    ]);
  });
});

describe('readRepoFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iam-read-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files of every size whole, multi-byte characters included, in one buffer or several', () => {
    for (const size of [0, 1, 2, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7]) {
      const text = 'é'.repeat(Math.floor(size / 2)) + 'a'.repeat(size % 2);
      writeFileSync(join(dir, 'f.json'), text);
      const r = readRepoFile(dir, 'f.json', 8 << 20);
      expect(r.ok && r.text === text && r.size === Buffer.byteLength(text)).toBe(true);
    }
  });

  it('refuses a file over the limit, and reads one exactly at it', () => {
    writeFileSync(join(dir, 'g.json'), 'x'.repeat(1000));
    expect(readRepoFile(dir, 'g.json', 999)).toMatchObject({ ok: false, code: 'too-large' });
    expect(readRepoFile(dir, 'g.json', 1000)).toMatchObject({ ok: true, size: 1000 });
  });

  it('reads a file whose size says 0 (as /proc files do) to its end', () => {
    const r = readRepoFile('/', '/proc/self/status', 1 << 20);
    expect(r.ok && r.text.includes('Name:')).toBe(true);
  });
});

describe('parsePolicyDocument problem paths (built only when there is a problem)', () => {
  it('points each problem at its value', () => {
    const doc = JSON.parse(`{
      "Version": "2013-01-01", "Odd": 1,
      "Statement": [
        {"Sid": 5, "Effect": "Allow", "Action": ["s3:GetObject", 7, {}], "Resource": "*", "Extra": true},
        {"Sid": [], "Effect": "allow", "Action": "s3:*", "NotResource": {"a": 1}},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:x": ["a", {}], "aws:y": [], "aws:z": {}}, "Bad": 3}},
        {"Effect": "Allow", "Action": ["${'a'.repeat(300)}"], "NotAction": "x:${'b'.repeat(300)}", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": 4}
      ]}`) as unknown;
    const parsed = parsePolicyDocument({ PolicyDocument: doc }, ['base']);
    const where = parsed.problems.map((p) => [p.path.join('.'), p.message.split(/[;,]/)[0]]);
    expect(where).toEqual([
      ['base.PolicyDocument.Version', 'Version must be "2012-10-17" or "2008-10-17"'],
      ['base.PolicyDocument.Odd', 'unknown policy field "Odd"'],
      ['base.PolicyDocument.Statement.0.Action.1', 'Action entries must be strings'],
      ['base.PolicyDocument.Statement.0.Action.2', 'Action entries must be strings'],
      ['base.PolicyDocument.Statement.0.Extra', 'unknown statement field "Extra"'],
      ['base.PolicyDocument.Statement.1.Sid', 'Sid must be a string'],
      ['base.PolicyDocument.Statement.1.Effect', 'Effect must be "Allow" or "Deny" (case-sensitive)'],
      ['base.PolicyDocument.Statement.1.NotResource', 'NotResource must be a string or an array of strings'],
      ['base.PolicyDocument.Statement.2.Condition.StringEquals.aws:x.1', 'condition values must be strings'],
      ['base.PolicyDocument.Statement.2.Condition.StringEquals.aws:z', 'condition values must be strings'],
      ['base.PolicyDocument.Statement.2.Condition.Bad', 'condition operator "Bad" must map keys to values'],
      ['base.PolicyDocument.Statement.3', 'a statement cannot have both Action and NotAction'],
      ['base.PolicyDocument.Statement.3.Action.0', 'Action entry is 300 characters long'],
      ['base.PolicyDocument.Statement.3.NotAction', 'NotAction entry is 302 characters long'],
      ['base.PolicyDocument.Statement.4.Condition', 'Condition must be an object'],
    ]);
    // A statement with a broken field is not read; one with only a stray field or over-long entries is.
    expect(parsed.doc!.statements).toEqual([]);
    const kept = parsePolicyDocument(
      JSON.parse(
        `{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "${'c'.repeat(300)}"], "Resource": "*", "Extra": 1}]}`,
      ),
    );
    expect(kept.problems.map((p) => p.path)).toEqual([
      ['Statement', 0, 'Extra'],
      ['Statement', 0, 'Action', 1],
    ]);
    expect(kept.doc!.statements.map((s) => [s.path, s.actions])).toEqual([
      [
        ['Statement', 0],
        ['s3:GetObject', '*'],
      ],
    ]);
  });

  it('refuses __proto__ as a condition operator or key, at its place', () => {
    const doc = JSON.parse(
      '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"__proto__": {}, "StringLike": {"__proto__": "x", "k": "v"}}}}',
    ) as unknown;
    const parsed = parsePolicyDocument(doc);
    expect(parsed.problems.map((p) => p.path)).toEqual([
      ['Statement', 'Condition', '__proto__'],
      ['Statement', 'Condition', 'StringLike', '__proto__'],
    ]);
    expect(parsed.doc!.statements).toEqual([]);
  });
});

describe('scanKeys and documents known from their text', () => {
  it('says how deep the text nests, or nothing when it stopped at the most duplicates', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        const value = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
        const scan = scanKeys(text, 1000);
        expect(scan.duplicates).toEqual(duplicateKeys(text, 1000));
        expect(scan.depth).toBeGreaterThanOrEqual(nestingDepth(value));
        if (scan.duplicates.length === 0) expect(scan.depth).toBe(nestingDepth(value));
      }),
      RUNS,
    );
    expect(scanKeys('{"a":1,"a":2,"b":[[1]]}', 1).depth).toBeUndefined();
    expect(scanKeys('{"a":1,"a":2,"b":[[1]]}', 2).depth).toBe(3);
  });

  /** A policy text nesting `depth` levels (Condition values inside arrays) and about `size` characters long. */
  const policyText = (depth: number, size: number) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 'x'.repeat(size)],
          Resource: '*',
          Condition: {
            StringEquals: { k: JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`) as unknown },
          },
        },
      ],
    });

  it('reads a noted document as it reads the same document not noted: deep, large or neither', () => {
    for (const [depth, size] of [
      [1, 10],
      [58, 10],
      [59, 10],
      [60, 10],
      [70, 10],
      [1, 43_000],
      [1, 50_000],
      [1, 130_000],
    ] as const) {
      const text = policyText(depth, size);
      const noted = JSON.parse(text) as Record<string, unknown>;
      const plain = JSON.parse(text) as Record<string, unknown>;
      noteParsedText(noted, text.length, scanKeys(text, 5).depth);
      expect(unreadableDocument(noted)).toEqual(unreadableDocument(plain));
      expect(parsePolicyDocument(noted)).toEqual(parsePolicyDocument(plain));
    }
    // The thresholds are crossed: one too deep, one too large, read the same way noted or not.
    expect(unreadableDocument(JSON.parse(policyText(70, 10)))).toBeDefined();
    expect(parsePolicyDocument(JSON.parse(policyText(1, 130_000))).problems[0]!.message).toContain(
      'characters',
    );
  });
});
