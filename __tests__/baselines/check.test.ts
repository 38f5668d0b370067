// `npm run baselines:check`, offline: each baseline set with a machine-readable source compared
// with the local copy it was made from, and drift reported per set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = process.cwd();
type Drift = {
  added: string[];
  removed: string[];
  widened: string[];
  resources: string[];
  conditions: string[];
};
type Result = { baseline: string; set: string; location: string; drift?: Drift; error?: string };
type Source = Record<string, unknown> & { baseline: string; set: string; local: string };
interface CheckModule {
  checkBaselines(o?: {
    root?: string;
    read?: (s: Source) => string | Promise<string>;
    manifest?: { sources: Source[] };
  }): Promise<Result[]>;
  formatResults(r: Result[], o?: { markdown?: boolean }): string;
  exitCode(r: Result[]): number;
}

let check: CheckModule;
beforeAll(async () => {
  check = (await import(pathToFileURL(join(ROOT, 'scripts/baselines-check.mjs')).href)) as CheckModule;
});
const manifest = () =>
  JSON.parse(readFileSync(join(ROOT, 'baselines/sources.json'), 'utf8')) as { sources: Source[] };

describe('baselines:check on local copies', () => {
  it('every listed set is up to date with the copy it was made from', async () => {
    const results = await check.checkBaselines({ root: ROOT });
    expect(results.map((r) => `${r.baseline}/${r.set}`)).toEqual([
      'datadog/standard',
      'datadog/core',
      'datadog/resource-collection',
      'skypilot/minimal',
      'cloudzero/resource-owner',
      'cloudzero/master-payer',
    ]);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(check.exitCode(results)).toBe(0);
    expect(check.formatResults(results)).toMatch(/^datadog \/ standard: up to date$/m);
  });

  it("Datadog's standard is compared with its template together with the trusted-advisor set (`with-sets`)", async () => {
    const standard = manifest().sources.find((s) => s.baseline === 'datadog' && s.set === 'standard')!;
    expect(standard['with-sets']).toEqual(['trusted-advisor']);
    const without = { ...standard };
    delete without['with-sets'];
    const [r] = await check.checkBaselines({ root: ROOT, manifest: { sources: [without] } });
    expect(r!.drift!.added).toEqual([
      'trustedadvisor:ListRecommendationResources',
      'trustedadvisor:ListRecommendations',
    ]);
    expect(r!.drift!.removed).toEqual([]);
    const [whole] = await check.checkBaselines({ root: ROOT, manifest: { sources: [standard] } });
    expect(check.exitCode([whole!])).toBe(0);
  });

  it("reports the drift of Datadog's 2022 policy from its current CloudFormation template", async () => {
    const standard = manifest().sources.find((s) => s.set === 'standard')!;
    const results = await check.checkBaselines({
      root: ROOT,
      manifest: { sources: [{ ...standard, baseline: 'datadog@2022', set: 'integration', 'with-sets': [] }] },
    });
    const d = results[0]!.drift!;
    expect(d.added).toContain('events:CreateEventBus');
    expect(d.removed).toContain('lambda:GetPolicy');
    expect(check.exitCode(results)).toBe(1);
    const md = check.formatResults(results, { markdown: true });
    expect(md).toMatch(/### datadog@2022 \/ integration: drift/);
    expect(md).toMatch(/- actions added: .*`events:CreateEventBus`/);
  });

  it('reports widened wildcards, changed resources and changed conditions', async () => {
    const source = manifest().sources.find((s) => s.set === 'resource-owner')!;
    const doc = JSON.parse(readFileSync(join(ROOT, source.local), 'utf8')) as {
      Statement: Record<string, unknown>[];
    };
    // A vendor's next version: a statement's named actions replaced by a wildcard, another on a
    // new resource with a condition.
    const first = doc.Statement[0]!;
    const actions = first.Action as string[];
    const service = actions[0]!.split(':')[0]!;
    doc.Statement[0] = { ...first, Action: [`${service}:*`] };
    doc.Statement[1] = {
      ...doc.Statement[1],
      Resource: ['*', 'arn:aws:s3:::new-bucket'],
      Condition: { StringEquals: { 'aws:ResourceAccount': '${account_id}' } },
    };
    const results = await check.checkBaselines({
      root: ROOT,
      manifest: { sources: [source] },
      read: () => JSON.stringify(doc),
    });
    const d = results[0]!.drift!;
    expect(d.added).toEqual([`${service}:*`]);
    expect(d.widened[0]).toMatch(new RegExp(`^${service}:\\* \\(in place of `));
    expect(d.resources.join(' ')).toMatch(/\+ arn:aws:s3:::new-bucket/);
    expect(d.conditions.join(' ')).toMatch(/aws:ResourceAccount/);
  });

  it('a source that cannot be read is an error (exit 2), not "up to date"', async () => {
    const results = await check.checkBaselines({
      root: ROOT,
      manifest: { sources: [manifest().sources[0]!] },
      read: () => {
        throw new Error('HTTP 404');
      },
    });
    expect(results[0]!.error).toMatch(/HTTP 404/);
    expect(check.exitCode(results)).toBe(2);
  });
});
