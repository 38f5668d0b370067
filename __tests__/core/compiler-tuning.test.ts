// core/compiler-tuning.ts: the inlining budget is set only on the V8 versions whose flags were
// checked, never over the user's own flag, and not when asked for V8's defaults; and the bundled
// CLI runs without a word from V8 on stderr (an unknown flag would print one).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tuneCompiler } from '../../src/core/compiler-tuning.js';

const CLI = join(process.cwd(), 'dist', 'cli.js');

describe('tuneCompiler', () => {
  test('sets the budget on V8 11 to 13 only', () => {
    expect(tuneCompiler({}, [], '11.3.244.8-node.33')).toBe(true);
    expect(tuneCompiler({}, [], '13.6.233.10-node.24')).toBe(true);
    expect(tuneCompiler({}, [], '10.2.154.26-node.31')).toBe(false);
    expect(tuneCompiler({}, [], '14.0.1')).toBe(false);
    expect(tuneCompiler({}, [], '')).toBe(false);
  });

  test("leaves the user's own flag and V8's defaults when asked", () => {
    const v8 = '11.3.244.8';
    expect(tuneCompiler({}, ['--max-inlined-bytecode-size-cumulative=500'], v8)).toBe(false);
    expect(tuneCompiler({ NODE_OPTIONS: '--max_inlined_bytecode_size_cumulative=9' }, [], v8)).toBe(false);
    expect(tuneCompiler({ IAM_BASELINE_AUDIT_V8_DEFAULTS: '1' }, [], v8)).toBe(false);
    expect(tuneCompiler({ NODE_OPTIONS: '--max-old-space-size=1792' }, [], v8)).toBe(true);
  });

  test('the bundled CLI audits with the budget set and V8 says nothing', () => {
    const r = spawnSync(process.execPath, [CLI, 'audit', 'examples/demo-repo', '--fail-on', 'none'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/unrecognized flag|Try --help/);
    expect(r.stdout).toMatch(/findings/);
  });
});
