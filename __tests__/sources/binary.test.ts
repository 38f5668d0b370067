// Binary data named like an input (random bytes in `x.json`): not text. Before, bytes that
// happened to hold `${` or `%{` made it "a template (…)", its bytes quoted in the reason, with
// advice to audit what it renders; and a reason quoting a file went raw into the "no inputs
// found" error, its carriage returns and line feeds breaking the message's lines (a review).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { UsageError } from '../../src/core/errors.js';
import { isBinary, parseSource } from '../../src/sources/index.js';

/** Deterministic bytes with a NUL, a CR and a template mark among them, decoded as the reader does. */
function binary(n: number): string {
  const bytes = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  bytes.write('${a\rb}', 100, 'latin1');
  return bytes.toString('utf8');
}

test('random bytes are binary; text, a UTF-8 policy and a template are not', () => {
  expect(isBinary(binary(100_000))).toBe(true);
  expect(isBinary('{"Version": "2012-10-17", "Statement": []}')).toBe(false);
  expect(isBinary('{"Resource": "arn:aws:s3:::${bucket}/é/ü/*" %{ if x }')).toBe(false);
  // (a few bytes that are not UTF-8 in a long text: Latin-1 accents, not binary)
  expect(isBinary(`{"Description": "caf\uFFFD ${'x'.repeat(500)}"`)).toBe(false);
});

test('a binary file is skipped as not text, its bytes not quoted; named on its own, an error', () => {
  const text = binary(100_000);
  const found = parseSource({ path: 'blob.json', text });
  expect(found.result).toMatchObject({ status: 'skipped', reason: 'not a text file (binary data)' });
  const named = parseSource({ path: 'blob.json', text }, true);
  expect(named.result.status).toBe('error');
  expect(named.result.reason).toMatch(/^not a text file \(binary data\): expected an IAM policy/);
  expect(named.result.errors).toEqual([{ path: 'blob.json', message: 'not a text file (binary data)' }]);
});

test('a UTF-16 policy (NULs between its characters) is still read as one that tries to be IAM', () => {
  const utf16 = Buffer.from('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"', 'utf16le').toString(
    'utf8',
  );
  expect(parseSource({ path: 'p.json', text: utf16 }).result.reason).not.toMatch(/binary/);
});

test('"no inputs found" quotes each skipped file on one line', async () => {
  const root = mkdtempSync(join(tmpdir(), 'binary-'));
  writeFileSync(join(root, 'blob.json'), Buffer.from(binary(20_000), 'utf8'));
  writeFileSync(join(root, 'a\rb.json'), '{"x": ');
  let message = '';
  try {
    await runAudit({ root, paths: ['.'] });
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    message = (e as Error).message;
  }
  expect(message).toMatch(/^no inputs found in \.: all 2 candidate files are skipped: /);
  expect(message).not.toMatch(/[\r\n]/);
  expect(message).toContain('a\\rb.json (not valid JSON');
  expect(message).toContain('blob.json (not a text file (binary data))');
});
