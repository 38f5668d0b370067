// The text report's fast escaping (src/report/terminal.ts) must be the escaping itself: the same
// result as escapeTerminal and escapeLog on every input, the fast test only skipping work.
import fc from 'fast-check';
import { escapeLog, escapeTerminal, inertJson, MAX_SHOWN_LENGTH } from '../../src/core/escape.js';
import { logMayChange, logText, terminalText } from '../../src/report/terminal.js';
import { renderText, textReportChunks } from '../../src/report/text.js';
import { bigReport, HOSTILE, hostileReport, pullRequestReport } from './fixtures.js';

/** Strings that come close to what escapeTerminal and escapeLog change. */
const TRICKY = [
  '',
  ' ',
  's3:GetObject',
  'arn:aws:s3:::bucket/*',
  '::add-mask::secret',
  '  ::error::x',
  ' :: not a command?',
  ':x:',
  ':',
  '##[group]x',
  '#[x',
  '##',
  'a##[b',
  '\t::warning::tab first',
  '\u00A0::nbsp first',
  '\u2028::line separator first',
  'x\ny',
  'x\r\ny',
  'x\ry',
  '\u001B[31m::red command',
  '\u001B[1;31m  \u001B[0m ::x',
  '\u001B[m::',
  'x\u001B[1m::',
  '\u001B[1x::',
  '[1m::',
  '\u001B1m::',
  'm::',
  ' m ::',
  'arn:aws:s3:::bucket',
  'on arn:aws:iam::123456789012:role/x',
  '\u007F',
  '\u0085',
  '\u200B',
  'caf\u00E9',
  '\uD83D\uDE00',
  '\uD800',
  'a'.repeat(MAX_SHOWN_LENGTH),
  'a'.repeat(MAX_SHOWN_LENGTH + 1),
  ...Object.values(HOSTILE),
];

describe('terminalText', () => {
  it('is escapeTerminal on tricky and hostile values', () => {
    for (const v of TRICKY) expect(terminalText(v)).toBe(escapeTerminal(v));
  });

  it('is escapeTerminal on any string (property)', () => {
    const pieces = fc.constantFrom(...TRICKY, ':', '#', '[', ' ', '\n', '\r', '\u001B', 'ab');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(pieces).map((p) => p.join('')),
        ),
        (v) => {
          expect(terminalText(v)).toBe(escapeTerminal(v));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('returns a plain value as it is (the fast path)', () => {
    const v = 'arn:aws:iam::123456789012:role/x';
    expect(terminalText(v)).toBe(v);
  });
});

describe('logText', () => {
  it('is escapeLog on texts made of tricky lines (property)', () => {
    const line = fc.oneof(fc.constantFrom(...TRICKY), fc.string(), fc.string({ unit: 'binary' }));
    const sep = fc.constantFrom('\n', '\r\n', '\r', '\n\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(line, sep)), (parts) => {
        const text = parts.map(([l, s]) => l + s).join('');
        expect(logText(text)).toBe(escapeLog(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('says a text may change whenever escapeLog changes it, line by line (property)', () => {
    const piece = fc.constantFrom(
      ...TRICKY,
      ':',
      '::',
      '\u001B',
      '[',
      'm',
      '1;2',
      ' ',
      '\t',
      '\n',
      '\r',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        if (escapeLog(text) !== text) expect(logMayChange(text)).toBe(true);
        expect(logText(text)).toBe(escapeLog(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('returns a text with nothing to escape as it is', () => {
    const text = 'Findings:\n  policies/a.json\n    HIGH     s3:GetObject  (policies/a.json:3)\n';
    expect(logText(text)).toBe(text);
    expect(logMayChange(text)).toBe(false);
    expect(logMayChange(`${text}         on arn:aws:s3:::bucket, arn:aws:iam::123456789012:role/x\n`)).toBe(
      false,
    );
    expect(logMayChange(`${text}\u001B[1m  ::x`)).toBe(true);
    expect(logText(`${text}::error::x`)).toBe(escapeLog(`${text}::error::x`));
  });
});

describe('textReportChunks', () => {
  it('joined, is renderText; each chunk whole lines, escaped as the whole text is', () => {
    for (const report of [pullRequestReport(), hostileReport(), bigReport(3000)]) {
      for (const color of [false, true]) {
        const chunks = [...textReportChunks(report, { color })];
        const text = renderText(report, { color });
        expect(chunks.join('')).toBe(text);
        for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
        // The whole text through escapeLog changes nothing more.
        expect(escapeLog(text.slice(0, -1)) + '\n').toBe(text);
      }
    }
    expect([...textReportChunks(bigReport(3000))].length).toBeGreaterThan(1);
  });

  it('keeps each chunk of a large report a regular object: under 64 K characters (128 KB as UTF-16)', () => {
    // A larger string is a V8 large object, mapped from the system and unmapped when it dies.
    const report = bigReport(3000);
    report.findings = report.findings.map((f) => ({ ...f, message: `${f.message} …` }));
    const chunks = [...textReportChunks(report)];
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.length).toBeLessThan(64 * 1024);
  });
});

describe('inertJson (JSON and SARIF on standard output in an Actions job)', () => {
  const pieces = fc.constantFrom(...TRICKY, ':', '#', '[', '\\', '"', ' ', '\n', '\r', 'ab', '\u2028');
  const value = fc.letrec((tie) => ({
    text: fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.array(pieces).map((p) => p.join('')),
    ),
    tree: fc.oneof(
      { depthSize: 'small' },
      tie('text'),
      fc.integer(),
      fc.constant(null),
      fc.array(tie('tree')),
      fc.dictionary(tie('text') as fc.Arbitrary<string>, tie('tree')),
    ),
  })).tree;

  it('is the same data, and no line of it is a workflow command, pretty or compact', () => {
    fc.assert(
      fc.property(value, (v) => {
        for (const json of [JSON.stringify(v, null, 2), JSON.stringify(v)]) {
          const inert = inertJson(json);
          expect(JSON.parse(inert)).toEqual(JSON.parse(json));
          expect(inert).not.toContain('::');
          expect(inert).not.toContain('##[');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves JSON without `::` or `##[` as it is', () => {
    const json = JSON.stringify({ arn: 'arn:aws:s3:::bucket', note: 'a # and a [x]' }, null, 2);
    expect(inertJson(json)).toBe(json.replace(':::', '\\u003a\\u003a:'));
    expect(inertJson('{"a": "b: c"}')).toBe('{"a": "b: c"}');
  });
});
