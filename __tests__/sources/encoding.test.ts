// Files in UTF-16 (Windows PowerShell 5 writes `aws iam ... > file.json` so): read as the same text
// as their UTF-8 twin, the same report, and `fix` writes them back in UTF-16.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runAudit } from '../../src/audit/run.js';
import { runCommand } from '../../src/cli-commands.js';
import { decodeText, encodeText, readRepoFile, utf16Of } from '../../src/sources/safe-read.js';

const POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Mixed', Effect: 'Allow', Action: ['s3:*', 'ec2:DescribeRegions'], Resource: '*' }],
  },
  null,
  2,
);

function utf16(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const bytes = Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf16le');
  if (order === 'be') bytes.swap16();
  return bytes;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iba-utf16-'));
  mkdirSync(join(dir, '.git'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('decodeText', () => {
  it('reads UTF-16 with a byte-order mark, either order, as the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('le', 'be'), (text, order) => {
        const bytes = utf16(text, order as 'le' | 'be', true);
        expect(decodeText(bytes)).toEqual({ text, encoding: `utf-16${order}` });
        expect(encodeText(text, `utf-16${order}` as 'utf-16le')).toEqual(bytes);
      }),
    );
  });

  it('reads ASCII text written as UTF-16 without a mark; leaves UTF-8 (with or without a BOM) as it is', () => {
    expect(decodeText(utf16(POLICY, 'le', false))).toEqual({ text: POLICY, encoding: 'utf-16le' });
    expect(decodeText(utf16(POLICY, 'be', false))).toEqual({ text: POLICY, encoding: 'utf-16be' });
    for (const text of [POLICY, `\uFEFF${POLICY}`, 'é{"a": "ü"}', '']) {
      expect(utf16Of(Buffer.from(text, 'utf8'))).toBeUndefined();
      expect(decodeText(Buffer.from(text, 'utf8'))).toEqual({ text });
    }
  });

  it('readRepoFile says the encoding it read', () => {
    writeFileSync(join(dir, 'p.json'), utf16(POLICY, 'le', true));
    writeFileSync(join(dir, 'q.json'), POLICY);
    const p = readRepoFile(dir, 'p.json', 1 << 20);
    const q = readRepoFile(dir, 'q.json', 1 << 20);
    expect(p).toMatchObject({ ok: true, text: POLICY, encoding: 'utf-16le' });
    expect(q).toEqual({ ok: true, text: POLICY, size: POLICY.length });
  });
});

describe('a UTF-16 policy file', () => {
  it('gives the report its UTF-8 twin gives (findings, lines)', async () => {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a/p.json'), POLICY);
    writeFileSync(join(dir, 'b/p.json'), utf16(POLICY, 'le', true));
    const strip = (f: { path: string; policy: string }) => ({ ...f, path: '', policy: '' });
    const a = await runAudit({ root: dir, paths: ['a'], baseline: 'coiled' });
    const b = await runAudit({ root: dir, paths: ['b'], baseline: 'coiled' });
    expect(a.findings.length).toBeGreaterThan(0);
    expect(b.findings.map(strip)).toEqual(a.findings.map(strip));
    expect(b.findings.some((f) => f.kind === 'invalid-policy')).toBe(false);
  });

  it('is fixed in place and stays UTF-16', async () => {
    writeFileSync(join(dir, 'p.json'), utf16(POLICY, 'be', true));
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const before = process.cwd();
    process.chdir(dir);
    try {
      expect(await runCommand('fix', ['p.json', '--baseline', 'coiled'])).toBe(0);
    } finally {
      process.chdir(before);
      out.mockRestore();
    }
    const bytes = readFileSync(join(dir, 'p.json'));
    expect(utf16Of(bytes)).toBe('utf-16be');
    const text = decodeText(bytes).text;
    expect(JSON.parse(text).Statement[0].Action).toEqual(['ec2:DescribeRegions']);
  });
});
