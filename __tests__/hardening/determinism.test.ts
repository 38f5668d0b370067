// Determinism: the same files give byte-identical JSON, Markdown, SARIF and text reports, whatever
// the order they were created in on disk (directory order follows creation order on many file
// systems), their modification times, or the directory the audit runs in.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../../src/audit/run.js';
import { renderAll } from './inert.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(here, '../fixtures');
const NOW = new Date('2026-06-01T00:00:00Z');

/** A repository mixing every kind of input, several per directory. */
function files(): Record<string, string> {
  const fixture = (p: string) => readFileSync(join(FIXTURES, p), 'utf8');
  const policy = (sid: string, actions: string[]) =>
    JSON.stringify(
      { Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: actions, Resource: '*' }] },
      null,
      2,
    );
  return {
    'iam/coiled/setup.json': fixture('baselines/coiled-setup-policy.json'),
    'iam/coiled/ongoing.json': fixture('baselines/coiled-ongoing-policy.json'),
    'iam/b.json': policy('B', ['ec2:*', 's3:GetObject']),
    'iam/a.json': policy('A', ['iam:PassRole', 'sqs:*']),
    'iam/z/ä.json': policy('Ä', ['kms:Decrypt']),
    'iam/Z.json': policy('Z', ['logs:*']),
    'tf/plan.json': fixture('tf-plan/written__changes.json'),
    'tf/state.json': fixture('tf-state/written__state.json'),
    'tf/main.tf.json': fixture('tf-json/written__forms.tf.json'),
    'aws/details.json': fixture('auth-details/written__authorization-details.json'),
    'notes/readme.json': '{"not": "a policy"}',
    'notes/broken.json': '{"Statement": [',
  };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'iba-determinism-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function create(
  root: string,
  order: string[],
  all: Record<string, string>,
  mtime: (i: number) => number,
): void {
  order.forEach((rel, i) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), all[rel]!);
    utimesSync(join(root, rel), mtime(i), mtime(i));
  });
}

describe('the same input gives byte-identical reports', () => {
  it('whatever the creation order, modification times or directory', async () => {
    const all = files();
    const names = Object.keys(all);
    const orders = [
      [...names],
      [...names].reverse(),
      [...names].sort(),
      [...names].sort((a, b) => a.length - b.length || (a < b ? 1 : -1)),
    ];
    const outputs: string[] = [];
    for (const [k, order] of orders.entries()) {
      for (const baseline of [undefined, 'coiled']) {
        const root = join(tmp, `${k % 2 === 0 ? 'one' : 'another directory'}-${k}-${baseline ?? 'detect'}`);
        create(root, order, all, (i) => 1_700_000_000 + (k % 2 === 0 ? i : -i) * 3600);
        const report = await runAudit({ root, paths: ['.'], baseline, now: NOW });
        const r = renderAll(report);
        outputs.push(JSON.stringify({ baseline, ...r }));
      }
    }
    const detect = outputs.filter((_, i) => i % 2 === 0);
    const coiled = outputs.filter((_, i) => i % 2 === 1);
    for (const o of detect) expect(o).toBe(detect[0]);
    for (const o of coiled) expect(o).toBe(coiled[0]);
    expect(detect[0]).not.toBe(coiled[0]);
    // And the runs looked at everything: every file is in the report.
    expect(JSON.parse(JSON.parse(coiled[0]!).json).inputs).toHaveLength(names.length);
  }, 120_000);
});
