#!/usr/bin/env node
// npm run bench [-- --quick] [-- --runs N] [-- --sizes 1,2,4] [-- --scale X] [-- --seed N]
//               [-- --only repo,plan,diverse,detect,memory,conditions,arns,cold] [-- --json FILE]
//               [-- --diverse 5000,20000] [-- --timeout S] [-- --mem-limit MB] [-- --cli DIR]
// --quick: one size, 0.05x (500 files, a 6 MB plan), a diverse plan of 300 policies (also the
// memory-limited run), the pathological policies at a tenth of their size, one run each, 3 cold
// starts: seconds, for CI.
//
// Measures the BUNDLED CLI (dist/cli.js) and action (dist/index.js), each run a child process, on
// inputs generated deterministically from a seed (bench/generate.mjs) into .bench/ (git-ignored):
//   repo  a repository tree of 10,000 standalone policy files at 1x, bound to the built-in
//         baselines by .github/iam-baseline-audit.yml;
//   plan  one `terraform show -json` plan of about 100 MB at 1x holding about 10,000 IAM policies
//         across nested modules among non-IAM resources (no configuration: detection).
//   diverse  the held-out corpus (bench/diverse.mjs): a plan of N policies (5,000 and 20,000) in
//         which no statement repeats, audited with --baseline skypilot:minimal; also its JSON
//         report's size, and (memory) 10,000 policies under node --max-old-space-size=1792;
//   detect  the same plans without --baseline: every policy scored against every built-in
//         baseline (detection), as a repository without a configuration runs.
//   conditions, arns  one policy with 10,000 condition keys; one with 1,800 ARNs under ec2:*.
// For each input and size (1x, 2x, 4x): wall time, throughput and peak memory (maxRSS, from
// /usr/bin/time -v when present, else a wrapper reporting process.resourceUsage().maxRSS), and the
// floor measured the same way on the same files (bench/floor.mjs: read + JSON.parse, nested policy
// strings included). Also cold start (--version; the action to its first output line) and the
// catalog load (IAM_BASELINE_AUDIT_TIMINGS=1). Medians of several runs. It prints figures and
// whether each target is met; it does not fail on a missed target, only when an audit errors. An
// audit that runs out of memory or past --timeout (default 300 s; the child is killed) is a
// missed target, reported, not an error.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DIVERSE_VERSION,
  generateConditionKeysPolicy,
  generateDiversePlan,
  generateManyArnsPolicy,
} from './diverse.mjs';
import { GENERATOR_VERSION, generatePlan, generateRepo } from './generate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'cold-runs': { type: 'string' },
    sizes: { type: 'string' },
    scale: { type: 'string' },
    seed: { type: 'string', default: '20260115' },
    only: { type: 'string' },
    json: { type: 'string' },
    diverse: { type: 'string' },
    timeout: { type: 'string' },
    cli: { type: 'string' },
    'mem-limit': { type: 'string' },
  },
});

/** The bundle measured: dist/ of this checkout, or another build's (--cli DIR). */
const DIST = opts.cli ? resolve(opts.cli) : join(ROOT, 'dist');
const CLI = join(DIST, 'cli.js');
const ACTION = join(DIST, 'index.js');
const FLOOR = join(HERE, 'floor.mjs');
const WORK = join(ROOT, '.bench');

/** Plan services per 1x: about 3.4 policy records each (role trust, inline, managed, sometimes a bucket policy or an AWS managed attachment). */
const PLAN_SERVICES_1X = 2940;
const REPO_FILES_1X = 10_000;

const quick = opts.quick;
const scale = Number(opts.scale ?? (quick ? 0.05 : 1));
const sizes = (opts.sizes ?? (quick ? '1' : '1,2,4')).split(',').map(Number);
const runs = Number(opts.runs ?? (quick ? 1 : 3));
const coldRuns = Number(opts['cold-runs'] ?? (quick ? 3 : 10));
const seed = Number(opts.seed);
const only = opts.only ? new Set(opts.only.split(',')) : undefined;
const wants = (name) => !only || only.has(name);
/** Policies in the diverse plans (the first size is the base of the scaling target). */
const diverseSizes = (opts.diverse ?? (quick ? '300' : '5000,20000')).split(',').map(Number);
/** The memory-limited run: policies and V8's old-space limit (MB). */
const MEMORY_CASE = { policies: quick ? 300 : 10_000, limitMB: Number(opts['mem-limit'] ?? 1792) };
/** The pathological single policies (a tenth of the size with --quick). */
const CONDITION_KEYS = quick ? 1000 : 10_000;
const MANY_ARNS = quick ? 180 : 1800;
const timeoutMs = Number(opts.timeout ?? 300) * 1000;

const TARGETS = { ratio: 2.0, scaling: 0.25, coldStart: 150, catalog: 50, memSlackMB: 200 };
/** The targets of issue 13 for the diverse corpus. */
const DIVERSE_TARGETS = { ratio: 4.0, policiesPerS: 2000, jsonPerInput: 2.0, scaling: 0.25 };

