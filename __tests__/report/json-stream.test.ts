// The JSON and SARIF reports are written in chunks (src/report/json-stream.ts), because a large
// report does not fit in one V8 string. These tests pin that the chunks are byte for byte the
// string renderers' output, on audits of the test fixtures and the demo repository, and that a
// report larger than the chunk size is cut into chunks no larger than it (a small size stands in
// for V8's 512 MB: no test builds a string that large).
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';
import { jsonReportChunks, renderJson } from '../../src/report/json.js';
import {
  DEFAULT_CHUNK_SIZE,
  prettyJsonChunks,
  sarifChunks,
  stringifyAt,
  writeChunksToFile,
  writeChunksToStream,
} from '../../src/report/json-stream.js';
import { renderSarif } from '../../src/report/sarif.js';
import { diffSize, diffTooLarge, omittedDiffNote } from '../../src/report/actions.js';
import type { Report } from '../../src/core/types.js';
import { bigReport, finding, hostileReport, pullRequestReport } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const NOW = new Date('2026-06-01T00:00:00Z');

function concat(chunks: Iterable<Uint8Array>): string {
  return Buffer.concat([...chunks]).toString('utf8');
}

/** Audits of real inputs: every fixture (detection picks the baselines), and the demo repository. */
async function audits(): Promise<[string, () => Promise<Report>][]> {
  return [
    ['the test fixtures', () => runAudit({ root: resolve(here, '../fixtures'), paths: ['.'], now: NOW })],
    [
      'the test fixtures against coiled',
      () => runAudit({ root: resolve(here, '../fixtures'), paths: ['.'], baseline: 'coiled', now: NOW }),
    ],
    [
      'the demo repository',
      () => runAudit({ root: resolve(here, '../../examples/demo-repo'), paths: ['.'], now: NOW }),
    ],
  ];
}

describe('jsonReportChunks', () => {
  it('writes the bytes of renderJson for audits of real inputs, lazy diffs included', async () => {
    for (const [, audit] of await audits()) {
      // Streamed first, while no suggestion's diff has been read (the getter makes it), then
      // rendered as one string: the same bytes, and the diffs are in them.
      const report = await audit();
      const streamed = concat(jsonReportChunks(report, { chunkSize: 4096 }));
      expect(streamed).toBe(renderJson(report));
      const parsed = JSON.parse(streamed) as Report;
      expect(parsed.suggestions.length).toBeGreaterThan(0);
      // Each diff whole, or, over the bounds (a 2,384-line diff of a fixture), a note with its size.
      for (const [i, s] of parsed.suggestions.entries()) {
        const diff = report.suggestions[i]!.diff;
        expect(s.diff).toBe(diffTooLarge(diff) ? omittedDiffNote(diffSize(diff)) : diff);
        expect(s.diffOmitted).toEqual(diffTooLarge(diff) ? diffSize(diff) : undefined);
      }
      expect(parsed.suggestions.some((s) => s.diff.includes('(minimal)'))).toBe(true);
    }
  }, 120_000);

  it('writes the bytes of renderJson for the renderer fixtures (hostile strings, no notes, removed findings)', () => {
    for (const report of [pullRequestReport(), hostileReport(), bigReport(50)]) {
      expect(concat(jsonReportChunks(report))).toBe(renderJson(report));
      expect(concat(jsonReportChunks(report, { chunkSize: 7 }))).toBe(renderJson(report));
    }
  });

  it('cuts a report larger than the chunk size into chunks no larger than it, characters split between chunks included', () => {
    const limit = 1000;
    // Multi-byte characters (2, 3 and 4 bytes in UTF-8) in every finding, so that some cuts fall
    // inside a character; and one finding alone larger than a chunk.
    const report = bigReport(200);
    report.findings = report.findings.map((f, i) => ({
      ...f,
      message: `${f.message} ${'é€😀'.repeat(20)} ${i}`,
    }));
    report.findings.push(
      finding({ kind: 'excess-action', actions: Array.from({ length: 300 }, (_, i) => `ec2:Ünïcödé${i}`) }),
    );
    const expected = renderJson(report);
    expect(Buffer.byteLength(expected)).toBeGreaterThan(50 * limit);

    const chunks = [...jsonReportChunks(report, { chunkSize: limit })];
    expect(chunks.length).toBe(Math.ceil(Buffer.byteLength(expected) / limit));
    for (const c of chunks.slice(0, -1)) expect(c.length).toBe(limit);
    expect(chunks.at(-1)!.length).toBeLessThanOrEqual(limit);
    expect(chunks.some((c) => c.toString('utf8').includes('\uFFFD'))).toBe(true); // some cut is inside a character
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
  });

  it('makes the chunks as they are consumed, not all before the first', () => {
    const report = bigReport(100);
    let read = 0;
    report.findings = report.findings.map((f) => {
      const copy = { ...f };
      Object.defineProperty(copy, 'message', {
        enumerable: true,
        get: () => {
          read++;
          return f.message;
        },
      });
      return copy;
    });
    const chunks = jsonReportChunks(report, { chunkSize: 512 });
    let readAtFirst = 0;
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      if (read > 0 && readAtFirst === 0) readAtFirst = read;
    }
    // The first chunk with a finding in it was made when only the findings before it were read.
    expect(readAtFirst).toBeGreaterThan(0);
    expect(readAtFirst).toBeLessThan(5);
    expect(read).toBe(100);
  });

  it('by default, makes chunks whose bytes and text stay regular V8 objects (under 128 KB)', () => {
    // A larger one is a large object, mapped from the system and unmapped when it dies.
    expect(DEFAULT_CHUNK_SIZE).toBeLessThanOrEqual(64 * 1024);
    const report = bigReport(3000);
    const chunks = [...jsonReportChunks(report)];
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(DEFAULT_CHUNK_SIZE);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(renderJson(report));
  });
});

