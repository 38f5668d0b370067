// What a new user meets first, through the bundled CLI (dist/cli.js) as a child process: absolute
// and relative paths, paths that do not exist, directories with nothing to audit, JSON that is not
// IAM, FIFOs named like inputs, a .gitignore that is a link to /dev/zero, `--help` on every
// command, and the CLI's report in a GitHub Actions log. This test builds nothing: it expects
// `npm run build` to have made dist/.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runAudit, UsageError } from '../../src/audit/run.js';
import { workflowCommands } from '../hardening/inert.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const CLI = join(ROOT, 'dist/cli.js');

const EXCESS = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Extra', Effect: 'Allow', Action: ['iam:PassRole'], Resource: '*' }],
};

let tmp: string;
let repo: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first.`);
  tmp = mkdtempSync(join(tmpdir(), 'iba-first-'));
  repo = join(tmp, 'repo');
  mkdirSync(join(repo, 'iam'), { recursive: true });
  mkdirSync(join(repo, '.git'));
  writeFileSync(join(repo, 'iam/policy.json'), JSON.stringify(EXCESS, null, 2));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('paths', () => {
  // (a review) Run from a subdirectory, the audit's note says to pass the configuration with
  // --config; done so, its selectors (written from the repository root) matched nothing.
  it("--config of the repository's .github from a subdirectory: its selectors match, as from the root", () => {
    const dir = join(tmp, 'cfg-repo');
    mkdirSync(join(dir, '.git'), { recursive: true });
    mkdirSync(join(dir, '.github'), { recursive: true });
    mkdirSync(join(dir, 'infra/vendor'), { recursive: true });
    writeFileSync(join(dir, 'infra/vendor/p.json'), JSON.stringify(EXCESS, null, 2));
    writeFileSync(
      join(dir, '.github/iam-baseline-audit.yml'),
      'version: 1\naudits:\n  - baseline: coiled\n    policies: ["infra/vendor/*.json"]\n',
    );
    const fromRoot = cli(['audit', '.', '--format', 'json'], dir);
    const fromSub = cli(
      ['audit', '.', '--config', '../.github/iam-baseline-audit.yml', '--format', 'json'],
      join(dir, 'infra'),
    );
    expect(fromSub.stderr).toBe('');
    const a = JSON.parse(fromRoot.stdout);
    const b = JSON.parse(fromSub.stdout);
    expect(b.policies.map((p: { id: string; baseline?: string }) => [p.id, p.baseline])).toEqual([
      ['infra/vendor/p.json', 'coiled'],
    ]);
    expect(b.findings).toEqual(a.findings);
    expect(fromSub.stdout).not.toContain('selects no policy');
    // (a second review) Never out of the git work tree: a .github above it is another's.
    const outer = join(tmp, 'outer');
    mkdirSync(join(outer, '.github'), { recursive: true });
    mkdirSync(join(outer, 'repo/.git'), { recursive: true });
    mkdirSync(join(outer, 'repo/infra/vendor'), { recursive: true });
    writeFileSync(join(outer, 'repo/infra/vendor/p.json'), JSON.stringify(EXCESS, null, 2));
    writeFileSync(
      join(outer, '.github/iam-baseline-audit.yml'),
      'version: 1\naudits:\n  - baseline: coiled\n    policies: ["repo/infra/vendor/*.json"]\n',
    );
    const above = cli(
      ['audit', '.', '--config', '../.github/iam-baseline-audit.yml', '--format', 'json'],
      join(outer, 'repo'),
    );
    expect(JSON.parse(above.stdout).policies.map((p: { id: string }) => p.id)).toEqual([
      'infra/vendor/p.json',
    ]);
  });

  it('an absolute path works from inside the repository and from anywhere else, with the same report', () => {
    const rel = cli(['audit', 'iam/policy.json', '--baseline', 'coiled', '--format', 'json'], repo);
    const absInside = cli(
      ['audit', join(repo, 'iam/policy.json'), '--baseline', 'coiled', '--format', 'json'],
      repo,
    );
    const absOutside = cli(
      ['audit', join(repo, 'iam/policy.json'), '--baseline', 'coiled', '--format', 'json'],
      tmpdir(),
    );
    for (const r of [rel, absInside, absOutside]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1); // the excess iam:PassRole, not an error
      const report = JSON.parse(r.stdout) as {
        inputs: { path: string; status: string }[];
        findings: object[];
      };
      expect(report.inputs).toEqual([
        { path: 'iam/policy.json', kind: 'policy', status: 'audited', policies: ['iam/policy.json'] },
      ]);
      expect(report.findings.map((f) => (f as { kind: string }).kind)).not.toContain('invalid-policy');
    }
    expect(absInside.stdout).toBe(rel.stdout);
    expect(absOutside.stdout).toBe(rel.stdout);
    // A directory named absolutely from elsewhere: paths in the report are from the repository root.
    const dir = cli(['audit', join(repo, 'iam'), '--baseline', 'coiled', '--format', 'json'], tmpdir());
    expect(JSON.parse(dir.stdout).inputs[0].path).toBe('iam/policy.json');
  });

  it('--baseline FILE is read from the current directory, as --config is, when the audit runs from the repository root', () => {
    // Run from the repository's parent: the root is the repository, the baseline file is typed from here.
    const base = join(tmp, 'mine-baseline.json');
    writeFileSync(
      base,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
      }),
    );
    const asTyped = cli(
      ['audit', 'repo/iam/policy.json', '--baseline', 'mine-baseline.json', '--format', 'json'],
      tmp,
    );
    expect(asTyped.stderr).toBe('');
    expect(asTyped.code).toBe(0);
    expect(JSON.parse(asTyped.stdout).findings).toEqual([]);
    // And for fix.
    const fixed = cli(['fix', 'repo/iam/policy.json', '--baseline', 'mine-baseline.json', '--dry-run'], tmp);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
  });

  it('a path that does not exist is a usage error (exit 2, the path named), never a finding', () => {
    const r = cli(['audit', 'iam/nope.json', '--baseline', 'coiled'], repo);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('iam/nope.json: no such file or directory');
    expect(r.stderr).not.toContain(repo);
    const abs = cli(['audit', join(repo, 'missing-dir'), '--baseline', 'coiled'], repo);
    expect(abs.code).toBe(2);
    expect(abs.stderr).toContain('missing-dir: no such file or directory');
    // As typed: `../x` and `/x` keep their `../` and `/`; fix says the same.
    for (const [command, typed] of [
      ['audit', '../nothere'],
      ['audit', '/nothere-iba'],
      ['fix', '../nothere'],
    ]) {
      const r = cli([command!, typed!, '--baseline', 'coiled'], join(repo, 'iam'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`: ${typed}: no such file or directory`);
    }
  });

  it('a directory with nothing to audit is a usage error, also with --fail-on none', () => {
    mkdirSync(join(tmp, 'empty'), { recursive: true });
    const empty = cli(['audit', 'empty', '--fail-on', 'none'], tmp);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no inputs found in empty: no file there that could hold IAM policies');
    // Named by an absolute path (the audit's root is then that directory): named as typed.
    const absolute = cli(['audit', join(tmp, 'empty')], tmp);
    expect(absolute.code).toBe(2);
    expect(absolute.stderr).toContain(`no inputs found in ${join(tmp, 'empty')}: no file there`);
    // A configuration file that is not there is said to be missing.
    const noConfig = cli(['audit', 'empty', '--config', 'nope.yml'], tmp);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('nope.yml: no such configuration file');
    mkdirSync(join(tmp, 'app'), { recursive: true });
    writeFileSync(join(tmp, 'app/package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    const app = cli(['audit', 'app', '--fail-on', 'any'], tmp);
    expect(app.code).toBe(2);
    expect(app.stderr).toContain(
      'no inputs found in app: the one candidate file is skipped: app/package.json (not an IAM policy',
    );
  });
});

describe('JSON that is not IAM is skipped with the reason, never a finding', () => {
  it('JSON with comments, app configs with `output` or `variable`, manifests, a "document" string', async () => {
    const dir = join(tmp, 'not-iam');
    const files: Record<string, string> = {
      // A game scenario file: JSON with // comments (JSONC).
      'scenarios/level1.json': '// level one\n{ "output": "win", "enemies": 3 }\n',
      'tsconfig.json': '{\n  // strict mode\n  "compilerOptions": { "strict": true }\n}\n',
      'config/app.json': JSON.stringify({ output: { dir: 'dist' }, variable: 'x', locals: 1 }),
      'package.json': JSON.stringify({ name: 'app', version: '1.0.0', scripts: { build: 'tsc' } }),
      'docs/index.json': JSON.stringify({ document: 'readme.md', title: 'Docs' }),
      'iam/policy.json': JSON.stringify(EXCESS),
      // A file that clearly tries to be a policy and is broken stays an error.
      'iam/broken.json': '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", } ] }',
    };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    const report = await runAudit({ root: dir, paths: ['.'], baseline: 'coiled' });
    const status = Object.fromEntries(report.inputs.map((i) => [i.path, i.status]));
    expect(status).toEqual({
      'config/app.json': 'skipped',
      'docs/index.json': 'skipped',
      'iam/broken.json': 'error',
      'iam/policy.json': 'audited',
      'package.json': 'skipped',
      'scenarios/level1.json': 'skipped',
      'tsconfig.json': 'skipped',
    });
    for (const i of report.inputs.filter((x) => x.status === 'skipped')) expect(i.reason).toBeTruthy();
    expect(report.findings.filter((f) => f.kind === 'invalid-policy').map((f) => f.path)).toEqual([
      'iam/broken.json',
    ]);
    // No reason or message names the checkout's absolute path.
    expect(JSON.stringify(report)).not.toContain(dir);
  });
});

describe('files that are not regular files', () => {
  it('a FIFO named *.json is listed as skipped (and does not hang the walk)', async () => {
    const dir = join(tmp, 'fifo');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(EXCESS));
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    const report = await runAudit({ root: dir, paths: ['.'], baseline: 'coiled' });
    expect(report.inputs.find((i) => i.path === 'pipe.json')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('a FIFO (named pipe)'),
    });
    // Named on purpose, it is skipped the same way (not read, not an error of the policy).
    const named = await runAudit({ root: dir, paths: ['policy.json', 'pipe.json'], baseline: 'coiled' });
    expect(named.inputs.find((i) => i.path === 'pipe.json')?.status).toBe('skipped');
    // A link out of the repository, and a directory that is a file's name: reasons without the root.
    symlinkSync('/etc/hostname', join(dir, 'leak.json'));
    const leak = await runAudit({ root: dir, paths: ['.', 'leak.json'], baseline: 'coiled' });
    expect(leak.inputs.find((i) => i.path === 'leak.json')?.status).toMatch(/skipped|error/);
    expect(JSON.stringify([report, named, leak])).not.toContain(dir);
  });

  // (a review) A link to a directory met on the walk vanished: in neither the inputs nor "Not audited".
  it('a symbolic link to a directory, in or out of the repository, is listed as skipped; a loop too', async () => {
    const dir = join(tmp, 'dirlinks');
    mkdirSync(join(dir, 'real'), { recursive: true });
    writeFileSync(join(dir, 'real/policy.json'), JSON.stringify(EXCESS));
    symlinkSync(join(dir, 'real'), join(dir, 'inside'));
    symlinkSync(tmp, join(dir, 'outside'));
    symlinkSync('..', join(dir, 'real/loop'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    const report = await runAudit({ root: dir, paths: ['.'], baseline: 'coiled' });
    const skipped = Object.fromEntries(
      report.inputs.filter((i) => i.status === 'skipped').map((i) => [i.path, i.reason]),
    );
    for (const p of ['inside', 'real/loop'])
      expect([p, skipped[p]]).toEqual([
        p,
        expect.stringContaining('a symbolic link to a directory: not followed'),
      ]);
    // (one that leads outside is said without looking there: whether a directory is there is not told)
    expect(skipped.outside).toBe('a symbolic link that leads outside the repository: not followed');
    expect(skipped).not.toHaveProperty('dangling');
    expect(report.inputs.find((i) => i.path === 'real/policy.json')?.status).toBe('audited');
    expect(JSON.stringify(report)).not.toContain(dir);
    // Named on purpose, a broken link is said to be one (it was "no such file or directory").
    symlinkSync('nowhere.json', join(dir, 'broken.json'));
    const named = await runAudit({ root: dir, paths: ['broken.json', 'real'], baseline: 'coiled' });
    expect(named.inputs.find((i) => i.path === 'broken.json')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('a broken link'),
    });
  });

  it('a .gitignore that is a symbolic link to /dev/zero is not read: the audit finishes, with a note', async () => {
    const dir = join(tmp, 'zero');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(EXCESS));
    symlinkSync('/dev/zero', join(dir, '.gitignore'));
    const started = Date.now();
    const report = await runAudit({ root: dir, paths: ['.'], baseline: 'coiled' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(report.inputs.map((i) => [i.path, i.status])).toEqual([
      ['.gitignore', 'skipped'],
      ['policy.json', 'audited'],
    ]);
    expect(report.notes?.join('\n')).toContain('.gitignore was not read');
    // Inside the repository, a link to a device is refused for what it is.
    rmSync(join(dir, '.gitignore'));
    symlinkSync('/dev/zero', join(dir, 'zero-target'));
    const cfg = join(dir, '.github');
    mkdirSync(cfg, { recursive: true });
    symlinkSync('/dev/zero', join(cfg, 'iam-baseline-audit.yml'));
    await expect(runAudit({ root: dir, paths: ['policy.json'] })).rejects.toThrow(/outside the repository/);
  });
});

/** Runs the CLI with its standard output a pipe whose reader goes away after `keep` bytes (`| head -c`). */
function cliIntoClosedPipe(args: string[], cwd: string, keep: number) {
  return new Promise<{ code: number | null; read: number; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let read = 0;
    let stderr = '';
    if (keep === 0) child.stdout.destroy();
    else
      child.stdout.on('data', (b: Buffer) => {
        read += b.length;
        if (read >= keep) child.stdout.destroy();
      });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, read, stderr }));
  });
}

describe('--output that cannot be written', () => {
  it.each([['text'], ['json'], ['markdown']])(
    '--format %s: a directory, or a file in a directory that does not exist, is a usage error naming the path (exit 2)',
    (format) => {
      for (const [target, says] of [
        [join(tmp, 'out-dir'), 'is a directory'],
        [join(tmp, 'no-such-dir', 'report.txt'), `the directory ${join(tmp, 'no-such-dir')} does not exist`],
      ] as const) {
        mkdirSync(join(tmp, 'out-dir'), { recursive: true });
        const r = cli(
          ['audit', 'iam/policy.json', '--baseline', 'coiled', '--format', format, '--output', target],
          repo,
        );
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`--output ${target}: ${says}`);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      }
    },
  );

  // (a review) --output naming the policy audited wrote the report over it; the next audit then
  // skipped that file as "not an IAM policy".
  it('an input of the audit, by its own path or another: refused, and the file left as it was', () => {
    const before = readFileSync(join(repo, 'iam/policy.json'), 'utf8');
    for (const target of ['iam/policy.json', './iam/../iam/policy.json', join(repo, 'iam/policy.json')]) {
      const r = cli(['audit', 'iam', '--baseline', 'coiled', '--format', 'json', '--output', target], repo);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--output ${target}: is one of the audit's inputs (iam/policy.json)`);
      expect(readFileSync(join(repo, 'iam/policy.json'), 'utf8')).toBe(before);
    }
    // (a second review) Its own earlier report, skipped as not IAM, is written over as before.
    const out = join(repo, 'iam/report.json');
    for (let i = 0; i < 2; i++) {
      const r = cli(['audit', 'iam', '--baseline', 'coiled', '--format', 'json', '--output', out], repo);
      expect([i, r.code]).toEqual([i, 1]);
      expect(r.stderr).toMatch(
        /^iam-baseline-audit: wrote \S+report\.json \(json\): \d+ findings? .*; exit status 1: /,
      );
    }
    rmSync(out);
  });

  it('merge: the same', () => {
    const report = join(tmp, 'merge-in', 'report.json');
    mkdirSync(dirname(report), { recursive: true });
    expect(
      cli(['audit', 'iam/policy.json', '--baseline', 'coiled', '--format', 'json', '--output', report], repo)
        .code,
    ).toBe(1);
    const r = cli(['merge', report, '--output', tmp], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--output ${tmp}: is a directory`);
  });

  it('a file the process may not write: a usage error with the reason, not an internal error', () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere: a read-only file system is not at hand either; /proc refuses writes.
      const r = cli(['audit', 'iam/policy.json', '--baseline', 'coiled', '--output', '/proc/version'], repo);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--output /proc/version: cannot write it');
      return;
    }
    const locked = join(tmp, 'locked');
    mkdirSync(locked, { recursive: true });
    chmodSync(locked, 0o500);
    const r = cli(
      ['audit', 'iam/policy.json', '--baseline', 'coiled', '--output', join(locked, 'r.txt')],
      repo,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write it (permission denied)');
  });
});

describe('fix: a file it cannot write', () => {
  it('is listed with the reason, counted in the summary, and the exit status is 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iba-locked-'));
    try {
      mkdirSync(join(dir, '.git'));
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:*', 'ec2:RunInstances'], Resource: '*' }],
      });
      writeFileSync(join(dir, 'p.json'), policy);
      // The directory may be read, not written: the fix's temporary file cannot be made there.
      chmodSync(dir, 0o555);
      let r: { code: number | null; stdout: string; stderr: string };
      if (process.getuid?.() === 0) {
        // root writes anywhere: run the CLI as an unprivileged user (skipped where there is none).
        const asNobody = spawnSync(
          'runuser',
          ['-u', 'nobody', '--', process.execPath, CLI, 'fix', 'p.json', '--baseline', 'coiled'],
          {
            cwd: dir,
            env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
            encoding: 'utf8',
          },
        );
        if (asNobody.error || /runuser: /.test(asNobody.stderr)) return;
        r = { code: asNobody.status, stdout: asNobody.stdout, stderr: asNobody.stderr };
      } else r = cli(['fix', 'p.json', '--baseline', 'coiled'], dir);
      expect(r.stdout).toMatch(/^not written p\.json: .*(EACCES|permission denied)/m);
      expect(r.stdout).not.toContain('nothing to fix');
      expect(r.stdout).toMatch(/0 files fixed, 1 file not written, 0 policies not fixed/);
      expect(r.code).toBe(1);
      expect(readFileSync(join(dir, 'p.json'), 'utf8')).toBe(policy);
    } finally {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('standard output closed by its reader (`| head`)', () => {
  const big = () => {
    // A report far larger than a pipe's buffer: 400 policies, each with its own excess.
    const dir = join(tmp, 'many');
    mkdirSync(join(dir, '.git'), { recursive: true });
    for (let i = 0; i < 400; i++)
      writeFileSync(
        join(dir, `p${i}.json`),
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: `S${i}`, Effect: 'Allow', Action: ['iam:PassRole', 's3:*'], Resource: '*' }],
        }),
      );
    return dir;
  };

  it.each([
    ['text', 0],
    ['text', 1000],
    ['json', 1000],
    ['sarif', 1000],
    ['markdown', 0],
  ])(
    'audit --format %s, the reader gone after %d bytes: no error, the exit code is the verdict',
    async (format, keep) => {
      const dir = big();
      const fail = await cliIntoClosedPipe(
        ['audit', '.', '--baseline', 'coiled', '--format', format],
        dir,
        keep,
      );
      expect(fail.stderr).toBe('');
      expect(fail.code).toBe(1);
      const none = await cliIntoClosedPipe(
        ['audit', '.', '--baseline', 'coiled', '--format', format, '--fail-on', 'none'],
        dir,
        keep,
      );
      expect(none.stderr).toBe('');
      expect(none.code).toBe(0);
    },
  );

  it('expand and baselines list: no error, exit 0', async () => {
    for (const args of [
      ['expand', '*'],
      ['baselines', 'list'],
    ]) {
      const r = await cliIntoClosedPipe(args, tmp, 0);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe('usage', () => {
  it.each([['audit'], ['expand'], ['baselines']])('%s --help prints its usage and exits 0', (command) => {
    for (const flag of ['--help', '-h']) {
      const r = cli([command, flag], tmp);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/Usage/);
      expect(r.stdout).toContain(command === 'audit' ? '--baseline' : command);
    }
  });

  it('expand and baselines: `--` ends the options; an unknown option or an extra argument is a usage error (exit 2)', () => {
    const ok = cli(['expand', '--', 's3:GetObject'], tmp);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, 's3:GetObject\n', '']);
    for (const args of [
      ['expand', 's3:GetObject', '--bogus'],
      ['baselines', 'list', '--bogus'],
      ['baselines', 'list', 'extra'],
      ['baselines', 'show', 'coiled', 'extra'],
    ]) {
      const r = cli(args, tmp);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/--bogus|"extra"/);
    }
    // (Node's own message for an unknown option ends with an unbalanced quote: said shortly)
    expect(cli(['expand', 's3:GetObject', '--bogus'], tmp).stderr).toMatch(
      /^iam-baseline-audit: unknown option "--bogus" \(a path that begins with "-" goes after "--": -- "--bogus"\)\n/,
    );
  });

  // (a review) Node's parser said "Option '-b, --baseline <value>' argument missing".
  it('an option given without its value: said in the words of --help (exit 2)', () => {
    for (const [command, option] of [
      ['audit', '--baseline'],
      ['fix', '--config'],
      ['merge', '--format'],
    ]) {
      const r = cli([command!, option!], repo);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^iam-baseline-audit: ${option} needs a value \\(${option} VALUE\\)\n`),
      );
    }
  });

  it('a user baseline that reuses a built-in id is a configuration error (exit 2), not silently ignored', () => {
    const dir = join(tmp, 'clash');
    mkdirSync(join(dir, '.github'), { recursive: true });
    mkdirSync(join(dir, 'iam'), { recursive: true });
    writeFileSync(join(dir, 'iam/policy.json'), JSON.stringify(EXCESS));
    writeFileSync(
      join(dir, 'mine.yml'),
      'id: coiled\nname: Mine\nsets:\n  - name: ongoing\n    kind: ongoing\n    statements:\n      - Effect: Allow\n        Action: [iam:PassRole]\n        Resource: "*"\n',
    );
    writeFileSync(
      join(dir, '.github/iam-baseline-audit.yml'),
      'version: 1\nbaselines: [mine.yml]\naudits:\n  - baseline: coiled\n    policies: [iam/policy.json]\n',
    );
    const r = cli(['audit', 'iam'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mine.yml has the id "coiled", which a built-in baseline already has');
  });
});

