// A statement split into parts by fix gets, for each part after the first, a Sid no other
// statement of the policy has (IAM wants Sids unique; aws_iam_policy_document refuses duplicates).
// On a reviewer's inputs: Coiled's ongoing policy with its Sid Fleet renamed Network2, as JSON and
// as a .tf policy document. Its Network statement's ec2:Vpc condition is taken out (the baseline
// accepts it since Coiled's Terraform template writes it so), so that fix still splits Network:
// its ec2:DeleteSecurityGroup needs the owner tag condition, the rest does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run.js';
import { planFixes } from '../../src/fix/index.js';
import { NOW, readIn, repo } from './helpers.js';

const INPUTS = new URL('./review-inputs/', import.meta.url).pathname;

async function fix(dir: string, name: string, edit: (text: string) => string) {
  const text = edit(readFileSync(join(INPUTS, dir, name), 'utf8'));
  const root = repo({ [name]: text });
  const report = await runAudit({ root, paths: ['.'], baseline: 'coiled', now: NOW });
  return planFixes(report, readIn(root));
}

const duplicates = (sids: string[]) => sids.filter((s, i) => sids.indexOf(s) !== i);

describe('the Sid of a split statement', () => {
  it('ongoing.json: the second part of Network is not a second Network2', async () => {
    const plan = await fix('sidj', 'ongoing.json', (text) => {
      const doc = JSON.parse(text) as { Statement: { Sid?: string; Condition?: unknown }[] };
      const network = doc.Statement.find((st) => st.Sid === 'Network')!;
      expect(network.Condition).toBeDefined();
      delete network.Condition;
      return JSON.stringify(doc, null, 2);
    });
    const after = plan.files[0]?.after;
    expect(after).toBeDefined();
    const sids = (JSON.parse(after!) as { Statement: { Sid?: string }[] }).Statement.flatMap((s) =>
      s.Sid ? [s.Sid] : [],
    );
    expect(sids).toEqual(expect.arrayContaining(['Network', 'Network2', 'Network3']));
    expect(duplicates(sids)).toEqual([]);
  });

  it('iam.tf: fixed (not refused), with unique sids', async () => {
    const plan = await fix('sid', 'iam.tf', (text) => {
      const out = text.replace(/\n\s*condition \{\n[^\n]*\n\s*variable = "ec2:Vpc"\n[^\n]*\n\s*\}/, '');
      expect(out).not.toBe(text);
      return out;
    });
    // (the control-plane role's trust names Coiled's account through a variable without a value
    // here: a low, approximate trust finding, which fix leaves, as it leaves every trust policy)
    expect(plan.notFixed.filter((n) => !n.reason.startsWith("a role's trust policy"))).toEqual([]);
    const after = plan.files[0]?.after ?? '';
    const sids = [...after.matchAll(/sid\s*=\s*"([^"]*)"/g)].map((m) => m[1]!);
    expect(sids).toContain('Network3');
    expect(duplicates(sids)).toEqual([]);
  });
});
