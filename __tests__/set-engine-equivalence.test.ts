// The audit decides by set algebra (src/policy/grant-sets.ts, src/audit/classify.ts, memo.ts); the
// reference path decides action by action, one grant per (action, resource) (evaluateUnit). A
// property test: on random diverse policies (bench/diverse.mjs: random action mixes over 40
// services, NotAction, Deny, conditions, distinct resources) held to random baselines and set
// choices, with and without a pull request's base, both paths give the same report, byte for byte.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain ES module without types (the benchmark's generator).
import { generateDiversePlan } from '../bench/diverse.mjs';
import { runAudit } from '../src/audit/run.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const SEEDS = (process.env.SET_ENGINE_SEEDS ?? '11,12,13,14,15,16').split(',').map(Number);
const BASELINES = [
  'skypilot:minimal',
  'skypilot:minimal,auto-create-role,s3-access',
  'coiled',
  'coiled:ongoing',
  'datadog',
  'lightly',
  'anyscale:steady-state',
  'anyscale:initial-setup,steady-state',
  'spot',
  'databricks',
  'cloudzero',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iba-sets-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The plan's policies as standalone files (so a pull request's base can differ per file). */
function policyFiles(plan: string, into: string): void {
  const parsed = JSON.parse(readFileSync(plan, 'utf8')) as {
    resource_changes: { change: { after: { policy?: string } | null } }[];
  };
  mkdirSync(into, { recursive: true });
  parsed.resource_changes.forEach((rc, i) => {
    if (rc.change.after?.policy) writeFileSync(join(into, `p${i}.json`), rc.change.after.policy);
  });
}

/** A base that differs: per file, the same, absent (new), or with a statement dropped and one widened. */
function baseReader(root: string, seed: number) {
  let n = seed;
  return async (p: string) => {
    const k = n++ % 3;
    const text = readFileSync(join(root, p), 'utf8');
    if (k === 0) return text;
    if (k === 1) return undefined;
    const doc = JSON.parse(text) as { Statement: unknown[] };
    doc.Statement = [
      ...doc.Statement.slice(1),
      { Effect: 'Allow', Action: ['iam:*', 's3:Get*'], Resource: '*' },
    ];
    return JSON.stringify(doc);
  };
}

describe('the set engine gives the reference report', () => {
  it.each(SEEDS)(
    'on random diverse policies and baselines (seed %d)',
    async (seed) => {
      const root = join(dir, `s${seed}`);
      generateDiversePlan(join(root, 'plan.json'), { seed, policies: 40 });
      const baseline = BASELINES[seed % BASELINES.length]!;
      const req = { root, paths: ['plan.json'], baseline, now: NOW };
      const shared = await runAudit(req);
      const reference = await runAudit({ ...req, reference: true });
      expect(shared.findings.length).toBeGreaterThan(0);
      expect(JSON.stringify(shared)).toBe(JSON.stringify(reference));

      const files = join(root, 'files');
      policyFiles(join(root, 'plan.json'), files);
      const other = BASELINES[(seed + 3) % BASELINES.length]!;
      const withBase = { root: files, paths: ['.'], baseline: other, now: NOW };
      const a = await runAudit({ ...withBase, readBase: baseReader(files, seed) });
      const b = await runAudit({ ...withBase, readBase: baseReader(files, seed), reference: true });
      expect(a.findings.some((f) => f.new === true)).toBe(true);
      expect(a.findings.some((f) => f.new === false)).toBe(true);
      expect(a.findings.some((f) => f.removed === true)).toBe(true);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    },
    300_000,
  );
});