describe('in a GitHub Actions job, the CLI report cannot run workflow commands', () => {
  it('text and Markdown on standard output: escaped, and framed by stop-commands', () => {
    const dir = join(tmp, 'ci');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '::add-mask::secret.json'), JSON.stringify(EXCESS));
    writeFileSync(join(dir, '##[error]x.json'), JSON.stringify(EXCESS));
    for (const format of ['text', 'markdown']) {
      const r = cli(['audit', '.', '--baseline', 'coiled', '--format', format], dir, {
        GITHUB_ACTIONS: 'true',
      });
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n');
      const token = /^::stop-commands::([0-9a-f-]{36})$/.exec(lines[0]!)?.[1];
      expect(token).toBeDefined();
      expect(lines.at(-2)).toBe(`::${token}::`);
      expect(workflowCommands(lines.slice(1, -2).join('\n'))).toEqual([]);
    }
    // JSON and SARIF are data: not framed, still JSON (`> report.json` in a run step), the same
    // values as the file --output writes, and no line a command.
    for (const format of ['json', 'sarif']) {
      const r = cli(['audit', '.', '--baseline', 'coiled', '--format', format], dir, {
        GITHUB_ACTIONS: 'true',
      });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain('::stop-commands::');
      expect(workflowCommands(r.stdout)).toEqual([]);
      const file = join(tmp, `ci-report.${format}`);
      const saved = cli(['audit', '.', '--baseline', 'coiled', '--format', format, '--output', file], dir, {
        GITHUB_ACTIONS: 'true',
      });
      expect(saved.code).toBe(1);
      // Its counts on standard error (the log too): no command there either.
      expect(saved.stderr).toContain(`wrote ${file} (${format}): `);
      expect(workflowCommands(saved.stderr)).toEqual([]);
      const written = readFileSync(file, 'utf8');
      // The repository's file names are in the report, as written (SARIF: in URIs, encoded).
      if (format === 'json') {
        expect(written).toContain('::add-mask::secret.json');
        expect(written).toContain('##[error]x.json');
      }
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(written));
    }
    // An --output path of the workflow's making (a branch name, say) is escaped on that line too.
    const hostile = join(tmp, 'out\n::add-mask::x.txt');
    const named = cli(['audit', '.', '--baseline', 'coiled', '--output', hostile], dir, {
      GITHUB_ACTIONS: 'true',
    });
    expect(named.code).toBe(1);
    expect(readFileSync(hostile, 'utf8')).toContain('secret.json');
    expect(workflowCommands(named.stderr)).toEqual([]);
    // Outside Actions: no markers, the text report still escaped.
    const plain = cli(['audit', '.', '--baseline', 'coiled'], dir);
    expect(plain.stdout).not.toContain('::stop-commands::');
    expect(plain.stdout).toContain(':\\:add-mask::secret.json');
    expect(workflowCommands(plain.stdout)).toEqual([]);
  });
});

