// The audit shares statement outcomes between policies (src/audit/memo.ts). This checks that the
// shared path gives byte-for-byte the report of the reference path (each unit evaluated whole),
// on the benchmark's generated inputs (a repository tree bound by a configuration, and a plan with
// creates, updates and no-ops), with and without a pull request's base, and on the corpus fixtures.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module without types (the benchmark's generator).
import { generatePlan, generateRepo } from '../bench/generate.mjs';
import { runAudit, type AuditRequest } from '../src/audit/run.js';
import type { Report } from '../src/core/types.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iba-memo-'));
  generateRepo(join(dir, 'repo'), { seed: 7, files: 600 });
  generatePlan(join(dir, 'plan', 'plan.json'), { seed: 7, services: 90 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function both(req: Omit<AuditRequest, 'now'>): Promise<[Report, string, string]> {
  const shared = await runAudit({ ...req, now: NOW });
  const reference = await runAudit({ ...req, now: NOW, reference: true });
  // JSON.stringify reads every suggestion's diff too.
  return [shared, JSON.stringify(shared, null, 1), JSON.stringify(reference, null, 1)];
}

/** Every kind of finding the inputs are built to produce, so the comparison covers each path. */
function kinds(r: Report): string[] {
  return [...new Set(r.findings.map((f) => f.kind))].sort();
}

describe('statement outcomes shared between policies', () => {
  it('give the reference report on a generated repository', async () => {
    const [report, shared, reference] = await both({ root: join(dir, 'repo'), paths: ['.'] });
    expect(report.summary.policies).toBe(600);
    expect(kinds(report)).toEqual(
      expect.arrayContaining(['broader-resource', 'excess-action', 'leftover-set', 'missing-condition']),
    );
    expect(shared).toBe(reference);
  });

  it('give the reference report on a generated plan (creates, updates with a before, no-ops)', async () => {
    const [report, shared, reference] = await both({ root: join(dir, 'plan'), paths: ['plan.json'] });
    expect(report.findings.some((f) => f.new === true)).toBe(true);
    expect(report.findings.some((f) => f.new === false)).toBe(true);
    expect(shared).toBe(reference);
  });

  it('give the reference report against a pull request base that differs', async () => {
    const root = join(dir, 'repo');
    // The base: a third of the files as they are, a third absent (new in the pull request), a third
    // with their first statement dropped and a wider one added (removed in the pull request).
    let n = 0;
    const readBase = async (p: string) => {
      n++;
      if (n % 3 === 0) return undefined;
      const text = readFileSync(join(root, p), 'utf8');
      if (n % 3 === 1) return text;
      try {
        const doc = JSON.parse(text) as { Statement?: unknown };
        if (!Array.isArray(doc.Statement)) return text;
        doc.Statement = [
          ...doc.Statement.slice(1),
          { Effect: 'Allow', Action: ['iam:*', 's3:Get*'], Resource: '*' },
        ];
        return JSON.stringify(doc);
      } catch {
        return text;
      }
    };
    n = 0;
    const shared = await runAudit({ root, paths: ['.'], readBase, now: NOW });
    n = 0;
    const reference = await runAudit({ root, paths: ['.'], readBase, now: NOW, reference: true });
    expect(shared.findings.some((f) => f.new === true)).toBe(true);
    expect(shared.findings.some((f) => f.new === false)).toBe(true);
    expect(shared.findings.some((f) => f.removed)).toBe(true);
    expect(JSON.stringify(shared, null, 1)).toBe(JSON.stringify(reference, null, 1));
  });

  it('give the reference report on the corpus fixtures', async () => {
    const root = fileURLToPath(new URL('./fixtures/', import.meta.url));
    const [report, shared, reference] = await both({ root, paths: ['.'], accountId: '123456789012' });
    expect(report.policies.length).toBeGreaterThan(10);
    // The vendors' own policies among the fixtures audit clean now that optional sets are features
    // and alternatives are chosen: the setup leftovers, a plan and a state still give findings.
    expect(report.findings.length).toBeGreaterThanOrEqual(5);
    expect(new Set(report.findings.map((f) => f.kind)).size).toBeGreaterThanOrEqual(3);
    expect(shared).toBe(reference);
  });

  it('name the resource a partly new statement newly grants on (a review found the old part named)', async () => {
    // s3:Get* was granted on the buckets my-* in the base (a wildcard where the baseline names one
    // bucket: broader; an aws-cn bucket was the example before a grant in another partition was
    // read in the baseline's); the pull request grants s3:* on them and on *. The new broader-resource finding of the Get actions is about *, not about the bucket.
    // (Granted on * in the base, the Get actions on the bucket would be nothing new: * contains it.)
    const root = join(dir, 'partly-new');
    mkdirSync(root, { recursive: true });
    const head = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: ['*', 'arn:aws:s3:::my-*'] }],
    };
    writeFileSync(join(root, 'p.json'), JSON.stringify(head, null, 1));
    const base = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::my-*' }],
    };
    // (the account type named: s3:* on * alone is no evidence of either alternative)
    const req = {
      root,
      paths: ['.'],
      baseline: 'cloudzero:master-payer',
      readBase: async () => JSON.stringify(base),
    };
    const [report, shared, reference] = await both(req);
    const fresh = report.findings.filter((f) => f.kind === 'broader-resource' && f.new === true);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.some((f) => f.actions.includes('s3:GetObject') && f.message.includes('granted on *,'))).toBe(
      true,
    );
    const old = report.findings.filter((f) => f.kind === 'broader-resource' && f.new === false);
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((f) => JSON.stringify(f.resources) === JSON.stringify(['arn:aws:s3:::my-*']))).toBe(
      true,
    );
    expect(shared).toBe(reference);
  });
});