describe('sarifChunks', () => {
  it('writes the bytes of JSON.stringify(renderSarif(report), null, 2) for audits and the golden report', async () => {
    const reports = [pullRequestReport(), hostileReport()];
    for (const [, audit] of await audits()) reports.push(await audit());
    for (const report of reports) {
      const log = renderSarif(report, { informationUri: 'https://github.com/o/r' });
      expect(concat(sarifChunks(log, { chunkSize: 300 }))).toBe(`${JSON.stringify(log, null, 2)}\n`);
    }
    expect(concat(sarifChunks(renderSarif(pullRequestReport())))).toBe(
      readFileSync(join(here, 'golden/pull-request.sarif'), 'utf8'),
    );
  }, 120_000);
});

describe('prettyJsonChunks', () => {
  it('writes what JSON.stringify(value, null, 2) does, at every depth', () => {
    const odd = {
      a: undefined,
      b: () => 1,
      c: [undefined, () => 1, null, [], {}, [[]], { x: undefined }],
      d: new Date(0),
      e: { toJSON: () => undefined },
      f: [{ toJSON: () => undefined }],
      g: Object.assign(Object.create(null) as object, { k: 'v' }),
      h: [1, , 3],
      i: [new Number(1), new String('s'), new Boolean(false)],
      j: { '': 'empty key', 'quote"key': 'line\nbreak \u2028 \uD800' },
      k: -0,
    };
    for (let depth = 0; depth <= 5; depth++) {
      expect(concat(prettyJsonChunks(odd, { depth, chunkSize: 3 }))).toBe(
        `${JSON.stringify(odd, null, 2)}\n`,
      );
    }
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withNullPrototype: true,
          withSparseArray: true,
          withDate: true,
        }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 64 }),
        (value, depth, chunkSize) => {
          const expected = JSON.stringify(value, null, 2);
          if (expected === undefined) return; // the top value is not JSON: no report is
          expect(concat(prettyJsonChunks(value, { depth, chunkSize }))).toBe(`${expected}\n`);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('stringifyAt', () => {
  it('is JSON.stringify(value, null, 2) indented for the level, on any value (property)', () => {
    const indented = (value: unknown, level: number) => {
      const s = JSON.stringify(value, null, 2) as string | undefined;
      return s === undefined ? s : s.replace(/\n/g, `\n${'  '.repeat(level)}`);
    };
    const odd = [undefined, () => 1, { toJSON: () => undefined }, new Date(0), null, 'a\nb', -0, NaN, [], {}];
    for (const value of odd)
      for (let level = 0; level <= 4; level++) expect(stringifyAt(value, level)).toBe(indented(value, level));
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withNullPrototype: true,
          withSparseArray: true,
          withDate: true,
        }),
        fc.integer({ min: 0, max: 6 }),
        (value, level) => {
          expect(stringifyAt(value, level)).toBe(indented(value, level));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('the writers', () => {
  it('writeChunksToFile writes every chunk, in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iba-json-stream-'));
    try {
      const report = bigReport(300);
      const file = join(dir, 'report.json');
      writeChunksToFile(file, jsonReportChunks(report, { chunkSize: 100 }));
      expect(readFileSync(file, 'utf8')).toBe(renderJson(report));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writeChunksToStream waits for a slow stream to drain', async () => {
    const received: Buffer[] = [];
    let waits = 0;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        setImmediate(done);
      },
    });
    slow.on('drain', () => waits++);
    const report = bigReport(100);
    await writeChunksToStream(slow, jsonReportChunks(report, { chunkSize: 128 }));
    expect(waits).toBeGreaterThan(1);
    // At most one chunk is still queued (the last write may not have needed a drain).
    expect(slow.writableLength).toBeLessThanOrEqual(128);
    await new Promise((done) => slow.end(done));
    expect(Buffer.concat(received).toString('utf8')).toBe(renderJson(report));
  });
});
