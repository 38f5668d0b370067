// The bundles as shipped: dist/cli.js and dist/index.js load the rest of the code from chunks
// (scripts/bundle.mjs), and write the JSON and SARIF reports in chunks (src/report/json-stream.ts).
// Here they run as child processes: from a copy of dist/ alone (no node_modules, no src), the CLI's
// JSON and SARIF reports, on standard output and with --output, are byte for byte what the
// renderers make in process; and the action's first line comes before anything else is loaded.
// This test builds nothing: it expects `npm run build` to have made dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText, summaryLine } from '../../src/report/text.js';
import { TOOL_NAME, TOOL_VERSION } from '../../src/core/version.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const DEMO = join(ROOT, 'examples/demo-repo');

let tmp: string;
let dist: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js')) || !existsSync(join(ROOT, 'dist/index.js')))
    throw new Error(
      'dist/ is missing: run `npm run build` first (this test runs the bundles and builds nothing).',
    );
  tmp = mkdtempSync(join(tmpdir(), 'iba-bundle-'));
  // dist/ alone, with the package.json that says its files are ES modules (as in the repository).
  dist = join(tmp, 'pkg', 'dist');
  cpSync(join(ROOT, 'dist'), dist, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(tmp, 'pkg', 'package.json'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('the bundles, from a copy of dist/ alone', () => {
  it('dist/ has chunks, and each entry names only its own', () => {
    const files = readdirSync(dist);
    for (const entry of ['cli', 'index']) {
      const chunks = files.filter((f) => f.startsWith(`${entry}.`) && f !== `${entry}.js`);
      expect(chunks.length).toBeGreaterThan(0);
      expect(readFileSync(join(dist, `${entry}.js`), 'utf8')).toContain(
        `return "${entry}." + chunkId + ".js";`,
      );
    }
  });

  it('--version answers from the entry alone: it runs with every chunk removed', () => {
    const bare = join(tmp, 'bare', 'dist');
    mkdirSync(bare, { recursive: true });
    cpSync(join(dist, 'cli.js'), join(bare, 'cli.js'));
    cpSync(join(ROOT, 'package.json'), join(tmp, 'bare', 'package.json'));
    const res = node([join(bare, 'cli.js'), '--version'], tmp);
    expect(res.stderr.toString()).toBe('');
    expect(res.stdout.toString()).toBe(`${TOOL_VERSION}\n`);
    expect(res.status).toBe(0);
  });

  it('the CLI writes the JSON and SARIF reports of renderJson and renderSarif, to standard output and to --output', async () => {
    const report = await runAudit({ root: DEMO, paths: ['.'] });
    const json = renderJson(report);
    // (run inside this repository's work tree, the SARIF paths are written from its root)
    const pathPrefix = existsSync(join(ROOT, '.git')) ? 'examples/demo-repo' : undefined;
    const sarif = `${JSON.stringify(renderSarif(report, { pathPrefix }), null, 2)}\n`;
    const cli = join(dist, 'cli.js');
    for (const [format, expected] of [
      ['json', json],
      ['sarif', sarif],
    ] as const) {
      const stdout = node([cli, 'audit', '.', '--fail-on', 'none', '--format', format], DEMO);
      expect(stdout.stderr.toString()).toBe('');
      expect(stdout.status).toBe(0);
      expect(stdout.stdout.toString()).toBe(expected);
      const file = join(tmp, `report.${format}`);
      const output = node(
        [cli, 'audit', '.', '--fail-on', 'none', '--format', format, '--output', file],
        DEMO,
      );
      // (the report went to a file: its counts on standard error, the terminal's only line)
      expect(output.stderr.toString()).toBe(
        `${TOOL_NAME}: wrote ${file} (${format}): ${summaryLine(report).text}\n`,
      );
      expect(output.stdout.toString()).toBe('');
      expect(readFileSync(file, 'utf8')).toBe(expected);
    }
  }, 60_000);

  it('the CLI writes the text and Markdown reports of renderText and renderMarkdown (text audits without suggestions, Markdown with them)', async () => {
    const report = await runAudit({ root: DEMO, paths: ['.'] });
    expect(report.suggestions.length).toBeGreaterThan(0);
    const cli = join(dist, 'cli.js');
    for (const [format, expected] of [
      ['text', renderText(report)],
      ['markdown', renderMarkdown(report, { mode: 'summary' })],
    ] as const) {
      const file = join(tmp, `report.${format}`);
      const res = node([cli, 'audit', '.', '--fail-on', 'none', '--format', format, '--output', file], DEMO);
      expect(res.stderr.toString()).toBe(
        `${TOOL_NAME}: wrote ${file} (${format}): ${summaryLine(report).text}\n`,
      );
      expect(res.stdout.toString()).toBe('');
      expect(res.status).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(expected);
    }
    expect(renderText(report)).toContain('Suggested minimal policies: see the Markdown or JSON report.');
    expect(renderMarkdown(report, { mode: 'summary' })).toContain('💡 Suggested minimal policy');
  }, 60_000);

  it('the action writes its name and version first, then audits and writes the JSON report of renderJson', async () => {
    const runnerTemp = join(tmp, 'runner-temp');
    mkdirSync(runnerTemp, { recursive: true });
    const res = node([join(dist, 'index.js')], DEMO, {
      GITHUB_WORKSPACE: DEMO,
      GITHUB_EVENT_NAME: 'push',
      RUNNER_TEMP: runnerTemp,
      'INPUT_FAIL-ON': 'none',
    });
    const lines = res.stdout.toString().split('\n');
    expect(lines[0]).toBe(`${TOOL_NAME} ${TOOL_VERSION}`);
    expect(lines.some((l) => l.includes('Findings:'))).toBe(true); // the text report, after the audit
    expect(res.status).toBe(0);
    const written = readFileSync(join(runnerTemp, 'iam-baseline-audit', 'report-default.json'), 'utf8');
    expect(written).toBe(renderJson(await runAudit({ root: DEMO, paths: ['.'] })));
  }, 60_000);
});