for (const f of [CLI, ACTION]) {
  if (!existsSync(f)) {
    console.error(`bench: ${f} is missing: run npm run build first`);
    process.exit(2);
  }
}

const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const MB = 1024 * 1024;
/** GitHub's job summary limit (SUMMARY_LIMIT in src/report/markdown.ts): a Markdown report must be under it. */
const SUMMARY_LIMIT = 1024 * 1024;
const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));

// ---------------------------------------------------------------------------------------------
// Running a child

const HAS_TIME = existsSync('/usr/bin/time');
const RSS_WRAPPER = join(WORK, 'rss-wrapper.cjs');

/**
 * Runs `node args...` in `cwd`; resolves with { ms, code, rssMB, stdout, stderr, firstLineMs }.
 * Peak memory from /usr/bin/time -v (or a wrapper that reports the child's maxRSS).
 */
function runNode(args, { cwd = ROOT, env, measureRss = true, firstLine = false, timeout = timeoutMs } = {}) {
  mkdirSync(WORK, { recursive: true });
  const rssFile = join(WORK, `rss-${process.pid}.txt`);
  let cmd = process.execPath;
  let argv = args;
  if (measureRss && HAS_TIME) {
    cmd = '/usr/bin/time';
    argv = ['-v', '-o', rssFile, process.execPath, ...args];
  } else if (measureRss) {
    if (!existsSync(RSS_WRAPPER))
      writeFileSync(
        RSS_WRAPPER,
        `// Runs node with the arguments given and writes the child's maxRSS (KiB) to argv[2].
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [out, ...rest] = process.argv.slice(2);
const r = spawnSync(process.execPath, rest, { stdio: 'inherit' });
writeFileSync(out, 'Maximum resident set size (kbytes): ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = r.status ?? 3;
`,
      );
    argv = [RSS_WRAPPER, rssFile, ...args];
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let firstLineMs;
    // A process group of its own, so a run past the timeout is killed with its node child (under
    // /usr/bin/time) and nothing else.
    const child = spawn(cmd, argv, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeout);
    const out = [];
    const tail = [];
    const err = [];
    child.stdout.on('data', (d) => {
      if (firstLine && firstLineMs === undefined && d.includes(10))
        firstLineMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (out.length < 64) out.push(d);
      tail.push(d);
      if (tail.length > 4) tail.shift();
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let rssMB;
      let cpuMs;
      if (measureRss && existsSync(rssFile)) {
        const t = readFileSync(rssFile, 'utf8');
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(t);
        if (m) rssMB = Number(m[1]) / 1024;
        const u = /User time \(seconds\): ([\d.]+)/.exec(t);
        const sy = /System time \(seconds\): ([\d.]+)/.exec(t);
        if (u && sy) cpuMs = (Number(u[1]) + Number(sy[1])) * 1000;
        rmSync(rssFile, { force: true });
      }
      resolve({
        ms,
        code: code ?? (signal ? 128 : 3),
        signal,
        timedOut,
        rssMB,
        cpuMs,
        firstLineMs,
        stdout: Buffer.concat(out).toString(),
        tail: Buffer.concat(tail).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Inputs (cached in .bench/ by seed, size and generator version)

/** ensure(kind, s): s is the scale for repo and plan, the number of policies for diverse, of keys for conditions, of ARNs for arns. */
function ensure(kind, s) {
  const held = kind === 'diverse' || kind === 'conditions' || kind === 'arns';
  const version = held ? `d${DIVERSE_VERSION}` : GENERATOR_VERSION;
  const tag = held ? `${kind}-seed${seed}-${s}` : `${kind}-seed${seed}-x${s}`;
  const dir = join(WORK, tag);
  const marker = join(dir, '.bench-input.json');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    if (m.version === version) return { dir, ...m };
  }
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  let info;
  if (kind === 'repo') {
    const files = Math.max(1, Math.round(REPO_FILES_1X * s));
    const g = generateRepo(dir, { seed, files });
    info = { version: GENERATOR_VERSION, target: '.', bytes: g.bytes, files };
  } else if (kind === 'diverse') {
    const g = generateDiversePlan(join(dir, 'plan.json'), { seed, policies: s });
    info = { version, target: 'plan.json', bytes: g.bytes, files: 1, statements: g.statements };
  } else if (kind === 'conditions') {
    const g = generateConditionKeysPolicy(join(dir, 'policy.json'), { keys: s });
    info = { version, target: 'policy.json', bytes: g.bytes, files: 1 };
  } else if (kind === 'arns') {
    const g = generateManyArnsPolicy(join(dir, 'policy.json'), { arns: s });
    info = { version, target: 'policy.json', bytes: g.bytes, files: 1 };
  } else {
    const g = generatePlan(join(dir, 'plan.json'), {
      seed,
      services: Math.max(1, Math.round(PLAN_SERVICES_1X * s)),
    });
    info = { version: GENERATOR_VERSION, target: 'plan.json', bytes: g.bytes, files: 1 };
  }
  writeFileSync(marker, JSON.stringify(info));
  process.stderr.write(
    `  generated ${tag}: ${(info.bytes / MB).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return { dir, ...info };
}

// ---------------------------------------------------------------------------------------------
// Measurements

let auditErrors = 0;

/**
 * Why a run failed: `out of memory` (V8's heap limit) and `timed out` are resource failures, a
 * missed target the bench reports; anything else is an error of the audit (the bench then exits 1).
 */
function failureOf(a) {
  if (a.timedOut) return { resource: true, text: `timed out after ${fmt(timeoutMs / 1000)} s (killed)` };
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(a.stderr))
    return { resource: true, text: 'out of memory (V8 heap limit)' };
  const first = a.stderr.split('\n').find((l) => l.trim() && !l.startsWith('timings:')) ?? '';
  return {
    resource: false,
    text: `exit ${a.code}${a.signal ? ` (${a.signal})` : ''}: ${first.slice(0, 200)}`,
  };
}

async function measureInput(kind, s) {
  const input = ensure(kind, s);
  return measure({ kind, size: s, ...input });
}

/**
 * Measures one input: `runs` text audits alternated with the floor, then one JSON audit.
 * spec: { kind, size, dir, target, bytes, args (extra CLI arguments), env (extra environment),
 * floor (false: none), json (false: none) }.
 */
async function measure(spec) {
  const { kind, size: s, dir, target } = spec;
  const report = join(WORK, `report-${kind}-${process.pid}.json`);
  const extra = spec.args ?? [];
  // What users run: the default text report on standard output (read and dropped here).
  const auditArgs = [CLI, 'audit', target, '--fail-on', 'none', '--max-file-size', '4096', ...extra];
  // The same with the JSON report (every suggested policy's diff is made), also what the action writes.
  const jsonArgs = [
    CLI,
    'audit',
    target,
    '--format',
    'json',
    '--output',
    report,
    '--fail-on',
    'none',
    '--max-file-size',
    '4096',
    ...extra,
  ];
  // The Markdown report (the job summary the action writes; every suggestion made, shown as far as
  // it fits): only where asked (spec.markdown).
  const markdownFile = join(WORK, `report-${kind}-${process.pid}.md`);
  const markdownArgs = [
    CLI,
    'audit',
    target,
    '--format',
    'markdown',
    '--output',
    markdownFile,
    '--fail-on',
    'none',
    '--max-file-size',
    '4096',
    ...extra,
  ];
  const floorArgs = [FLOOR, target];
  const audit = [];
  const floor = [];
  const errors = [];
  /** Resource failures (out of memory, timeout): reported, not errors. */
  const failures = [];
  const failed = (a, what) => {
    const f = failureOf(a);
    if (f.resource) {
      failures.push(`${what}: ${f.text} after ${fmt(a.ms / 1000, 1)} s`);
      process.stderr.write(`  ${kind} ${s}: the ${what} audit failed: ${f.text}\n`);
      return;
    }
    auditErrors++;
    errors.push(`${what}: ${f.text}`);
    console.error(`bench: the ${what} audit of ${kind} ${s} failed (${f.text}):\n${a.stderr.slice(0, 2000)}`);
  };
  // The timings hook gives runAudit's own time and the number of policies, also when the report
  // cannot be rendered afterwards.
  const timed = { ...process.env, ...spec.env, IAM_BASELINE_AUDIT_TIMINGS: '1' };
  const phasesOf = [];
  let textRss = [];
  for (let i = 0; i < (spec.runs ?? runs); i++) {
    const a = await runNode(auditArgs, { cwd: dir, env: timed });
    const ph = phases(a.stderr);
    if (ph.audit !== undefined) phasesOf.push(ph);
    if (a.rssMB !== undefined) textRss.push(a.rssMB);
    if (a.code !== 0 || a.timedOut) {
      failed(a, 'text');
      break;
    }
    audit.push(a);
    if (spec.floor === false) continue;
    const f = await runNode(floorArgs, { cwd: dir });
    if (f.code !== 0) throw new Error(`floor failed: ${f.stderr}`);
    floor.push(f);
  }
  if (floor.length === 0 && spec.floor !== false) {
    const f = await runNode(floorArgs, { cwd: dir });
    if (f.code !== 0) throw new Error(`floor failed: ${f.stderr}`);
    floor.push(f);
  }
  // One JSON run: its figures, and the number of policies (and that no input failed). Without it,
  // the number of policies is read from the text report's last line. Not run when the text audit
  // ran out of memory or time (the JSON one does more).
  let r;
  let j;
  let reportBytes = NaN;
  if (spec.json !== false && audit.length > 0) {
    j = await runNode(jsonArgs, { cwd: dir, env: { ...process.env, ...spec.env } });
    if (j.code !== 0 || j.timedOut || !existsSync(report)) failed(j, 'JSON');
    else {
      reportBytes = statSync(report).size;
      r = reportParts(report, ['inputs', 'summary']);
    }
    rmSync(report, { force: true });
  }
  // The Markdown run: its render phase (timings), and its size, which must be under the job
  // summary's limit (an error otherwise: the action's summary would be refused).
  let m;
  let markdownRenderMs = NaN;
  let markdownBytes = NaN;
  if (spec.markdown && audit.length > 0) {
    m = await runNode(markdownArgs, { cwd: dir, env: timed });
    if (m.code !== 0 || m.timedOut || !existsSync(markdownFile)) {
      failed(m, 'Markdown');
      m = undefined;
    } else {
      markdownRenderMs = phases(m.stderr).render ?? NaN;
      markdownBytes = statSync(markdownFile).size;
      if (markdownBytes >= SUMMARY_LIMIT) {
        auditErrors++;
        errors.push(`Markdown report of ${markdownBytes} bytes, over the job summary's ${SUMMARY_LIMIT}`);
        console.error(
          `bench: ${kind} ${s}: the Markdown report is ${markdownBytes} bytes, over ${SUMMARY_LIMIT}`,
        );
      }
    }
    rmSync(markdownFile, { force: true });
  }
  const policies = phasesOf[0]?.policies ?? r?.summary.policies ?? spec.policies ?? NaN;
  const inError = r ? r.inputs.filter((x) => x.status === 'error') : [];
  if (inError.length) {
    auditErrors++;
    errors.push(`${inError.length} input(s) in error, e.g. ${inError[0].path}: ${inError[0].reason}`);
    console.error(
      `bench: ${kind} ${s}: ${inError.length} input(s) in error, e.g. ${inError[0].path}: ${inError[0].reason}`,
    );
  }
  const ms = audit.length ? median(audit.map((a) => a.ms)) : NaN;
  const floorMs = floor.length ? median(floor.map((f) => f.ms)) : NaN;
  return {
    kind,
    size: s,
    scale: s,
    policies,
    statements: spec.statements,
    bytes: spec.bytes,
    ms,
    floorMs,
    ratio: ms / floorMs,
    cpuMs: median(audit.map((a) => a.cpuMs ?? NaN)),
    runAuditMs: median(phasesOf.map((p) => p.audit)),
    renderMs: median(phasesOf.map((p) => p.render ?? NaN)),
    steps: Object.fromEntries(
      Object.keys(phasesOf[0]?.steps ?? {}).map((k) => [k, median(phasesOf.map((p) => p.steps?.[k] ?? NaN))]),
    ),
    floorCpuMs: median(floor.map((f) => f.cpuMs ?? NaN)),
    errors,
    failures,
    jsonMs: r ? j.ms : NaN,
    jsonRssMB: r ? (j.rssMB ?? NaN) : NaN,
    markdownMs: m ? m.ms : NaN,
    markdownRssMB: m ? (m.rssMB ?? NaN) : NaN,
    markdownRenderMs,
    markdownBytes,
    reportBytes,
    findings: r?.summary.findings,
    perPolicyUs: (ms * 1000) / policies,
    policiesPerS: policies / (ms / 1000),
    mbPerS: spec.bytes / MB / (ms / 1000),
    // Of the completed runs; a failed run's peak is in failedRssMB.
    rssMB: audit.length ? median(audit.map((a) => a.rssMB ?? NaN)) : undefined,
    failedRssMB: textRss.length > audit.length ? textRss[textRss.length - 1] : undefined,
    floorRssMB: median(floor.map((f) => f.rssMB ?? NaN)),
    memLimitMB: (2 * spec.bytes) / MB + TARGETS.memSlackMB,
  };
}

/**
 * Top-level members of a JSON report without making it one string (at 4x the report is larger than
 * the longest string V8 allows): the file is read as bytes, and a member of the report as
 * `JSON.stringify(report, null, 2)` writes it runs from its `\n  "key": ` to the next line that
 * starts with two spaces and a quote (nested lines are indented further, and JSON strings hold no
 * raw newline).
 */
function reportParts(file, keys) {
  const buf = readFileSync(file);
  const out = {};
  for (const key of keys) {
    const head = `\n  ${JSON.stringify(key)}: `;
    const start = buf.indexOf(head);
    if (start < 0) continue;
    let end = buf.indexOf('\n  "', start + 1);
    if (end < 0) end = buf.lastIndexOf('\n}');
    const text = buf.toString('utf8', start + Buffer.byteLength(head), end).replace(/,\s*$/, '');
    out[key] = JSON.parse(text);
  }
  return out;
}

/** The phases IAM_BASELINE_AUDIT_TIMINGS=1 prints: start-up, catalog, audit (and policies), render, write. */
function phases(stderr) {
  const out = {};
  for (const m of stderr.matchAll(
    /^timings: (start-up|catalog|audit|render|write)(?: of (\d+) policies)? ([\d.]+) ms$/gm,
  )) {
    out[m[1] === 'start-up' ? 'startup' : m[1]] = Number(m[3]);
    if (m[2] !== undefined) out.policies = Number(m[2]);
  }
  // runAudit's own phases (indented lines, from its onPhase hook): where the time over the floor goes.
  out.steps = {};
  for (const m of stderr.matchAll(/^timings: {3}(.+) ([\d.]+) ms$/gm)) out.steps[m[1]] = Number(m[2]);
  return out;
}

function tinyRepo() {
  const dir = join(WORK, 'tiny');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'coiled-ongoing.json'),
    JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ec2:RunInstances', 'ec2:DescribeInstances', 's3:GetObject'],
            Resource: '*',
          },
        ],
      },
      null,
      2,
    ),
  );
  return dir;
}