describe('the action as published', () => {
  it("action.yml's description fits the Marketplace (under 125 characters)", () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { description: string };
    expect(action.description.length).toBeLessThan(125);
  });

  it('every input of action.yml is in the README inputs table, and every table row is an input', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Inputs'));
    const table = section.slice(0, section.indexOf('\n## ', 4));
    const rows = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys(action.inputs).sort());
  });
});

describe('runAudit', () => {
  it('throws a UsageError for a path that does not exist (the action fails the step with it)', async () => {
    await expect(runAudit({ root: repo, paths: ['nope'], baseline: 'coiled' })).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

// A vendor's own policy lacking two of the vendor's permissions, with informational findings made
// to count: the headline counts excess ("0 findings … (and 2 informational)") while the run fails;
// before, nothing said why the exit status was 1 (a review).
describe('informational findings that fail the run', () => {
  it('are said on standard error, with the exit status', () => {
    const dir = join(tmp, 'informational');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'p.json'),
      readFileSync(
        join(ROOT, '__tests__/fixtures/baselines/spot-terraform-spotinst-aws-connect-spot_policy.json'),
      ),
    );
    const r = cli(['audit', 'p.json', '--baseline', 'spot', '--severity-threshold', 'info'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^0 findings in 1 policy from 1 input \(and \d+ informational\)$/m);
    expect(r.stderr).toMatch(
      /^iam-baseline-audit: exit status 1: \d+ findings? at or above info \(--severity-threshold\), \d+ of them informational\n$/,
    );
    // (at the default threshold it passes, and nothing is said)
    const quiet = cli(['audit', 'p.json', '--baseline', 'spot'], dir);
    expect([quiet.code, quiet.stderr]).toEqual([0, '']);
  });
});
