// A review: a user writing their own baseline had no way to check it on its own ("baselines show
// acme.yml" said "no built-in baseline"). `baselines show FILE` reads it as --baseline does:
// a mistake is a ConfigError naming the line; a good file is printed with its sets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runCommand } from '../../src/cli-commands.js';

async function show(file: string): Promise<{ status: number; out: string; err: string }> {
  const written: string[] = [];
  const errors: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    written.push(String(s));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    errors.push(String(s));
    return true;
  });
  try {
    const status = await runCommand('baselines', ['show', file]);
    return { status, out: written.join(''), err: errors.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('baselines show FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'show-file-'));
  const good = join(dir, 'acme.yml');
  writeFileSync(
    good,
    [
      'id: acme',
      'name: Acme',
      'sets:',
      '  - name: ongoing',
      '    kind: ongoing',
      '    statements:',
      '      - Effect: Allow',
      '        Action: [s3:GetObject]',
      "        Resource: 'arn:aws:s3:::{YOUR_BUCKET}/*'",
      '',
    ].join('\n'),
  );

  it('prints a baseline file of your own', async () => {
    const r = await show(good);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Acme (acme)');
    expect(r.out).toContain('s3:GetObject');
  });

  it('a mistake in it is an error naming the line', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(
      bad,
      `${[
        'id: acme',
        'sets:',
        '  - name: ongoing',
        '    kind: ongoing',
        '    statements:',
        '      - Effect: Allow',
        '        Action: [s3:GetObject]',
        "        Resource: 's3://bucket/*'",
      ].join('\n')}\n`,
    );
    const r = await show(bad);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/bad\.yml, line 8: set "ongoing", resource "s3:\/\/bucket\/\*" is not an ARN/);
  });

  it('a file that is not there is said so', async () => {
    const r = await show(join(dir, 'missing.yml'));
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/missing\.yml: no such file/);
  });

  it("shows a file's text with control characters visible and no workflow command", async () => {
    const evil = join(dir, 'evil.yml');
    writeFileSync(
      evil,
      [
        'id: evil',
        'name: "Evil\\e[31mRED"',
        'notes: "first\\n::error file=x::injected\\nrest"',
        'sets:',
        '  - name: ongoing',
        '    kind: ongoing',
        '    description: "d\\n::add-mask::secret"',
        '    statements:',
        '      - Effect: Allow',
        '        Action: [s3:GetObject]',
        "        Resource: '*'",
        '',
      ].join('\n'),
    );
    const r = await show(evil);
    expect(r.status).toBe(0);
    expect(r.out).not.toContain('\u001b');
    expect(r.out).not.toMatch(/^::/m);
    expect(r.out).toContain('Evil\\x1b[31mRED');
  });
});