async function coldStart() {
  const tiny = tinyRepo();
  const tmp = join(WORK, 'action-tmp');
  mkdirSync(tmp, { recursive: true });
  const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? tmp };
  const actionEnv = {
    ...baseEnv,
    GITHUB_WORKSPACE: tiny,
    INPUT_PATHS: '.',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_STEP_SUMMARY: join(tmp, 'summary.md'),
    GITHUB_OUTPUT: join(tmp, 'output.txt'),
    RUNNER_TEMP: tmp,
  };
  const nodeOnly = [];
  const version = [];
  const action = [];
  const catalog = [];
  const auditTiny = [];
  for (let i = 0; i < coldRuns; i++) {
    nodeOnly.push((await runNode(['-e', '0'], { measureRss: false, env: baseEnv })).ms);
    const v = await runNode([CLI, '--version'], { measureRss: false, env: baseEnv });
    if (v.code !== 0) throw new Error(`--version failed: ${v.stderr}`);
    version.push(v.ms);
    for (const f of ['summary.md', 'output.txt']) writeFileSync(join(tmp, f), '');
    const a = await runNode([ACTION], { measureRss: false, env: actionEnv, firstLine: true, cwd: tiny });
    if (a.firstLineMs === undefined)
      throw new Error(`the action printed nothing (exit ${a.code}): ${a.stderr}`);
    action.push(a.firstLineMs);
    const t = await runNode([CLI, 'audit', '.', '--fail-on', 'none'], {
      measureRss: false,
      env: { ...baseEnv, IAM_BASELINE_AUDIT_TIMINGS: '1' },
      cwd: tiny,
    });
    auditTiny.push(t.ms);
    const ph = phases(t.stderr);
    if (ph.catalog !== undefined) catalog.push(ph.catalog);
  }
  return {
    nodeMs: median(nodeOnly),
    versionMs: median(version),
    actionMs: median(action),
    auditTinyMs: median(auditTiny),
    catalogMs: catalog.length ? median(catalog) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------

function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux
  }
  return {
    nproc: cpus().length,
    memGB: totalmem() / 1024 ** 3,
    cpu,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

async function main() {
  const t0 = performance.now();
  const m = machine();
  console.log(
    `iam-baseline-audit benchmark${quick ? ' (quick)' : ''}: seed ${seed}, base scale ${scale}x, sizes ${sizes.join(', ')}, ${runs} run(s) each, median quoted`,
  );
  console.log(`machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGB.toFixed(1)} GB, node ${m.node}, ${m.date}`);
  const rows = [];
  for (const kind of ['repo', 'plan']) {
    if (only && !only.has(kind)) continue;
    for (const s of sizes) {
      const r = await measureInput(kind, s * scale);
      if (r) {
        r.size = s;
        rows.push(r);
        process.stderr.write(`  ${kind} ${s}x: audit ${fmt(r.ms)} ms, floor ${fmt(r.floorMs)} ms\n`);
      }
    }
  }
  // The held-out corpus, the memory-limited run and the pathological policies (bench/diverse.mjs).
  const baselineArgs = ['--baseline', 'skypilot:minimal'];
  const diverse = [];
  if (wants('diverse'))
    for (const n of diverseSizes) {
      const input = ensure('diverse', n);
      const r = await measure({
        kind: 'diverse',
        size: n,
        policies: n,
        ...input,
        args: baselineArgs,
        markdown: true,
      });
      diverse.push(r);
      process.stderr.write(
        `  diverse ${n}: audit ${fmt(r.ms)} ms, floor ${fmt(r.floorMs)} ms${r.failures.length ? `; ${r.failures.join('; ')}` : ''}\n`,
      );
    }
  // The same plans without --baseline: each policy scored against every built-in baseline, what a
  // repository without a configuration runs (detection; no policy of the corpus is a vendor's).
  const detect = [];
  if (wants('detect'))
    for (const n of diverseSizes) {
      const input = ensure('diverse', n);
      const r = await measure({ kind: 'detect', size: n, policies: n, ...input, json: false });
      detect.push(r);
      process.stderr.write(
        `  detect ${n}: audit ${fmt(r.ms)} ms, floor ${fmt(r.floorMs)} ms${r.failures.length ? `; ${r.failures.join('; ')}` : ''}\n`,
      );
    }
  let memory;
  if (wants('memory')) {
    const n = MEMORY_CASE.policies;
    const input = ensure('diverse', n);
    const limit = `--max-old-space-size=${MEMORY_CASE.limitMB}`;
    memory = await measure({
      kind: 'memory',
      size: n,
      policies: n,
      ...input,
      args: baselineArgs,
      env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${limit}`.trim() },
      floor: false,
      runs: 1,
    });
    memory.completed =
      memory.errors.length === 0 && memory.failures.length === 0 && !Number.isNaN(memory.jsonMs);
    process.stderr.write(
      `  memory ${n} (${limit}): ${memory.completed ? 'completed' : memory.failures.join('; ') || 'failed'}\n`,
    );
  }
  const odd = [];
  for (const [kind, n, what] of [
    ['conditions', CONDITION_KEYS, `one policy, ${CONDITION_KEYS} condition keys`],
    ['arns', MANY_ARNS, `one policy, ${MANY_ARNS} ARNs under ec2:*`],
  ]) {
    if (!wants(kind)) continue;
    const input = ensure(kind, n);
    const r = await measure({ kind, size: n, ...input, args: baselineArgs, floor: false, json: false });
    r.what = what;
    odd.push(r);
    process.stderr.write(
      `  ${kind} ${n}: audit ${fmt(r.ms)} ms${r.failures.length ? `; ${r.failures.join('; ')}` : ''}\n`,
    );
  }
  const cold = only && !only.has('cold') ? undefined : await coldStart();

  // The tables.
  const table = (head, cells) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
    ].join('\n');
  const sizeOf = (r) => `${r.size}x (${+r.scale.toFixed(3)})`;
  const main = table(
    [
      'input',
      'size',
      'policies',
      'MB',
      'audit ms',
      'floor ms',
      'audit/floor',
      'µs/policy',
      'policies/s',
      'MB/s',
      'peak RSS MB',
      'RSS limit MB',
    ],
    (r) => [
      r.kind,
      sizeOf(r),
      r.policies ?? 'n/a',
      fmt(r.bytes / MB, 1),
      fmt(r.ms),
      fmt(r.floorMs),
      fmt(r.ratio, 2),
      fmt(r.perPolicyUs, 1),
      fmt(r.policiesPerS),
      fmt(r.mbPerS, 1),
      fmt(r.rssMB),
      fmt(r.memLimitMB),
    ],
  );
  const detail = table(
    [
      'input',
      'size',
      'findings',
      'runAudit ms',
      'render ms',
      'audit CPU ms',
      'floor CPU ms',
      'floor RSS MB',
      'JSON report ms',
      'JSON/floor',
      'JSON RSS MB',
    ],
    (r) => [
      r.kind,
      sizeOf(r),
      r.findings ?? 'n/a',
      fmt(r.runAuditMs),
      fmt(r.renderMs),
      fmt(r.cpuMs),
      fmt(r.floorCpuMs),
      fmt(r.floorRssMB),
      fmt(r.jsonMs),
      fmt(r.jsonMs / r.floorMs, 2),
      fmt(r.jsonRssMB),
    ],
  );
  // runAudit's phases, as columns (the same phases for every row).
  const stepNames = [...new Set(rows.flatMap((r) => Object.keys(r.steps ?? {})))];
  const steps = stepNames.length
    ? table(['input', 'size', 'floor ms', ...stepNames.map((n) => `${n} ms`), 'render ms'], (r) => [
        r.kind,
        sizeOf(r),
        fmt(r.floorMs),
        ...stepNames.map((n) => fmt(r.steps?.[n])),
        fmt(r.renderMs),
      ])
    : '';
  const lines = [main, '', detail, ...(steps ? ['', "runAudit's phases (medians):", '', steps] : [])];
  if (rows.length) console.log(`\n${lines.join('\n')}`);
  const status = (r) => [...r.failures, ...r.errors].join('; ') || 'ok';
  const tableOf = (list, head, cells) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...list.map((r) => `| ${cells(r).join(' | ')} |`),
    ].join('\n');
  if (diverse.length)
    console.log(
      `\nDiverse corpus (bench/diverse.mjs, --baseline skypilot:minimal):\n\n${tableOf(
        diverse,
        [
          'policies',
          'statements',
          'input MB',
          'audit ms',
          'runAudit ms',
          'render ms',
          'floor ms',
          'audit/floor',
          'µs/policy',
          'policies/s',
          'peak RSS MB',
          'JSON run RSS MB',
          'RSS limit MB',
          'JSON ms',
          'JSON MB',
          'JSON/input',
          'Markdown ms',
          'Markdown render ms',
          'Markdown KB',
          'Markdown run RSS MB',
          'findings',
          'status',
        ],
        (r) => [
          r.policies,
          r.statements ?? 'n/a',
          fmt(r.bytes / MB, 1),
          fmt(r.ms),
          fmt(r.runAuditMs),
          fmt(r.renderMs),
          fmt(r.floorMs),
          fmt(r.ratio, 2),
          fmt(r.perPolicyUs, 1),
          fmt(r.policiesPerS),
          fmt(r.rssMB ?? r.failedRssMB),
          fmt(r.jsonRssMB),
          fmt(r.memLimitMB),
          fmt(r.jsonMs),
          fmt(r.reportBytes / MB, 1),
          fmt(r.reportBytes / r.bytes, 2),
          fmt(r.markdownMs),
          fmt(r.markdownRenderMs),
          fmt(r.markdownBytes / 1024),
          fmt(r.markdownRssMB),
          r.findings ?? 'n/a',
          status(r),
        ],
      )}`,
    );
  if (detect.length)
    console.log(
      `\nThe diverse corpus without --baseline (detection against every built-in baseline, text report):\n\n${tableOf(
        detect,
        [
          'policies',
          'audit ms',
          'assign baselines ms',
          'floor ms',
          'audit/floor',
          'µs/policy',
          'policies/s',
          'peak RSS MB',
          'RSS limit MB',
          'status',
        ],
        (r) => [
          r.policies,
          fmt(r.ms),
          fmt(r.steps?.['assign baselines']),
          fmt(r.floorMs),
          fmt(r.ratio, 2),
          fmt(r.perPolicyUs, 1),
          fmt(r.policiesPerS),
          fmt(r.rssMB ?? r.failedRssMB),
          fmt(r.memLimitMB),
          status(r),
        ],
      )}`,
    );
  if (memory)
    console.log(
      `\nMemory-limited run (NODE_OPTIONS=--max-old-space-size=${MEMORY_CASE.limitMB}), diverse ${memory.policies} policies: text ${fmt(memory.ms)} ms, peak RSS ${fmt(memory.rssMB ?? memory.failedRssMB)} MB; JSON ${fmt(memory.jsonMs)} ms, peak RSS ${fmt(memory.jsonRssMB)} MB; ${memory.completed ? 'completed' : `did not complete: ${status(memory)}`}`,
    );
  if (odd.length)
    console.log(
      `\nPathological single policies (--baseline skypilot:minimal, text report):\n\n${tableOf(
        odd,
        ['input', 'what', 'audit ms', 'runAudit ms', 'render ms', 'peak RSS MB', 'status'],
        (r) => [
          r.kind,
          r.what,
          fmt(r.ms),
          fmt(r.runAuditMs),
          fmt(r.renderMs),
          fmt(r.rssMB ?? r.failedRssMB),
          status(r),
        ],
      )}`,
    );
  for (const r of [...diverse, ...(memory ? [memory] : []), ...odd])
    for (const e of r.errors) console.log(`error: ${r.kind} ${r.size}: ${e}`);
  for (const r of rows) for (const e of r.errors ?? []) console.log(`error: ${r.kind} ${r.size}x: ${e}`);
  if (cold) {
    console.log(
      `\n| start-up | median ms |\n|---|---|\n| node -e 0 (Node itself) | ${fmt(cold.nodeMs, 1)} |\n| node dist/cli.js --version | ${fmt(cold.versionMs, 1)} |\n| node dist/index.js (action) to its first output line | ${fmt(cold.actionMs, 1)} |\n| node dist/cli.js audit (one small file) | ${fmt(cold.auditTinyMs, 1)} |\n| loadCatalog() (IAM_BASELINE_AUDIT_TIMINGS) | ${fmt(cold.catalogMs, 1)} |`,
    );
  }

  // Targets.
  const verdicts = [];
  const say = (ok, text) => verdicts.push(`${ok === undefined ? 'n/a ' : ok ? 'MET ' : 'MISS'}  ${text}`);
  for (const r of rows)
    say(r.ratio <= TARGETS.ratio, `audit/floor ≤ ${TARGETS.ratio}: ${r.kind} ${r.size}x ${fmt(r.ratio, 2)}`);
  for (const kind of ['repo', 'plan']) {
    const list = rows.filter((r) => r.kind === kind).sort((a, b) => a.size - b.size);
    if (list.length < 2) continue;
    const lo = list[0];
    const hi = list[list.length - 1];
    const growth = hi.perPolicyUs / lo.perPolicyUs - 1;
    say(
      growth <= TARGETS.scaling,
      `per-policy time at ${hi.size}x within ${TARGETS.scaling * 100}% of ${lo.size}x: ${kind} ${fmt(lo.perPolicyUs, 1)} -> ${fmt(hi.perPolicyUs, 1)} µs (${growth >= 0 ? '+' : ''}${fmt(growth * 100)}%)`,
    );
    // runAudit alone (without start-up and rendering), also known when a report could not be rendered.
    const a = (r) => (r.runAuditMs * 1000) / r.policies;
    const g2 = a(hi) / a(lo) - 1;
    say(
      g2 <= TARGETS.scaling,
      `  the same for runAudit alone: ${kind} ${fmt(a(lo), 1)} -> ${fmt(a(hi), 1)} µs (${g2 >= 0 ? '+' : ''}${fmt(g2 * 100)}%)`,
    );
  }
  if (cold) {
    say(
      cold.versionMs <= TARGETS.coldStart,
      `cold start ≤ ${TARGETS.coldStart} ms: --version ${fmt(cold.versionMs, 1)} ms (node alone ${fmt(cold.nodeMs, 1)} ms)`,
    );
    say(
      cold.actionMs <= TARGETS.coldStart,
      `cold start ≤ ${TARGETS.coldStart} ms: action to first output line ${fmt(cold.actionMs, 1)} ms`,
    );
    say(
      cold.catalogMs === undefined ? undefined : cold.catalogMs <= TARGETS.catalog,
      `catalog load ≤ ${TARGETS.catalog} ms: ${fmt(cold.catalogMs, 1)} ms`,
    );
  }
  for (const r of rows)
    say(
      r.rssMB <= r.memLimitMB,
      `peak memory ≤ 2 × input + ${TARGETS.memSlackMB} MB: ${r.kind} ${r.size}x ${fmt(r.rssMB)} MB (limit ${fmt(r.memLimitMB)} MB)`,
    );
  // The targets of issue 13, on the diverse corpus. A run that failed misses each of its targets.
  for (const r of diverse) {
    const why = r.failures.length ? ` (${r.failures.join('; ')})` : '';
    say(
      r.ratio <= DIVERSE_TARGETS.ratio,
      `audit/floor ≤ ${DIVERSE_TARGETS.ratio}: diverse ${r.policies} ${fmt(r.ratio, 2)}${why}`,
    );
    say(
      r.policiesPerS >= DIVERSE_TARGETS.policiesPerS,
      `≥ ${DIVERSE_TARGETS.policiesPerS} policies/s: diverse ${r.policies} ${fmt(r.policiesPerS)}${why}`,
    );
    const peak = Math.max(r.rssMB ?? NaN, r.jsonRssMB);
    say(
      peak <= r.memLimitMB,
      `peak memory ≤ 2 × input + ${TARGETS.memSlackMB} MB: diverse ${r.policies} ${fmt(peak)} MB, text and JSON runs (limit ${fmt(r.memLimitMB)} MB)${why}`,
    );
    say(
      r.reportBytes / r.bytes <= DIVERSE_TARGETS.jsonPerInput,
      `JSON report ≤ ${DIVERSE_TARGETS.jsonPerInput} × input: diverse ${r.policies} ${fmt(r.reportBytes / MB, 1)} MB for ${fmt(r.bytes / MB, 1)} MB (${fmt(r.reportBytes / r.bytes, 2)}×)${why}`,
    );
  }
  for (const r of detect) {
    const why = r.failures.length ? ` (${r.failures.join('; ')})` : '';
    say(
      r.ratio <= DIVERSE_TARGETS.ratio,
      `audit/floor ≤ ${DIVERSE_TARGETS.ratio}: diverse ${r.policies} without --baseline ${fmt(r.ratio, 2)}${why}`,
    );
    say(
      r.policiesPerS >= DIVERSE_TARGETS.policiesPerS,
      `≥ ${DIVERSE_TARGETS.policiesPerS} policies/s: diverse ${r.policies} without --baseline ${fmt(r.policiesPerS)}${why}`,
    );
    say(
      r.rssMB <= r.memLimitMB,
      `peak memory ≤ 2 × input + ${TARGETS.memSlackMB} MB: diverse ${r.policies} without --baseline ${fmt(r.rssMB)} MB (limit ${fmt(r.memLimitMB)} MB)${why}`,
    );
  }
  if (diverse.length >= 2) {
    const lo = diverse[0];
    const hi = diverse[diverse.length - 1];
    const growth = hi.perPolicyUs / lo.perPolicyUs - 1;
    say(
      growth <= DIVERSE_TARGETS.scaling,
      `cost per policy at ${hi.policies / lo.policies}× within ${DIVERSE_TARGETS.scaling * 100}% of 1×: diverse ${lo.policies} -> ${hi.policies}: ${fmt(lo.perPolicyUs, 1)} -> ${fmt(hi.perPolicyUs, 1)} µs (${Number.isNaN(growth) ? 'n/a' : `${growth >= 0 ? '+' : ''}${fmt(growth * 100)}%`})`,
    );
  }
  if (memory)
    say(
      memory.completed,
      `a ${memory.policies}-policy diverse plan completes (text and JSON) inside --max-old-space-size=${MEMORY_CASE.limitMB}: ${memory.completed ? 'completed' : status(memory)}`,
    );
  console.log(`\nTargets:\n${verdicts.join('\n')}`);
  console.log(`\nbench: ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  if (opts.json)
    writeFileSync(
      opts.json,
      JSON.stringify(
        { machine: m, seed, scale, sizes, runs, rows, diverse, detect, memory, odd, cold, verdicts },
        null,
        2,
      ),
    );
  if (auditErrors) {
    console.error(`bench: ${auditErrors} audit(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exitCode = 1;
});
