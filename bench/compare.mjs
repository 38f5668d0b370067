#!/usr/bin/env node
// npm run bench:compare -- [--runs N] [--policies N] [--format text|json] [--seed N] [--detect] REV [REV...]
//
// Builds side by side on the held-out diverse plan (bench/diverse.mjs), run alternately so that
// each sees the same minutes of a noisy machine: the only way to see a change of 5% or so here,
// where one bench run can move by 20%. REV is a git revision, whose committed dist/ is taken
// (`git archive REV dist package.json` into .bench/builds/, no build needed), or `.` for the
// working tree's dist/. The floor (bench/floor.mjs) runs between them. The plan is audited with
// --baseline skypilot:minimal, or with --detect without it: every policy scored against every
// built-in baseline, as a repository without a configuration runs (the phase timed is then
// `assign baselines`, where detection is, rather than `evaluate`).
//
// For each build: the median wall and CPU time, the median of `evaluate` (from
// IAM_BASELINE_AUDIT_TIMINGS), the range of peak RSS (/usr/bin/time, when present), audit/floor,
// and whether its report is byte for byte the first build's (a SHA-256 of each run's output).
// Each correctness change can be timed this way against a build several rounds old, not only its
// parent: small costs that each hide in the noise add up (BENCHMARKS.md, thirty-second round).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DIVERSE_VERSION, generateDiversePlan } from './diverse.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, '.bench');
const HAS_TIME = existsSync('/usr/bin/time');

const { values: opts, positionals: revs } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    policies: { type: 'string', default: '5000' },
    format: { type: 'string', default: 'text' },
    seed: { type: 'string', default: '20260115' },
    detect: { type: 'boolean', default: false },
  },
});
const runs = Number(opts.runs);
const policies = Number(opts.policies);
if (revs.length === 0 || !(runs >= 1) || !(policies >= 1) || !['text', 'json'].includes(opts.format)) {
  console.error(
    'usage: node bench/compare.mjs [--runs N] [--policies N] [--format text|json] [--seed N] [--detect] REV [REV...]',
  );
  process.exit(2);
}

/** The directory holding a build's dist/: the working tree's for `.`, else the revision's, extracted once. */
function buildDir(rev) {
  if (rev === '.') return ROOT;
  const sha = spawnSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: ROOT, encoding: 'utf8' });
  if (sha.status !== 0) throw new Error(`compare: ${rev} is not a revision of this repository`);
  const dir = join(WORK, 'builds', sha.stdout.trim());
  if (existsSync(join(dir, 'dist', 'cli.js'))) return dir;
  mkdirSync(dir, { recursive: true });
  const tar = spawnSync('git', ['archive', sha.stdout.trim(), 'dist', 'package.json'], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
  });
  if (tar.status !== 0) throw new Error(`compare: git archive ${rev}: ${tar.stderr}`);
  const x = spawnSync('tar', ['-x', '-C', dir], { input: tar.stdout });
  if (x.status !== 0) throw new Error(`compare: tar: ${x.stderr}`);
  return dir;
}

/**
 * The diverse plan of this size and seed, generated once, where bench.mjs keeps it (with its
 * marker, so that either script regenerates it when the generator's version changes).
 */
function plan() {
  const dir = join(WORK, `diverse-seed${opts.seed}-${policies}`);
  const file = join(dir, 'plan.json');
  const marker = join(dir, '.bench-input.json');
  const version = `d${DIVERSE_VERSION}`;
  if (!existsSync(marker) || JSON.parse(readFileSync(marker, 'utf8')).version !== version) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const g = generateDiversePlan(file, { seed: Number(opts.seed), policies });
    writeFileSync(
      marker,
      JSON.stringify({ version, target: 'plan.json', bytes: g.bytes, files: 1, statements: g.statements }),
    );
  }
  return { dir, file };
}

/** Runs node with `args` in `cwd`: wall ms, CPU s, peak RSS MB, stderr, and the SHA-256 of stdout. */
function run(args, cwd) {
  return new Promise((done, fail) => {
    const [cmd, argv] = HAS_TIME
      ? ['/usr/bin/time', ['-f', '@time %U %S %M', 'node', ...args]]
      : ['node', args];
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd, env: { ...process.env, IAM_BASELINE_AUDIT_TIMINGS: '1' } });
    const hash = createHash('sha256');
    let stderr = '';
    child.stdout.on('data', (b) => hash.update(b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return fail(new Error(`compare: node ${args.join(' ')} exited ${code}\n${stderr}`));
      const t = /@time (\S+) (\S+) (\d+)/.exec(stderr);
      const evaluate = new RegExp(`${PHASE} ([\\d.]+) ms`).exec(stderr);
      done({
        ms,
        cpu: t ? Number(t[1]) + Number(t[2]) : NaN,
        rss: t ? Number(t[3]) / 1024 : NaN,
        evaluate: evaluate ? Number(evaluate[1]) : NaN,
        sha: hash.digest('hex'),
      });
    });
  });
}

const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 0) =>
  Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The phase of runAudit timed (IAM_BASELINE_AUDIT_TIMINGS). */
const PHASE = opts.detect ? 'assign baselines' : 'evaluate';
const builds = revs.map((rev) => ({ rev, dir: buildDir(rev), results: [] }));
const input = plan();
const floor = [];
const auditArgs = (dir) => [
  join(dir, 'dist', 'cli.js'),
  'audit',
  'plan.json',
  ...(opts.detect ? [] : ['--baseline', 'skypilot:minimal']),
  '--fail-on',
  'none',
  '--max-file-size',
  '4096',
  '--format',
  opts.format,
];
process.stderr.write(
  `compare: ${builds.length} builds, ${runs} runs each, alternated, on ${input.file} (${opts.format})\n`,
);
for (let i = 0; i < runs; i++) {
  for (const b of builds) {
    b.results.push(await run(auditArgs(b.dir), input.dir));
    floor.push(await run([join(ROOT, 'bench', 'floor.mjs'), 'plan.json'], input.dir));
  }
  process.stderr.write(`  round ${i + 1} of ${runs}\n`);
}

const floorMs = median(floor.map((r) => r.ms));
const first = builds[0].results[0].sha;
const rows = builds.map((b) => {
  const rss = b.results.map((r) => r.rss);
  const wall = median(b.results.map((r) => r.ms));
  const same = b.results.every((r) => r.sha === first);
  return `| ${b.rev} | ${fmt(wall)} | ${fmt(median(b.results.map((r) => r.cpu)), 2)} | ${fmt(median(b.results.map((r) => r.evaluate)))} | ${fmt(Math.min(...rss))}–${fmt(Math.max(...rss))} | ${fmt(wall / floorMs, 2)} | ${same ? 'yes' : '**no**'} |`;
});
console.log(
  [
    `Diverse plan of ${policies} policies (seed ${opts.seed}, generator d${DIVERSE_VERSION}), ${opts.detect ? 'without --baseline' : '--baseline skypilot:minimal'}, ${opts.format} report, ${runs} alternated runs per build; floor ${fmt(floorMs)} ms (median of ${floor.length}).`,
    '',
    `| build | wall ms | CPU s | ${PHASE} ms | peak RSS MB | audit/floor | same report as the first |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
);
