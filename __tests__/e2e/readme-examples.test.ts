// The README's two example reports are what the bundled CLI prints today: every line shown is a
// line of the real report, in order, `…` standing for text left out (within a line) or for lines
// left out (a line of its own). A report that changes leaves the README's example stale; this test
// says which line to update.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines of the README's code block that starts with `first`. */
function block(first: string): string[] {
  const at = README.indexOf(`\`\`\`\n${first}\n`);
  if (at < 0) throw new Error(`README.md has no code block starting with ${first}`);
  const body = README.slice(at + 4, README.indexOf('\n```', at + 4));
  return body.split('\n');
}

/** Does a README line (with `…` for text left out) stand for this line of the report? */
export function stands(shown: string, line: string): boolean {
  const pieces = shown.split('…');
  if (!line.startsWith(pieces[0]!)) return false;
  let at = pieces[0]!.length;
  for (let i = 1; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i === pieces.length - 1)
      return piece === '' || (line.endsWith(piece) && line.length - piece.length >= at);
    const found = line.indexOf(piece, at);
    if (found < 0) return false;
    at = found + piece.length;
  }
  return line.length === at;
}

/** The README lines that do not stand for the report's lines, in order (empty when it is faithful). */
export function unfaithful(shown: string[], report: string[]): string[] {
  const wrong: string[] = [];
  let j = 0;
  let skipping = false;
  for (const s of shown) {
    if (s.trim() === '…') {
      skipping = true;
      continue;
    }
    if (skipping) {
      while (j < report.length && !stands(s, report[j]!)) j++;
      if (j === report.length) {
        wrong.push(s);
        break;
      }
    } else if (j >= report.length || !stands(s, report[j]!)) {
      wrong.push(`${s}\n  (the report has: ${report[j] ?? 'nothing more'})`);
      break;
    }
    j++;
    skipping = false;
  }
  if (!wrong.length && !skipping && j < report.length) wrong.push(`(the report goes on: ${report[j]})`);
  return wrong;
}

function cli(cwd: string, args: string[]): string[] {
  const r = spawnSync(process.execPath, [CLI, ...args, '--no-color'], { cwd, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '').split('\n');
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
});

describe("the README's example reports", () => {
  test('the matching rule: `…` within a line and as a line of its own', () => {
    expect(stands('  a … c', '  a b c')).toBe(true);
    expect(stands('  a … c', '  a b c d')).toBe(false);
    expect(stands('  a …', '  a b')).toBe(true);
    expect(stands('  a', '  a b')).toBe(false);
    expect(unfaithful(['x', '…', 'z'], ['x', 'y', 'y', 'z'])).toEqual([]);
    expect(unfaithful(['x', 'z'], ['x', 'y', 'z'])).not.toEqual([]);
    expect(unfaithful(['x', '…'], ['x', 'y'])).toEqual([]);
    expect(unfaithful(['x'], ['x', 'y'])).not.toEqual([]);
  });

  test("the Terraform example: Coiled's own template against the coiled baseline", () => {
    const shown = block('$ iam-baseline-audit audit infra --baseline coiled');
    const tmp = mkdtempSync(join(tmpdir(), 'iba-readme-'));
    cpSync(join(ROOT, '__tests__/fixtures/hcl/coiled-terraform-template'), join(tmp, 'infra'), {
      recursive: true,
    });
    const report = cli(tmp, ['audit', 'infra', '--baseline', 'coiled']);
    expect(unfaithful(shown.slice(1), report)).toEqual([]);
  });

  test('the demo (npm run demo, paths as from examples/demo-repo)', () => {
    const shown = block('Findings:');
    const report = cli(join(ROOT, 'examples/demo-repo'), ['audit', '--fail-on', 'none']);
    expect(unfaithful(shown, report)).toEqual([]);
  });
});
