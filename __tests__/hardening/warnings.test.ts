// Node's warnings reach standard error too (a security review): the yaml library warned about a
// map key that is a list by quoting it, `##[stop-commands]x` among it, through Node's default
// listener, outside the log boundary; the runner reads `##[` anywhere in a line of standard error
// as a workflow command, so the repository's own config could stop the action's annotations.
// Now the yaml library never prints (logLevel 'error') and Node's warnings go through the
// boundary (core/warnings.ts). Through the bundled CLI, as the runner runs it.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardWarnings } from '../../src/core/warnings.js';
import { workflowCommands } from './inert.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/cli.js');

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'ec2:DescribeInstances'], Resource: '*' }],
});

function run(files: Record<string, string>, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'iba-warn-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    return spawnSync(process.execPath, [CLI, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ACTIONS: 'true', NO_COLOR: '1' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a config whose map key is a list: nothing of it reaches the log as a workflow command', () => {
  const r = run(
    {
      'p.json': POLICY,
      '.github/iam-baseline-audit.yml':
        'version: 1\nignore:\n  - action: "s3:GetObject"\n    reason: x\n    ? - "##[stop-commands]x"\n    : 1\n',
    },
    ['audit', '.', '--fail-on', 'none'],
  );
  expect(r.stderr).toContain('iam-baseline-audit.yml'); // the config error names the file...
  expect(r.stderr).not.toMatch(/Keys with collection values/); // ...and the library says nothing
  expect(workflowCommands(r.stderr)).toEqual([]);
  expect(workflowCommands(r.stdout)).toEqual([]);
});

test("a repository's baseline YAML whose placeholders key is a list: audited, and the log stays inert", () => {
  const r = run(
    {
      'p.json': POLICY,
      'vendor.yml': [
        'id: acme',
        'name: Acme',
        'version: "2026-01-01"',
        'source: https://example.com/acme',
        'sets:',
        '  - name: main',
        '    phase: ongoing',
        '    policy:',
        '      Version: "2012-10-17"',
        '      Statement:',
        '        - Effect: Allow',
        '          Action: ["ec2:DescribeInstances"]',
        '          Resource: "*"',
        '? - "##[stop-commands]x"',
        ': 1',
        '',
      ].join('\n'),
    },
    ['audit', 'p.json', '--baseline', './vendor.yml', '--fail-on', 'none'],
  );
  expect(r.stderr + r.stdout).not.toMatch(/Keys with collection values/);
  expect(workflowCommands(r.stderr)).toEqual([]);
  expect(workflowCommands(r.stdout)).toEqual([]);
});

test("Node's warnings, whatever they quote, are written through the log boundary", () => {
  // (a process's warning events; Node's default listener, which prints them as they are, stands in)
  const emitter = new EventEmitter();
  const written: string[] = [];
  emitter.on('warning', () => written.push('printed as it is'));
  guardWarnings((t) => written.push(t), emitter);
  const w = new Error('key "##[stop-commands]x"\n::error::forged\u202E');
  w.name = 'Warning';
  emitter.emit('warning', w);
  const text = written.join('');
  expect(text).not.toContain('printed as it is');
  expect(text).toContain('stop-commands');
  expect(text).toContain('forged');
  expect(workflowCommands(text)).toEqual([]);
  expect(text).not.toContain('\u202E');
});

test('with `node --no-warnings` (no listener), nothing is printed', () => {
  const emitter = new EventEmitter();
  const written: string[] = [];
  guardWarnings((t) => written.push(t), emitter);
  emitter.emit('warning', new Error('x'));
  expect(emitter.listenerCount('warning')).toBe(0);
  expect(written).toEqual([]);
});
